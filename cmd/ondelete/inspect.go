package main

import (
	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/report"
	"github.com/ondelete/ondelete/target"
)

func newInspectCmd() *cobra.Command {
	var (
		db     dbFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "inspect",
		Short: "List every foreign key with its ON DELETE / ON UPDATE action, validation, index coverage and naming",
		Example: `  ondelete inspect --migrations ./db/migrations
  ondelete inspect --dsn postgres://app@db/prod --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			snap, err := target.Snapshot(cmd.Context(), db.options(cmd))
			if err != nil {
				return err
			}
			if format == "json" {
				return report.InspectJSON(cmd.OutOrStdout(), snap)
			}
			return report.InspectText(cmd.OutOrStdout(), snap, styleFor(cmd))
		},
	}
	db.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}
