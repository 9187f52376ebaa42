package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/report"
	"github.com/ondelete/ondelete/verify/explain"
)

func newExplainCmd() *cobra.Command {
	var (
		db     dbFlags
		row    rowFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "explain-delete --root TABLE (--key KEY | --where SQL)",
		Short: "Count what deleting one row would delete, null or default, and list the rows that block it; changes nothing",
		Long: `explain-delete follows the deletion graph through the data, in a read-only
transaction, and reports per table how many rows deleting the one root row would
delete, set to NULL or reset to their default, every row that would make the
DELETE fail (with its key and the constraint), and the cost. Nothing is deleted.

Exit status: 0 the delete would succeed, 1 it would be blocked, 2 bad input.`,
		Example: `  ondelete explain-delete --dsn "$DATABASE_URL" --root users --key 42
  ondelete explain-delete --dsn "$DATABASE_URL" --root memberships --key tenant_id=1,user_id=42
  ondelete explain-delete --dsn "$DATABASE_URL" --root users --where "email = 'a@example.com'" --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, report.ExplainFormats...); err != nil {
				return err
			}
			ctx := cmd.Context()
			o, err := openRow(ctx, cmd, &db, &row)
			if err != nil {
				return err
			}
			defer o.target.Close()
			res, err := explain.Explain(ctx, o.target.Conn, o.snap, o.graph, o.root, explain.Options{})
			if err != nil {
				return err
			}
			if err := report.RenderExplain(cmd.OutOrStdout(), res, format, styleFor(cmd)); err != nil {
				return err
			}
			if res.Blocked() {
				return &exitError{code: exitFindings, err: fmt.Errorf("the delete would fail: %d blocking %s", len(res.Blockers), pluralWord(len(res.Blockers), "row", "rows"))}
			}
			return nil
		},
	}
	db.register(cmd)
	row.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}

// pluralWord picks the singular or plural noun for n.
func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
