package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/verify/explain"
)

// ExplainFormats are the --format values of `ondelete explain-delete`.
var ExplainFormats = []string{"text", "json"}

// RenderExplain writes r in format ("text" or "json").
func RenderExplain(w io.Writer, r *explain.Result, format string, st Style) error {
	switch format {
	case "text":
		return ExplainText(w, r, st)
	case "json":
		return ExplainJSON(w, r)
	}
	return &UnknownFormatError{Format: format, Known: ExplainFormats}
}

// explainJSON is the explain-delete JSON contract (docs/json.md): version,
// root {schema, table, key}, tables [{schema, table, deleted, nulled,
// defaulted}], blockers [{schema, table, constraint, key}]; would_succeed
// and cost are extras.
type explainJSON struct {
	Version      int                  `json:"version"`
	Root         explainRootJSON      `json:"root"`
	WouldSucceed bool                 `json:"would_succeed"`
	Tables       []explainTableJSON   `json:"tables"`
	Blockers     []explainBlockerJSON `json:"blockers"`
	Cost         explainCostJSON      `json:"cost"`
}

type explainRootJSON struct {
	Schema string            `json:"schema"`
	Table  string            `json:"table"`
	Key    map[string]string `json:"key"`
}

type explainTableJSON struct {
	Schema    string `json:"schema"`
	Table     string `json:"table"`
	Deleted   int    `json:"deleted"`
	Nulled    int    `json:"nulled"`
	Defaulted int    `json:"defaulted"`
}

type explainBlockerJSON struct {
	Schema     string            `json:"schema"`
	Table      string            `json:"table"`
	Constraint string            `json:"constraint"`
	Key        map[string]string `json:"key"`
	Reason     string            `json:"reason"`
}

type explainCostJSON struct {
	RowsTouched     int64               `json:"rows_touched"`
	Queries         int                 `json:"queries"`
	UnindexedTables []catalog.TableName `json:"unindexed_tables"`
}

// keyMap pairs key columns with values for JSON.
func keyMap(cols, values []string) map[string]string {
	m := make(map[string]string, len(cols))
	for i, c := range cols {
		if i < len(values) {
			m[c] = values[i]
		}
	}
	return m
}

// ExplainJSON writes the documented JSON object, indented, with a final
// newline. Every list is [] rather than null when empty.
func ExplainJSON(w io.Writer, r *explain.Result) error {
	out := explainJSON{
		Version:      explain.Version,
		Root:         explainRootJSON{Schema: r.Root.Schema, Table: r.Root.Name, Key: keyMap(r.RootKeyColumns, r.RootKey)},
		WouldSucceed: !r.Blocked(),
		Tables:       []explainTableJSON{},
		Blockers:     []explainBlockerJSON{},
		Cost: explainCostJSON{RowsTouched: r.Cost.RowsTouched, Queries: r.Cost.Queries,
			UnindexedTables: append([]catalog.TableName{}, r.Cost.UnindexedTables...)},
	}
	for _, t := range r.Tables {
		out.Tables = append(out.Tables, explainTableJSON{Schema: t.Table.Schema, Table: t.Table.Name,
			Deleted: len(t.Deleted), Nulled: len(t.Nulled), Defaulted: len(t.Defaulted)})
	}
	for _, b := range r.Blockers {
		out.Blockers = append(out.Blockers, explainBlockerJSON{Schema: b.Table.Schema, Table: b.Table.Name,
			Constraint: b.Constraint, Key: keyMap(b.KeyColumns, b.Key), Reason: b.Reason})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding explain-delete result: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// maxBlockersShown bounds the blocking rows listed in text; JSON lists all.
const maxBlockersShown = 20

// ExplainText writes what deleting the row would do: one line per table
// with its counts, then the blocking rows with their keys, then the cost.
func ExplainText(w io.Writer, r *explain.Result, st Style) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Deleting %s %s would ", termName(r.Root), termText(keyText(r.RootKeyColumns, r.RootKey)))
	if r.Blocked() {
		b.WriteString(st.Red("fail") + fmt.Sprintf(": %d blocking %s.\n", len(r.Blockers), plural(len(r.Blockers), "row", "rows")))
	} else {
		fmt.Fprintf(&b, "succeed, touching %d %s in %d %s.\n", r.Cost.RowsTouched,
			plural(int(r.Cost.RowsTouched), "row", "rows"), len(r.Tables), plural(len(r.Tables), "table", "tables"))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	b.Reset()
	if len(r.Tables) > 0 {
		rows := make([][]cell, 0, len(r.Tables))
		for _, t := range r.Tables {
			rows = append(rows, []cell{{text: termName(t.Table)}, count(len(t.Deleted), sgrRed), count(len(t.Nulled), sgrYellow), count(len(t.Defaulted), sgrYellow)})
		}
		io.WriteString(w, "\n")
		if err := writeTable(w, []string{"TABLE", "DELETED", "NULLED", "DEFAULTED"}, rows, st); err != nil {
			return err
		}
	}
	if r.Blocked() {
		fmt.Fprintf(&b, "\n%s\n", st.Bold("Blocking rows (the DELETE fails on the first one PostgreSQL checks):"))
		for i, bl := range r.Blockers {
			if i == maxBlockersShown {
				fmt.Fprintf(&b, "  … and %d more (--format json lists every one)\n", len(r.Blockers)-i)
				break
			}
			fmt.Fprintf(&b, "  %s %s via %s: %s\n", termName(bl.Table), termText(keyText(bl.KeyColumns, bl.Key)),
				termText(ident.Display(bl.Constraint)), termText(bl.Reason))
		}
	}
	fmt.Fprintf(&b, "\n%s %d %s touched, %d %s to follow the graph", st.Dim("Cost:"), r.Cost.RowsTouched,
		plural(int(r.Cost.RowsTouched), "row", "rows"), r.Cost.Queries, plural(r.Cost.Queries, "query", "queries"))
	if n := len(r.Cost.UnindexedTables); n > 0 {
		names := make([]string, n)
		for i, t := range r.Cost.UnindexedTables {
			names[i] = termName(t)
		}
		fmt.Fprintf(&b, "; %s without an index on the referencing columns (scanned per deleted parent): %s",
			plural(n, "1 table", strconv.Itoa(n)+" tables"), strings.Join(names, ", "))
	}
	b.WriteString(".\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// count is a number cell, painted when non-zero.
func count(n int, sgr string) cell {
	if n == 0 {
		return cell{text: "0"}
	}
	return cell{text: strconv.Itoa(n), sgr: sgr}
}

// keyText writes a row key as (col=value, ...), values quoted when they
// hold blanks, commas or quotes.
func keyText(cols, values []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		v := ""
		if i < len(values) {
			v = values[i]
		}
		if v == "" || strings.ContainsAny(v, " ,()=\"'") {
			v = strconv.Quote(v)
		}
		parts[i] = ident.Display(c) + "=" + v
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
