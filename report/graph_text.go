package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/ident"
)

// GraphText writes the deletion graph as a tree from the root, one line
// per foreign key the DELETE follows: the table it reaches, what happens
// there, and the constraint and action on the edge. Each deleted table's
// subtree is drawn once, under its shortest cascade chain (the first in
// name order when several are equally short); other edges into it say
// where to look. Blockers, cycles and flags follow the tree, then a
// summary. Colour is used only when st.Color is set.
func GraphText(w io.Writer, g *graph.Graph, st Style) error {
	v := newGraphView(g)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", st.Bold("Deleting one row of"), st.Bold(st.Cyan(termName(g.Root))))
	fmt.Fprintf(&b, "%s %s\n", st.Bold(st.Cyan(termName(g.Root))), st.Dim("(root)"))
	v.writeTree(&b, st, g.Root, "")
	b.WriteString("\n" + graphSummary(g) + "\n")
	graphWriteBlockers(&b, g, st)
	graphWriteCycles(&b, g, st)
	graphWriteFlags(&b, g, st)
	_, err := io.WriteString(w, b.String())
	return err
}

// graphView indexes a graph for renderers: edges by source table, tables
// by name, blockers by constraint, and the edge each deleted table's
// subtree hangs from.
type graphView struct {
	g        *graph.Graph
	out      map[catalog.TableName][]*graph.Edge
	tables   map[catalog.TableName]*graph.Table
	blockers map[string]*graph.Blocker
	// treeEdge is, per deleted table, the constraint of the first cascade
	// edge from a table one level closer to the root; treeFrom is that
	// edge's source, under which the table's subtree is drawn.
	treeEdge map[catalog.TableName]string
	treeFrom map[catalog.TableName]catalog.TableName
}

func newGraphView(g *graph.Graph) *graphView {
	v := &graphView{
		g:        g,
		out:      map[catalog.TableName][]*graph.Edge{},
		tables:   map[catalog.TableName]*graph.Table{},
		blockers: map[string]*graph.Blocker{},
		treeEdge: map[catalog.TableName]string{},
		treeFrom: map[catalog.TableName]catalog.TableName{},
	}
	for i := range g.Tables {
		v.tables[g.Tables[i].TableName] = &g.Tables[i]
	}
	for i := range g.Blockers {
		v.blockers[g.Blockers[i].Key().String()] = &g.Blockers[i]
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		v.out[e.From] = append(v.out[e.From], e)
		if e.Action != catalog.Cascade || e.To == g.Root {
			continue
		}
		from, to := v.tables[e.From], v.tables[e.To]
		if _, done := v.treeEdge[e.To]; !done && from != nil && to != nil && from.Depth == to.Depth-1 {
			v.treeEdge[e.To], v.treeFrom[e.To] = e.Constraint, e.From
		}
	}
	return v
}

// writeTree writes the edges out of t, expanding tree edges recursively.
func (v *graphView) writeTree(b *strings.Builder, st Style, t catalog.TableName, indent string) {
	edges := v.out[t]
	for i, e := range edges {
		branch, next := "├── ", "│   "
		if i == len(edges)-1 {
			branch, next = "└── ", "    "
		}
		b.WriteString(indent + branch + v.edgeLine(st, e) + "\n")
		if e.Action == catalog.Cascade && v.treeEdge[e.To] == e.Constraint {
			v.writeTree(b, st, e.To, indent+next)
		}
	}
}

// edgeLine describes what edge e does to its referencing table.
func (v *graphView) edgeLine(st Style, e *graph.Edge) string {
	parts := []string{st.Bold(termName(e.To))}
	var effect string
	switch e.Action {
	case catalog.Cascade:
		effect = st.Red("deleted")
	case catalog.SetNull:
		effect = st.Yellow("nulled (" + graphNames(e.Columns) + ")")
	case catalog.SetDefault:
		effect = st.Yellow("defaulted (" + graphNames(e.Columns) + ")")
	}
	if effect != "" {
		parts = append(parts, effect)
	}
	if bl := v.blockers[e.Constraint]; bl != nil {
		parts = append(parts, graphBlockerMark(st, bl))
	}
	switch {
	case e.Action != catalog.Cascade:
	case e.To == v.g.Root:
		parts = append(parts, st.Dim("(back to the root: a cycle)"))
	case e.From == e.To:
		parts = append(parts, st.Dim("(self-reference: the whole subtree)"))
	case v.treeEdge[e.To] != e.Constraint:
		parts = append(parts, st.Dim("(subtree shown under "+termName(v.treeFrom[e.To])+")"))
	}
	parts = append(parts, st.Dim("via "+termText(ident.Display(e.Name))+" ("+e.Action.SQL()+")"))
	return strings.Join(parts, "  ")
}

// graphBlockerMark is the short, coloured label of a blocker: its kind and,
// for a conditional one, its timing.
func graphBlockerMark(st Style, bl *graph.Blocker) string {
	label := "BLOCKS: " + string(bl.Kind)
	if bl.Kind == graph.Conditional {
		label += ", " + string(bl.Timing)
		if bl.OrderDependent {
			label += ", order-dependent"
		}
	}
	if len(bl.NotNullColumns) > 0 {
		label += ", NOT NULL " + graphNames(bl.NotNullColumns)
	}
	if bl.Kind == graph.Definite {
		return st.Paint(sgrBoldRed, label)
	}
	return st.Magenta(label)
}

// graphSummary counts tables per outcome and blockers per kind, e.g.
// "5 tables affected: 1 root, 3 deleted, 1 nulled; 1 blocker: 0 definite, 1 conditional".
func graphSummary(g *graph.Graph) string {
	counts := map[graph.Outcome]int{}
	for _, t := range g.Tables {
		counts[t.Outcome]++
	}
	var parts []string
	for _, o := range []graph.Outcome{graph.OutcomeRoot, graph.OutcomeDeleted, graph.OutcomeNulled, graph.OutcomeDefaulted, graph.OutcomeBlocked} {
		if counts[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[o], o))
		}
	}
	definite := 0
	for _, bl := range g.Blockers {
		if bl.Kind == graph.Definite {
			definite++
		}
	}
	return fmt.Sprintf("%s affected: %s; %s: %d definite, %d conditional",
		graphCount(len(g.Tables), "table"), strings.Join(parts, ", "),
		graphCount(len(g.Blockers), "blocker"), definite, len(g.Blockers)-definite)
}

// graphCount spells "1 table" or "3 tables".
func graphCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func graphWriteBlockers(b *strings.Builder, g *graph.Graph, st Style) {
	if len(g.Blockers) == 0 {
		return
	}
	b.WriteString("\n" + st.Bold("Blockers") + "\n")
	for i := range g.Blockers {
		bl := &g.Blockers[i]
		fmt.Fprintf(b, "  %s  %s → %s (%s)\n", graphBlockerMark(st, bl), st.Bold(termText(bl.Key().String())), termName(bl.RefTableName()), bl.Action.SQL())
		fmt.Fprintf(b, "      %s\n", termText(bl.Reason))
		fmt.Fprintf(b, "      %s %s\n", st.Dim("path:"), termText(strings.Join(bl.Path, " → ")))
	}
}

func graphWriteCycles(b *strings.Builder, g *graph.Graph, st Style) {
	if len(g.Cycles) == 0 {
		return
	}
	b.WriteString("\n" + st.Bold("Cycles") + "\n")
	for _, c := range g.Cycles {
		names := make([]string, len(c.Tables))
		for i, t := range c.Tables {
			names[i] = termName(t)
		}
		fmt.Fprintf(b, "  %s  %s  %s\n", st.Magenta(string(c.Kind)), strings.Join(names, ", "),
			st.Dim("via "+termText(strings.Join(c.Constraints, ", "))))
	}
}

func graphWriteFlags(b *strings.Builder, g *graph.Graph, st Style) {
	if len(g.Flags) == 0 {
		return
	}
	b.WriteString("\n" + st.Bold("Flags") + "\n")
	for _, f := range g.Flags {
		subject := f.Constraints
		if len(subject) == 0 {
			for _, t := range f.Tables {
				subject = append(subject, termName(t))
			}
		}
		fmt.Fprintf(b, "  %s  %s\n      %s\n", st.Yellow(string(f.Type)), termText(strings.Join(subject, ", ")), termText(f.Message))
	}
}

// graphNames joins identifiers in display form.
func graphNames(names []string) string {
	d := make([]string, len(names))
	for i, n := range names {
		d[i] = termText(ident.Display(n))
	}
	return strings.Join(d, ", ")
}
