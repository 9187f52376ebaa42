package ident

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		in   string
		want []Part
		err  string
	}{
		{"users", []Part{{"users", false}}, ""},
		{` public . "User" `, []Part{{"public", false}, {"User", true}}, ""},
		{`"my schema"."x.y"."a""b"`, []Part{{"my schema", true}, {"x.y", true}, {`a"b`, true}}, ""},
		{"", nil, "empty name"},
		{"a.", nil, "name ends with a dot"},
		{`"a`, nil, "unterminated quoted identifier"},
		{`a"b"`, nil, "quote inside an unquoted identifier (quote the whole part)"},
		{"my table", nil, "expected a dot between name parts (quote names that contain blanks)"},
	}
	for _, c := range cases {
		got, err := Split(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Split(%q) error = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Split(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	// Every name survives Quote → Split unchanged.
	for _, name := range []string{"users", "User", `we"ird`, "with space", "x.y", "café"} {
		parts, err := Split(QuoteQualified("s", name))
		if err != nil || len(parts) != 2 || parts[1].Text != name || parts[1].Folded() != name {
			t.Errorf("round trip of %q: %v %v", name, parts, err)
		}
	}
	if got := (Part{Text: "User"}).Spellings(); !reflect.DeepEqual(got, []string{"user", "User"}) {
		t.Errorf("Spellings = %v", got)
	}
}
