package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// InspectText writes the foreign keys as an aligned table, one row per
// constraint, followed by a one-line summary of actions and problems. The
// NOTES column names what later checks care about (NOT VALID, no index, a
// hand-picked name) so a reader sees them without the policy engine.
// Colour follows st (the caller decides, usually with ColorEnabled).
func InspectText(w io.Writer, s *catalog.Snapshot, st Style) error {
	header := []string{"TABLE", "CONSTRAINT", "COLUMNS", "REFERENCES", "ON DELETE", "ON UPDATE", "NOTES", "SOURCE"}
	rows := make([][]cell, 0, len(s.ForeignKeys))
	for _, fk := range s.ForeignKeys {
		rows = append(rows, []cell{
			{text: fk.TableName().String()}, {text: ident.Display(fk.Name)},
			{text: displayList(fk.Columns)},
			{text: fmt.Sprintf("%s(%s)", fk.RefTableName(), displayList(fk.RefColumns))},
			{text: deleteDetail(fk), sgr: actionSGR(fk.OnDelete)}, {text: string(fk.OnUpdate)},
			{text: strings.Join(notes(fk), ", ")}, {text: source(fk.Source)},
		})
	}
	if err := writeTable(w, header, rows, st); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, inspectSummary(s))
	return err
}

// deleteDetail adds PostgreSQL 15's SET NULL (col, ...) column list.
func deleteDetail(fk catalog.ForeignKey) string {
	if len(fk.OnDeleteColumns) == 0 {
		return string(fk.OnDelete)
	}
	return fmt.Sprintf("%s (%s)", fk.OnDelete, displayList(fk.OnDeleteColumns))
}

func notes(fk catalog.ForeignKey) []string {
	var n []string
	if !fk.Validated {
		n = append(n, "not valid")
	}
	if !fk.Indexed {
		n = append(n, "unindexed")
	}
	if !fk.ConventionalName {
		n = append(n, "hand-named")
	}
	if fk.Deferrable {
		if fk.InitiallyDeferred {
			n = append(n, "deferred")
		} else {
			n = append(n, "deferrable")
		}
	}
	if fk.Match != "simple" && fk.Match != "" {
		n = append(n, "match "+fk.Match)
	}
	if len(n) == 0 {
		return []string{"-"}
	}
	return n
}

func source(s *catalog.Source) string {
	if s == nil {
		return "-"
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

func displayList(names []string) string {
	d := make([]string, len(names))
	for i, n := range names {
		d[i] = ident.Display(n)
	}
	return strings.Join(d, ", ")
}

// inspectSummary counts constraints per ON DELETE action and the problems
// the NOTES column marks, e.g.
// "12 foreign keys on 9 tables: 5 cascade, 4 no action, 3 set null; 1 not valid, 2 unindexed, 1 hand-named".
func inspectSummary(s *catalog.Snapshot) string {
	tables := map[catalog.TableName]bool{}
	actions := map[catalog.Action]int{}
	var notValid, unindexed, handNamed int
	for _, fk := range s.ForeignKeys {
		tables[fk.TableName()] = true
		actions[fk.OnDelete]++
		if !fk.Validated {
			notValid++
		}
		if !fk.Indexed {
			unindexed++
		}
		if !fk.ConventionalName {
			handNamed++
		}
	}
	var parts []string
	for _, a := range []catalog.Action{catalog.Cascade, catalog.SetNull, catalog.SetDefault, catalog.Restrict, catalog.NoAction} {
		if actions[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", actions[a], a))
		}
	}
	line := fmt.Sprintf("%d foreign keys on %d tables", len(s.ForeignKeys), len(tables))
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	line += fmt.Sprintf("; %d not valid, %d unindexed, %d hand-named", notValid, unindexed, handNamed)
	return line
}

// actionSGR colours an ON DELETE action: red for actions that block a
// delete, green for cascade, yellow for set null / set default.
func actionSGR(a catalog.Action) string {
	switch {
	case a.Blocks():
		return sgrRed
	case a == catalog.Cascade:
		return sgrGreen
	default:
		return sgrYellow
	}
}
