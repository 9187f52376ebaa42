package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/ident"
)

// GraphMermaid writes the graph as a Mermaid flowchart, for Markdown
// renderers such as GitHub's: nodes classed by outcome, edges labelled
// with constraint name and action, blockers as dotted red links. Node ids
// are synthetic (n0, n1, ...) and labels are quoted with every character
// Mermaid treats specially written as an entity code, so no identifier can
// break the chart.
func GraphMermaid(w io.Writer, g *graph.Graph) error {
	ids := graphNodeIDs(g)
	blockers := graphBlockerIndex(g)
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, t := range g.Tables {
		fmt.Fprintf(&b, "  %s[\"%s<br/>%s\"]\n", ids[t.TableName], mermaidText(termName(t.TableName)), t.Outcome)
	}
	var blockerLinks, changeLinks []string
	for i, e := range g.Edges {
		label := mermaidText(termText(ident.Display(e.Name))) + "<br/>" + e.Action.SQL()
		arrow := "-->"
		if bl := blockers[e.Constraint]; bl != nil {
			label += "<br/>" + graphBlockerWords(bl)
			arrow = "-.->"
			blockerLinks = append(blockerLinks, strconv.Itoa(i))
		} else if e.Action == catalog.SetNull || e.Action == catalog.SetDefault {
			changeLinks = append(changeLinks, strconv.Itoa(i))
		}
		fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", ids[e.From], arrow, label, ids[e.To])
	}
	for _, o := range []graph.Outcome{graph.OutcomeRoot, graph.OutcomeDeleted, graph.OutcomeNulled, graph.OutcomeDefaulted, graph.OutcomeBlocked} {
		var members []string
		for _, t := range g.Tables {
			if t.Outcome == o {
				members = append(members, ids[t.TableName])
			}
		}
		if len(members) == 0 {
			continue
		}
		c := graphOutcomeColors[o]
		fmt.Fprintf(&b, "  classDef %s fill:%s,stroke:%s,color:#000\n", o, c.fill, c.stroke)
		fmt.Fprintf(&b, "  class %s %s\n", strings.Join(members, ","), o)
	}
	if len(changeLinks) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:#997404\n", strings.Join(changeLinks, ","))
	}
	if len(blockerLinks) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:#dc3545,stroke-width:2px\n", strings.Join(blockerLinks, ","))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidText escapes s for a quoted Mermaid label. Mermaid has no
// backslash escapes; it decodes "#<decimal>;" entity codes instead, and
// labels are rendered as HTML, so quotes, '#', '&', '<', '>', '|' and the
// backtick (which would start a Markdown string) are written as entity
// codes, and line breaks become spaces.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"', '#', '&', '<', '>', '|', '`':
			fmt.Fprintf(&b, "#%d;", r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
