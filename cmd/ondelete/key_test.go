package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
)

func TestParseKey(t *testing.T) {
	single := &catalog.Table{Schema: "public", Name: "users", PrimaryKey: []string{"id"}}
	composite := &catalog.Table{Schema: "public", Name: "members", PrimaryKey: []string{"tenant_id", "Id"}}
	none := &catalog.Table{Schema: "public", Name: "log"}
	cases := []struct {
		name  string
		table *catalog.Table
		in    string
		want  map[string]string
		err   string
	}{
		{"bare", single, "42", map[string]string{"id": "42"}, ""},
		{"named", single, "id=42", map[string]string{"id": "42"}, ""},
		{"folded", single, "ID=42", map[string]string{"id": "42"}, ""},
		{"bare value with equals", single, "a=b", map[string]string{"id": "a=b"}, ""},
		{"bare value with comma", single, "1,2", map[string]string{"id": "1,2"}, ""},
		{"uuid", single, "8c1f0e4e-4c2d-4b7e-9f3a-2f1d1b7c9a10", map[string]string{"id": "8c1f0e4e-4c2d-4b7e-9f3a-2f1d1b7c9a10"}, ""},
		{"empty", single, "", nil, "--key: empty value: give the id of the row to delete, e.g. --key 42"},
		{"composite", composite, `tenant_id=1,"Id"=2`, map[string]string{"tenant_id": "1", "Id": "2"}, ""},
		{"composite quoted value", composite, `tenant_id="a,""b""",Id=x`, map[string]string{"tenant_id": `a,"b"`, "Id": "x"}, ""},
		{"composite missing", composite, "tenant_id=1", nil, "--key: missing Id: table public.members has the primary key (tenant_id, Id), write --key tenant_id=1,Id=2"},
		{"composite unknown", composite, "tenant=1,Id=2", nil, `--key: "tenant" is not a primary-key column of public.members (want tenant_id, Id)`},
		{"composite twice", composite, "tenant_id=1,tenant_id=2", nil, "--key: column tenant_id given twice"},
		{"composite bare", composite, "42", nil, `--key: "42" is not column=value; table public.members has the primary key (tenant_id, Id): write --key tenant_id=1,Id=2`},
		{"composite unterminated", composite, `tenant_id="1`, nil, "--key: unterminated quoted value for tenant_id; table public.members has the primary key (tenant_id, Id): write --key tenant_id=1,Id=2"},
		{"no primary key", none, "1", nil, "--key: table public.log has no primary key: select the row with --where instead"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseKey(c.table, c.in)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("err = %v, want %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseKey: any input either fails with one line or yields a value
// for every key column and nothing else.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"42", "id=1", `a=1,b="x,""y"""`, `a="`, "a=1,,b=2", "=", ","} {
		f.Add(s)
	}
	tables := []*catalog.Table{
		{Schema: "public", Name: "users", PrimaryKey: []string{"id"}},
		{Schema: "public", Name: "members", PrimaryKey: []string{"a", "b"}},
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tbl := range tables {
			key, err := parseKey(tbl, s)
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("multi-line error %q", err)
				}
				continue
			}
			if len(key) != len(tbl.PrimaryKey) {
				t.Fatalf("%q: key %v for %v", s, key, tbl.PrimaryKey)
			}
			for _, c := range tbl.PrimaryKey {
				if _, ok := key[c]; !ok {
					t.Fatalf("%q: missing %s in %v", s, c, key)
				}
			}
		}
	})
}
