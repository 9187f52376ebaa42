package explain

import (
	"slices"
	"testing"
)

func TestEncodeRow(t *testing.T) {
	long := string(make([]byte, 300))
	raw := [][]byte{[]byte("(0,1)"), nil, []byte(""), []byte("a\x01b"), []byte(long)}
	r := row{data: encodeRow(raw)}
	want := []string{"(0,1)", nullText, "", "a\x01b", long}
	for i, w := range want {
		if got := r.val(i); got != w {
			t.Errorf("val(%d) = %q, want %q", i, got, w)
		}
	}
}

func TestParseTID(t *testing.T) {
	cases := map[string]uint64{"(0,1)": 1, "(2,3)": 2<<16 | 3, "(4294967295,65535)": 4294967295<<16 | 65535, "x": 0, "(1)": 0, "(a,b)": 0}
	for in, want := range cases {
		if got := parseTID(in); got != want {
			t.Errorf("parseTID(%q) = %d, want %d", in, got, want)
		}
	}
	if !(parseTID("(0,10)") > parseTID("(0,9)") && parseTID("(1,1)") > parseTID("(0,300)")) {
		t.Error("tids do not order as ctids do")
	}
}

func TestKeyOrder(t *testing.T) {
	keys := [][]string{{"10"}, {"9"}, {"-3"}, {"-20"}, {"b"}, {"a"}, {"123456789012345678901234567890"}, {"0"}, {"1", "2"}, {"1", "10"}}
	slices.SortFunc(keys, func(a, b []string) int {
		switch {
		case keyLess(a, b):
			return -1
		case keyLess(b, a):
			return 1
		}
		return 0
	})
	want := [][]string{{"-20"}, {"-3"}, {"0"}, {"1", "2"}, {"1", "10"}, {"9"}, {"10"}, {"123456789012345678901234567890"}, {"a"}, {"b"}}
	if !slices.EqualFunc(keys, want, slices.Equal) {
		t.Errorf("sorted %v, want %v", keys, want)
	}
	rows := []Row{{Key: []string{"10"}, Depth: 1}, {Key: []string{"9"}, Depth: 1}, {Key: []string{"100"}, Depth: 0}}
	sortRows(rows)
	if rows[0].Key[0] != "100" || rows[1].Key[0] != "9" || rows[2].Key[0] != "10" {
		t.Errorf("sortRows: %v", rows)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{BatchSize: -1}, {MaxRows: -1}} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v validated", o)
		}
	}
	if err := (Options{}).Validate(); err != nil {
		t.Error(err)
	}
	if (Options{}).batch() != DefaultBatchSize || (Options{BatchSize: 3}).batch() != 3 {
		t.Error("batch size default")
	}
}
