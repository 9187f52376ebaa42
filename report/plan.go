package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ondelete/ondelete/plan"
)

// PlanFormats are the --format values of `ondelete plan`.
var PlanFormats = []string{"text", "json"}

// RenderPlan writes p in format ("text" or "json").
func RenderPlan(w io.Writer, p *plan.Plan, format string, st Style) error {
	switch format {
	case "text":
		return PlanText(w, p, st)
	case "json":
		return PlanJSON(w, p)
	}
	return &UnknownFormatError{Format: format, Known: PlanFormats}
}

// PlanJSON writes the plan as the documented JSON object (docs/json.md),
// indented, with a final newline.
func PlanJSON(w io.Writer, p *plan.Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding plan: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// PlanText explains the plan to the person who will review the
// migrations: a summary line, then each migration in run order with
// whether it runs in a transaction, its statements with their timeouts and
// hazards, and its down statements; then the findings left for a person.
// SQL and messages are made terminal-safe.
func PlanText(w io.Writer, p *plan.Plan, st Style) error {
	var b strings.Builder
	if p.Empty() {
		b.WriteString(st.Bold("Nothing to change: every fixable finding is resolved.") + "\n")
	} else {
		fmt.Fprintf(&b, "%s (strategy %s, dialect %s)\n", st.Bold(fmt.Sprintf("%d %s to run", len(p.Migrations),
			plural(len(p.Migrations), "migration", "migrations"))), p.Strategy, p.Dialect)
	}
	for i, m := range p.Migrations {
		mode := "in a transaction"
		if !m.Transactional {
			mode = "outside a transaction"
		}
		fmt.Fprintf(&b, "\n%s  %s\n", st.Bold(fmt.Sprintf("%d. %s", i+1, termText(m.Name))), st.Dim("("+mode+")"))
		b.WriteString("   " + st.Dim("up:") + "\n")
		planStatements(&b, m.Up, st)
		b.WriteString("   " + st.Dim("down:") + "\n")
		if len(m.Down) == 0 {
			b.WriteString("     " + st.Dim("(nothing to undo)") + "\n")
		}
		planStatements(&b, m.Down, st)
	}
	if len(p.Unfixable) > 0 {
		fmt.Fprintf(&b, "\n%s\n", st.Bold(fmt.Sprintf("%d %s left for a person", len(p.Unfixable),
			plural(len(p.Unfixable), "finding", "findings"))))
		for _, u := range p.Unfixable {
			fmt.Fprintf(&b, "  %s  %s\n      %s\n", st.Yellow(termText(u.Rule)), st.Bold(termText(u.Constraint)), termText(u.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// planStatements lists statements under a migration, each with the
// timeouts it runs under and its hazards below it.
func planStatements(b *strings.Builder, stmts []plan.Statement, st Style) {
	for _, s := range stmts {
		var settings []string
		if s.LockTimeout != nil {
			settings = append(settings, "lock_timeout "+s.LockTimeout.String())
		}
		if s.StatementTimeout != nil {
			settings = append(settings, "statement_timeout "+s.StatementTimeout.String())
		}
		line := "     " + termText(s.SQL)
		if len(settings) > 0 {
			line += "  " + st.Dim("["+strings.Join(settings, ", ")+"]")
		}
		b.WriteString(line + "\n")
		for _, h := range s.Hazards {
			fmt.Fprintf(b, "       %s %s\n", st.Yellow("! "+string(h.Type)), termText(h.Message))
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
