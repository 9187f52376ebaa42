package ident

import "testing"

func TestQuote(t *testing.T) {
	cases := []struct{ in, quote, display string }{
		{"users", `"users"`, "users"},
		{"User", `"User"`, `"User"`},
		{`we"ird`, `"we""ird"`, `"we""ird"`},
		{"order", `"order"`, `"order"`},
		{"with space", `"with space"`, `"with space"`},
		{"1abc", `"1abc"`, `"1abc"`},
		{"a1$", `"a1$"`, "a1$"},
		{"café", `"café"`, `"café"`},
		{"", `""`, `""`},
	}
	for _, c := range cases {
		if got := Quote(c.in); got != c.quote {
			t.Errorf("Quote(%q) = %s, want %s", c.in, got, c.quote)
		}
		if got := Display(c.in); got != c.display {
			t.Errorf("Display(%q) = %s, want %s", c.in, got, c.display)
		}
	}
	if got := QuoteQualified("public", "User"); got != `"public"."User"` {
		t.Errorf("QuoteQualified = %s", got)
	}
	if got := DisplayQualified("public", "User"); got != `public."User"` {
		t.Errorf("DisplayQualified = %s", got)
	}
	if got := QuoteList([]string{"a", "B"}); got != `"a", "B"` {
		t.Errorf("QuoteList = %s", got)
	}
}

func TestLiteral(t *testing.T) {
	for in, want := range map[string]string{"": "''", "a": "'a'", "it's": "'it''s'", `back\slash`: `'back\slash'`, "''": "''''''"} {
		if got := Literal(in); got != want {
			t.Errorf("Literal(%q) = %s, want %s", in, got, want)
		}
	}
}
