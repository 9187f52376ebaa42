package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/plan"
	"github.com/ondelete/ondelete/report"
)

func newPlanCmd() *cobra.Command {
	var (
		db           dbFlags
		policyPath   string
		baselinePath string
		format       string
		strategy     string
		dialect      string
		out          string
		dryRun       bool
		lockTimeout  time.Duration
		threshold    int64
	)
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Write the migrations that bring foreign keys to the policy",
		Long: `plan runs the same check as ` + "`ondelete check`" + ` (same --policy, same --baseline) and
writes the migrations that resolve its fixable findings: wrong ON DELETE / ON
UPDATE actions, NOT VALID constraints, missing indexes for cascades, names.

Strategies: inline (drop and re-add each key in one transaction, safe to re-run),
online (add NOT VALID under a new name, validate, drop the old key, rename: each
its own migration with a down), auto (online for tables of --online-threshold
rows or more, or never analyzed; inline below).

Files are written in the directory's own convention (numbering, timestamps,
up/down pairs, goose and dbmate sections, Prisma and Diesel directories) into
--out, by default the --migrations directory; --dry-run and --format json
without --out write nothing. Findings the plan cannot resolve without a
decision are listed, not guessed.

Exit status: 0 planned (or nothing to do), 2 bad input.`,
		Example: `  ondelete plan --migrations ./db/migrations
  ondelete plan --dsn "$DATABASE_URL" --strategy online --out ./db/migrations
  ondelete plan --migrations ./db/migrations --dialect cockroachdb --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, report.PlanFormats...); err != nil {
				return err
			}
			opts := plan.Options{Strategy: plan.Strategy(strategy), Dialect: plan.Dialect(dialect),
				LockTimeout: lockTimeout, OnlineThreshold: threshold}
			if lockTimeout < 0 {
				return fmt.Errorf("--lock-timeout %s: must be positive", lockTimeout)
			}
			if threshold < 0 {
				return fmt.Errorf("--online-threshold %d: must be positive", threshold)
			}
			// Reject a bad --strategy or --dialect before a server starts.
			if err := opts.Validate(); err != nil {
				return err
			}
			writeTo := out
			if writeTo == "" && format == "text" {
				writeTo = db.migrations
			}
			var dir *migrate.Dir
			if writeTo != "" && !dryRun {
				d, err := loadOutDir(writeTo, db.layout)
				if err != nil {
					return err
				}
				dir = d
			}
			ev, err := evaluate(cmd, &db, policyPath, baselinePath, false)
			if err != nil {
				return err
			}
			findings, err := plan.Converge(ev.snap, ev.result.Findings, ev.recheck)
			if err != nil {
				return err
			}
			p, err := plan.Generate(ev.snap, findings, opts)
			if err != nil {
				return err
			}
			if err := report.RenderPlan(cmd.OutOrStdout(), p, format, styleFor(cmd)); err != nil {
				return err
			}
			return writePlan(cmd, p, dir, writeTo, dryRun, format)
		},
	}
	db.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&policyPath, "policy", "ondelete.yaml", "policy file (as for check)")
	fs.StringVar(&baselinePath, "baseline", "", "baseline file of accepted findings (as for check); they are not planned")
	fs.StringVarP(&format, "format", "f", "text", "output format: text or json")
	fs.StringVar(&strategy, "strategy", string(plan.Auto), "inline, online or auto")
	fs.StringVar(&dialect, "dialect", string(plan.Postgres), "SQL dialect of the migrations: postgres or cockroachdb")
	fs.StringVar(&out, "out", "", "directory to write the migrations to (default: the --migrations directory, for --format text)")
	fs.BoolVar(&dryRun, "dry-run", false, "print the plan, write nothing")
	fs.DurationVar(&lockTimeout, "lock-timeout", plan.DefaultLockTimeout, "lock_timeout of every DDL statement, so it fails fast instead of queueing writes behind it (postgres; CockroachDB takes no such locks)")
	fs.Int64Var(&threshold, "online-threshold", plan.DefaultOnlineThreshold, "row estimate from which --strategy auto changes a key online")
	return cmd
}

// loadOutDir reads the directory the migrations go to, to continue its
// numbering and layout. An ambiguous layout names the flag that settles it.
func loadOutDir(path, layoutName string) (*migrate.Dir, error) {
	layout, err := migrate.ParseLayout(layoutName)
	if err != nil {
		return nil, fmt.Errorf("--layout: %w", err)
	}
	d, err := migrate.Load(path, layout)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("--out %s: no such directory: plan adds files after the existing migrations", path)
		}
		return nil, err
	}
	return d, nil
}

// writePlan writes p's files into dir and lists them on stderr (stdout
// keeps the plan alone, so --format json stays parseable).
func writePlan(cmd *cobra.Command, p *plan.Plan, dir *migrate.Dir, path string, dryRun bool, format string) error {
	stderr := cmd.ErrOrStderr()
	switch {
	case p.Empty():
		return nil
	case dryRun:
		fmt.Fprintln(stderr, "ondelete: --dry-run: nothing written")
		return nil
	case dir == nil:
		if format == "text" {
			fmt.Fprintln(stderr, "ondelete: nothing written: pass --out DIR (or --migrations) to write the migrations")
		}
		return nil
	}
	files, err := plan.Files(p, dir, time.Now())
	if err != nil {
		return err
	}
	if err := migrate.WriteFiles(path, files); err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(stderr, "ondelete: wrote "+filepath.Join(path, filepath.FromSlash(f.Path)))
	}
	return nil
}
