package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/report"
	"github.com/ondelete/ondelete/target"
)

func newGraphCmd() *cobra.Command {
	var (
		db       dbFlags
		format   string
		root     string
		maxPaths int
	)
	cmd := &cobra.Command{
		Use:   "graph --root TABLE",
		Short: "Draw what deleting one row of a root table deletes, nulls, or is blocked by",
		Example: `  ondelete graph --migrations ./db/migrations --root users
  ondelete graph --dsn "$DATABASE_URL" --root public.users --format dot | dot -Tsvg > users.svg`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, report.GraphFormats...); err != nil {
				return err
			}
			if root == "" {
				return fmt.Errorf("--root is required: the table whose rows get deleted, e.g. --root users")
			}
			snap, err := target.Snapshot(cmd.Context(), db.options(cmd))
			if err != nil {
				return err
			}
			name, err := graph.ResolveTable(snap, root)
			if err != nil {
				return err
			}
			b, err := graph.NewBuilder(snap, graph.Options{MaxPaths: maxPaths})
			if err != nil {
				return err
			}
			g, err := b.Build(name)
			if err != nil {
				return err
			}
			return report.RenderGraph(cmd.OutOrStdout(), g, format, styleFor(cmd))
		},
	}
	db.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json, dot or mermaid")
	cmd.Flags().StringVar(&root, "root", "", "root table (users, public.users, \"User\")")
	cmd.Flags().IntVar(&maxPaths, "max-paths", 0, fmt.Sprintf("paths kept per table (default %d)", graph.DefaultMaxPaths))
	return cmd
}
