package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/ident"
)

// graphOutcomeColors are the fill colours per outcome, shared by the DOT
// and Mermaid renderers so both pictures read the same.
var graphOutcomeColors = map[graph.Outcome]struct{ fill, stroke string }{
	graph.OutcomeRoot:      {"#9ec5fe", "#084298"},
	graph.OutcomeDeleted:   {"#f1aeb5", "#842029"},
	graph.OutcomeNulled:    {"#ffe69c", "#997404"},
	graph.OutcomeDefaulted: {"#fff3cd", "#997404"},
	graph.OutcomeBlocked:   {"#e9ecef", "#dc3545"},
}

// GraphDOT writes the graph in Graphviz DOT, for `dot -Tsvg`: one node per
// affected table, filled by outcome; one edge per foreign key the DELETE
// follows, from the deleted table to the referencing one, labelled with
// the constraint name and action. Blockers are red dashed edges. Node ids
// are synthetic (n0, n1, ...) and every label is a quoted, escaped string,
// so no identifier can break the syntax.
func GraphDOT(w io.Writer, g *graph.Graph) error {
	ids := graphNodeIDs(g)
	blockers := graphBlockerIndex(g)
	var b strings.Builder
	fmt.Fprintf(&b, "digraph ondelete {\n")
	fmt.Fprintf(&b, "  graph [rankdir=LR, labelloc=t, fontname=\"Helvetica\", label=%s];\n", dotString("Deleting one row of "+termName(g.Root)))
	b.WriteString("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, t := range g.Tables {
		c := graphOutcomeColors[t.Outcome]
		extra := ""
		if t.Outcome == graph.OutcomeRoot || t.Outcome == graph.OutcomeBlocked {
			extra = ", penwidth=2"
		}
		fmt.Fprintf(&b, "  %s [label=%s, fillcolor=%s, color=%s%s];\n",
			ids[t.TableName], dotString(termName(t.TableName)+"\n"+string(t.Outcome)), dotString(c.fill), dotString(c.stroke), extra)
	}
	for _, e := range g.Edges {
		label := termText(ident.Display(e.Name)) + "\n" + e.Action.SQL()
		attrs := ""
		switch bl := blockers[e.Constraint]; {
		case bl != nil:
			label += "\n" + graphBlockerWords(bl)
			attrs = `, color="#dc3545", fontcolor="#dc3545", style=dashed, penwidth=2`
		case e.Action == catalog.SetNull || e.Action == catalog.SetDefault:
			attrs = `, color="#997404"`
		}
		fmt.Fprintf(&b, "  %s -> %s [label=%s%s];\n", ids[e.From], ids[e.To], dotString(label), attrs)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// graphNodeIDs numbers the tables in graph order: n0, n1, ...
func graphNodeIDs(g *graph.Graph) map[catalog.TableName]string {
	ids := make(map[catalog.TableName]string, len(g.Tables))
	for i, t := range g.Tables {
		ids[t.TableName] = fmt.Sprintf("n%d", i)
	}
	return ids
}

// graphBlockerIndex maps schema.table.constraint to its blocker.
func graphBlockerIndex(g *graph.Graph) map[string]*graph.Blocker {
	m := make(map[string]*graph.Blocker, len(g.Blockers))
	for i := range g.Blockers {
		m[g.Blockers[i].Key().String()] = &g.Blockers[i]
	}
	return m
}

// graphBlockerWords is the uncoloured blocker label used on diagram edges.
func graphBlockerWords(bl *graph.Blocker) string {
	s := string(bl.Kind) + " blocker"
	if bl.Kind == graph.Conditional {
		s += " (" + string(bl.Timing) + ")"
	}
	return s
}

// dotString quotes s as a DOT string for a label: backslash and double
// quote are escaped, and line breaks become DOT's centred "\n" break, so a
// name containing any of them still yields one valid, faithful string.
func dotString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
