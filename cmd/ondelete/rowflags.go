package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/target"
	"github.com/ondelete/ondelete/verify/explain"
)

// rowFlags select one root row: the flags explain-delete and purge share.
type rowFlags struct {
	root  string
	key   string
	where string
}

func (f *rowFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.root, "root", "", "root table (users, public.users, \"User\")")
	fs.StringVar(&f.key, "key", "", "primary key of the row: 42, or col=value pairs for a composite key (tenant_id=1,id=2)")
	fs.StringVar(&f.where, "where", "", "SQL condition selecting exactly one row of the root table, instead of --key")
}

// validate checks the flags before anything connects.
func (f *rowFlags) validate() error {
	switch {
	case f.root == "":
		return errors.New("--root is required: the table whose row gets deleted, e.g. --root users")
	case f.key == "" && f.where == "":
		return errors.New("give the row with --key (its primary key, e.g. --key 42) or --where (e.g. --where \"email = 'a@b.c'\")")
	case f.key != "" && f.where != "":
		return errors.New("--key and --where both select the row: give one of them")
	}
	return nil
}

// opened is a database with its snapshot and the root row's graph.
type opened struct {
	target *target.Target
	snap   *catalog.Snapshot
	graph  *graph.Graph
	root   explain.Root
}

// openRow connects, inspects, resolves the root table, reads the key and
// builds the graph. The caller closes o.target.
func openRow(ctx context.Context, cmd *cobra.Command, db *dbFlags, f *rowFlags) (*opened, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	t, err := target.Open(ctx, db.options(cmd))
	if err != nil {
		return nil, err
	}
	o := &opened{target: t}
	if err := o.load(ctx, f); err != nil {
		t.Close()
		return nil, err
	}
	return o, nil
}

func (o *opened) load(ctx context.Context, f *rowFlags) error {
	snap, err := o.target.Inspect(ctx)
	if err != nil {
		return err
	}
	name, err := graph.ResolveTable(snap, f.root)
	if err != nil {
		return err
	}
	root := explain.Root{Table: name, Where: f.where}
	if f.key != "" {
		if root.Key, err = parseKey(snap.Table(name), f.key); err != nil {
			return err
		}
	}
	g, err := graph.Build(snap, name)
	if err != nil {
		return fmt.Errorf("building the deletion graph of %s: %w", name, err)
	}
	o.snap, o.graph, o.root = snap, g, root
	return nil
}
