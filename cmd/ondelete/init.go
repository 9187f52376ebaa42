package main

import (
	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/starter"
	"github.com/ondelete/ondelete/target"
)

func newInitCmd() *cobra.Command {
	var db dbFlags
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Print a starter ondelete.yaml for the current schema",
		Long: `init guesses the root tables (user-like tables, else the most referenced one),
writes one rule per root that foreign keys into it cascade or set NULL, every lint at
its default severity, and comments with what the policy would report today.`,
		Example: `  ondelete init --migrations ./db/migrations > ondelete.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			snap, err := target.Snapshot(cmd.Context(), db.options(cmd))
			if err != nil {
				return err
			}
			return starter.Write(cmd.OutOrStdout(), snap)
		},
	}
	db.register(cmd)
	return cmd
}
