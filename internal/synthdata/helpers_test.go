package synthdata_test

import (
	"slices"

	"github.com/ondelete/ondelete/ident"
)

func quote(name string) string { return ident.Quote(name) }

func literal(v string) string { return ident.Literal(v) }

func sortStrings(s []string) { slices.Sort(s) }

func containsKey(keys [][]string, key []string) bool {
	return slices.ContainsFunc(keys, func(k []string) bool { return slices.Equal(k, key) })
}
