package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/policy"
	"github.com/ondelete/ondelete/report"
	"github.com/ondelete/ondelete/target"
	"github.com/ondelete/ondelete/verify"
)

func newVerifyCmd() *cobra.Command {
	var (
		db          dbFlags
		root        string
		policyPath  string
		format      string
		lockTimeout time.Duration
		mode        string
	)
	cmd := &cobra.Command{
		Use:   "verify --root TABLE",
		Short: "Prove on a real database, table by table, what deleting a root row does (in a transaction that is always rolled back)",
		Long: `verify inserts a canary root row and, for every foreign key in its deletion
graph, a row linked to it along a path of foreign keys; it deletes the canary and
compares what PostgreSQL did to each row (deleted, nulled, defaulted, or the
DELETE failing on a constraint) with the graph and the policy. Everything runs
in one transaction that is rolled back, also on error or Ctrl-C; canary rows
never call nextval, so sequences do not move.

Exit status: 0 every check passed (or was skipped, with a reason), 1 a check
failed, 2 bad input.`,
		Example: `  ondelete verify --migrations ./db/migrations --root users
  ondelete verify --dsn "$STAGING_URL" --root users --policy ondelete.yaml --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, report.VerifyFormats...); err != nil {
				return err
			}
			if root == "" {
				return errors.New("--root is required: the table whose rows get deleted, e.g. --root users")
			}
			m := verify.Mode(mode)
			if mode == "auto" {
				m = verify.ModeAuto
			} else if m != verify.ModeReplica && m != verify.ModeParents {
				return fmt.Errorf("unknown --mode %q: use auto, replica or parents", mode)
			}
			pol, err := optionalPolicy(policyPath, cmd.Flags().Changed("policy"))
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			t, err := target.Open(ctx, db.options(cmd))
			if err != nil {
				return err
			}
			defer t.Close()
			snap, err := t.Inspect(ctx)
			if err != nil {
				return err
			}
			name, err := graph.ResolveTable(snap, root)
			if err != nil {
				return err
			}
			g, err := graph.Build(snap, name)
			if err != nil {
				return err
			}
			opts := verify.Options{LockTimeout: lockTimeout, Mode: m}
			if pol != nil {
				opts.Expect = pol.ExpectedOnDelete
			}
			rep, err := verify.Run(ctx, t.Conn, snap, g, opts)
			if err != nil {
				return err
			}
			if err := report.RenderVerify(cmd.OutOrStdout(), rep, format, styleFor(cmd)); err != nil {
				return err
			}
			if rep.Failed() {
				return &exitError{code: exitFindings, err: fmt.Errorf("verify failed: %d of %d checks failed", rep.Summary.Fail, len(rep.Tables))}
			}
			return nil
		},
	}
	db.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&root, "root", "", "root table (users, public.users, \"User\")")
	fs.StringVar(&policyPath, "policy", "ondelete.yaml", "policy file whose rules' on_delete expectations are checked too (used when it exists)")
	fs.StringVarP(&format, "format", "f", "text", "output format: text or json")
	fs.DurationVar(&lockTimeout, "lock-timeout", verify.DefaultLockTimeout, "longest wait for a lock; a check that waits longer is skipped")
	fs.StringVar(&mode, "mode", "auto", "how canary rows get past foreign keys not under test: auto, replica (needs superuser or SET on session_replication_role) or parents")
	return cmd
}

// optionalPolicy loads the policy at path. A missing file is fine when
// the path is the default one nobody asked for; a file the user named must
// exist.
func optionalPolicy(path string, explicit bool) (*policy.Policy, error) {
	pol, err := policy.Load(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return nil, nil
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no policy at %s: check the path, or leave --policy out", path)
	}
	return pol, err
}
