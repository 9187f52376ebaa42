package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// flags derives the findings of a built graph: everything but Flags must
// already be filled in.
func (w *walk) flags(g *Graph) []Flag {
	out := []Flag{}
	add := func(t FlagType, tables []catalog.TableName, constraints []string, msg string) {
		if constraints == nil {
			constraints = []string{}
		}
		out = append(out, Flag{Type: t, Tables: tables, Constraints: constraints, Message: msg})
	}
	for _, c := range g.Cycles {
		if len(c.Tables) < 2 {
			continue
		}
		if c.Kind == CycleCascade {
			add(FlagCascadeCycle, c.Tables, c.Constraints, fmt.Sprintf(
				"%d tables delete each other's rows through CASCADE foreign keys: one DELETE can travel round the cycle and remove far more than its root", len(c.Tables)))
		} else {
			add(FlagForeignKeyCycle, c.Tables, c.Constraints, fmt.Sprintf(
				"%d affected tables reference each other through %d foreign keys: rows cannot be removed one table at a time unless a link in the cycle cascades, nulls or is deferred", len(c.Tables), len(c.Constraints)))
		}
	}
	for _, e := range g.Edges {
		if e.Action == catalog.Cascade && e.From == e.To {
			add(FlagCascadeSelfReference, []catalog.TableName{e.To}, []string{e.Constraint}, fmt.Sprintf(
				"deleting a row of %s deletes its whole subtree through the self-reference, however deep", e.To))
		}
	}
	for _, b := range g.Blockers {
		key := b.Key().String()
		switch {
		case len(b.NotNullColumns) > 0 && b.Action == catalog.SetNull:
			add(FlagSetNullNotNull, []catalog.TableName{b.TableName()}, []string{key}, fmt.Sprintf(
				"ON DELETE SET NULL targets NOT NULL %s: the DELETE fails with a not-null violation whenever a referencing row remains", plural("column", b.NotNullColumns)))
		case len(b.NotNullColumns) > 0:
			add(FlagSetDefaultNotNull, []catalog.TableName{b.TableName()}, []string{key}, fmt.Sprintf(
				"ON DELETE SET DEFAULT targets NOT NULL %s without a default: the DELETE fails with a not-null violation whenever a referencing row remains", plural("column", b.NotNullColumns)))
		}
		if b.OrderDependent {
			add(FlagOrderDependent, []catalog.TableName{b.TableName()}, []string{key},
				"whether this check sees the referencing rows the same DELETE removes depends on trigger firing order, i.e. on which constraint was created first")
		}
	}
	var truncated []catalog.TableName
	for _, t := range g.Tables {
		if t.PathsTruncated {
			truncated = append(truncated, t.TableName)
		}
		if effects := effectsOf(t.Via); len(effects) > 1 {
			var keys []string
			for _, ei := range w.in[w.b.ids[t.TableName]] {
				keys = append(keys, w.edges[ei].Constraint)
			}
			sort.Strings(keys)
			add(FlagMixedActions, []catalog.TableName{t.TableName}, keys, fmt.Sprintf(
				"%s is reached by foreign keys with different effects (%s): check that they agree on what the row's deletion should mean", t.TableName, strings.Join(effects, ", ")))
		}
	}
	if len(truncated) > 0 {
		add(FlagPathsTruncated, truncated, nil, fmt.Sprintf(
			"%d tables are reached by more than %d paths; only the shortest %d are listed", len(truncated), g.MaxPaths, g.MaxPaths))
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if c := compareNames(a.Tables, b.Tables); c != 0 {
			return c < 0
		}
		return strings.Join(a.Constraints, "\x00") < strings.Join(b.Constraints, "\x00")
	})
	return out
}

// effectsOf names the distinct effects of actions: NO ACTION and RESTRICT
// both block, so they count as one.
func effectsOf(via []catalog.Action) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range via {
		var e string
		switch a {
		case catalog.Cascade:
			e = "delete"
		case catalog.SetNull:
			e = "set null"
		case catalog.SetDefault:
			e = "set default"
		default:
			e = "block"
		}
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

// compareNames compares two sorted name lists lexically.
func compareNames(a, b []catalog.TableName) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i].Less(b[i]) {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}
