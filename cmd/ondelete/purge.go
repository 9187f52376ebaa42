package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/policy"
	"github.com/ondelete/ondelete/report"
	"github.com/ondelete/ondelete/verify/explain"
	"github.com/ondelete/ondelete/verify/purge"
)

// purgeFlags are purge's own flags.
type purgeFlags struct {
	batch        int
	maxBatchTime time.Duration
	archive      string
	dryRun       bool
	maxRate      float64
	yes          bool
	through      []string
	policyPath   string
	lockTimeout  time.Duration
	workers      int
	format       string
}

func newPurgeCmd() *cobra.Command {
	var (
		db  dbFlags
		row rowFlags
		f   purgeFlags
	)
	cmd := &cobra.Command{
		Use:   "purge --root TABLE (--key KEY | --where SQL)",
		Short: "Delete one root row's whole graph in small batches, leaves first, archiving every row",
		Long: `purge deletes one root row and everything its deletion graph reaches the way
an application should: children before parents, in batches of --batch rows, each
its own short transaction, SET NULL / SET DEFAULT applied as batched updates,
the root row last. Before changing anything it runs explain-delete and refuses
when rows would block the delete (list the constraint under purge.through in the
policy, or pass --through, to delete those rows too).

An interrupted purge (Ctrl-C, crash, lost connection) is resumed by running the
same command again. With --archive every row is written as a JSON line before it
is deleted or changed, fsynced before its batch commits.

Exit status: 0 purged (or dry run), 1 refused (blockers) or not confirmed,
2 bad input, 130 interrupted (run again to finish).`,
		Example: `  ondelete purge --dsn "$DATABASE_URL" --root users --key 42 --dry-run
  ondelete purge --dsn "$DATABASE_URL" --root users --key 42 --batch 1000 --archive user-42.jsonl
  ondelete purge --dsn "$DATABASE_URL" --root users --key 42 --yes --max-rate 5000 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPurge(cmd, &db, &row, &f)
		},
	}
	db.register(cmd)
	row.register(cmd)
	fs := cmd.Flags()
	fs.IntVar(&f.batch, "batch", purge.DefaultBatch, "most rows one transaction changes, counting what the ON DELETE actions change under the rows it deletes")
	fs.DurationVar(&f.maxBatchTime, "max-batch-time", purge.DefaultMaxBatchTime, "statement timeout of one batch: a batch that runs into it rolls back and is split (batches aim at a third of it)")
	fs.StringVar(&f.archive, "archive", "", "JSON-lines file receiving every row before it is deleted or changed (appended to; a resumed purge skips rows already in it)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the batch plan and change nothing")
	fs.Float64Var(&f.maxRate, "max-rate", 0, "at most this many rows changed per second (0: no limit)")
	fs.BoolVarP(&f.yes, "yes", "y", false, "do not ask for confirmation")
	fs.StringSliceVar(&f.through, "through", nil, "NO ACTION / RESTRICT constraint (schema.table.constraint) whose rows purge deletes too; adds to the policy's purge.through")
	fs.StringVar(&f.policyPath, "policy", "ondelete.yaml", "policy file whose purge.through is honoured (used when it exists)")
	fs.DurationVar(&f.lockTimeout, "lock-timeout", purge.DefaultLockTimeout, "longest wait for a row lock per batch; a batch that waits longer is rolled back and retried")
	fs.IntVar(&f.workers, "workers", 1, "batches run at once, each on a connection of its own (not with --archive); for servers with cores to spare")
	fs.StringVarP(&f.format, "format", "f", "text", "output format of the plan or summary: text or json")
	return cmd
}

func runPurge(cmd *cobra.Command, db *dbFlags, row *rowFlags, f *purgeFlags) error {
	if err := checkFormat(f.format, report.PurgeFormats...); err != nil {
		return err
	}
	opts := purge.Options{Batch: f.batch, MaxBatchTime: f.maxBatchTime, ArchivePath: f.archive, MaxRate: f.maxRate, LockTimeout: f.lockTimeout, Workers: f.workers}
	if f.batch < 1 {
		return fmt.Errorf("--batch %d: want at least 1 row per batch", f.batch)
	}
	if f.workers < 1 {
		return fmt.Errorf("--workers %d: want at least 1", f.workers)
	}
	if f.workers > 1 && f.archive != "" {
		return fmt.Errorf("--workers %d with --archive: the archive is written one batch at a time; drop --workers or --archive", f.workers)
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	if !f.dryRun && !f.yes && !isTerminal(cmd.InOrStdin()) {
		return errors.New("purge deletes data and there is no terminal to confirm on: pass --yes (or --dry-run to see the plan)")
	}
	pol, err := optionalPolicy(f.policyPath, cmd.Flags().Changed("policy"))
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	o, err := openRow(ctx, cmd, db, row)
	if err != nil {
		return err
	}
	defer o.target.Close()
	if opts.Through, err = throughKeys(o.snap, pol, f.through); err != nil {
		return err
	}
	conn := o.target.Conn
	plan, err := purge.Plan(ctx, conn, o.snap, o.root, opts)
	if err != nil {
		return purgeError(err)
	}
	st := styleFor(cmd)
	if len(plan.Blockers) > 0 {
		res := blockersOnly(plan)
		if err := report.RenderExplain(cmd.OutOrStdout(), res, f.format, st); err != nil {
			return err
		}
		return &exitError{code: exitFindings, err: fmt.Errorf("purge refused: %d %s would block the delete; fix the schema, or list the constraint under purge.through in the policy (or pass --through) to purge those rows too",
			len(plan.Blockers), pluralWord(len(plan.Blockers), "row", "rows"))}
	}
	if f.dryRun {
		return report.PurgePlan(cmd.OutOrStdout(), plan, f.format, st)
	}
	if !f.yes {
		ok, err := confirm(cmd.InOrStdin(), cmd.ErrOrStderr(), plan)
		if err != nil {
			return err
		}
		if !ok {
			return &exitError{code: exitFindings, err: errors.New("purge not confirmed: nothing changed")}
		}
	}
	progress := newRowProgress(cmd.ErrOrStderr(), plan.Rows, isTerminal(cmd.ErrOrStderr()), time.Now)
	opts.OnBatch = func(b purge.BatchStats) {
		progress.total = max(progress.total, b.Done)
		progress.add(int64(b.Rows), b.Table.String())
	}
	var runConn purge.Conn = conn
	if f.workers > 1 {
		pool, err := o.target.Pool(ctx, f.workers)
		if err != nil {
			return err
		}
		defer pool.Close()
		runConn = pool
	}
	sum, err := purge.Run(ctx, runConn, o.snap, o.root, opts)
	progress.finish()
	if err != nil {
		if sum != nil && sum.Batches > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "ondelete: purge stopped after %d batches (%d rows); run the same command again to finish\n",
				sum.Batches, sum.Deleted+sum.Nulled+sum.Defaulted)
		}
		return purgeError(err)
	}
	return report.PurgeSummary(cmd.OutOrStdout(), sum, f.archive != "", f.format, st)
}

// purgeError gives purge's typed errors the exit codes of the contract.
func purgeError(err error) error {
	var blocked *purge.BlockedError
	switch {
	case errors.As(err, &blocked):
		return &exitError{code: exitFindings, err: fmt.Errorf("purge stopped: %w", err)}
	case errors.Is(err, purge.ErrRootNotFound):
		return fmt.Errorf("%w (already purged, or a wrong --key / --where)", err)
	}
	return err
}

// throughKeys merges the policy's purge.through with --through, checking
// that every constraint named on the command line exists.
func throughKeys(s *catalog.Snapshot, pol *policy.Policy, flags []string) ([]catalog.ConstraintKey, error) {
	var keys []catalog.ConstraintKey
	if pol != nil {
		keys = pol.PurgeThroughKeys(s)
	}
	for _, ref := range flags {
		k, err := policy.ParseConstraintRef(ref)
		if err != nil {
			return nil, fmt.Errorf("--through %q: %v", ref, err)
		}
		found := false
		for i := range s.ForeignKeys {
			if s.ForeignKeys[i].Key() == k {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("--through %q: no such foreign key (write schema.table.constraint as ondelete prints it, e.g. public.audit_log.audit_log_user_id_fkey)", ref)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// confirm asks on the terminal before anything is deleted, saying how
// much; only "yes" goes on.
func confirm(in io.Reader, out io.Writer, p *purge.BatchPlan) (bool, error) {
	cols := make([]string, len(p.RootKeyColumns))
	for i, c := range p.RootKeyColumns {
		v := ""
		if i < len(p.RootKey) {
			v = p.RootKey[i]
		}
		cols[i] = ident.Display(c) + "=" + v
	}
	fmt.Fprintf(out, "This deletes %s (%s) and changes %d rows in %d tables. Type yes to go on: ",
		p.Root, strings.Join(cols, ", "), p.Rows, len(p.Tables))
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("reading confirmation: %w", err)
	}
	return strings.TrimSpace(line) == "yes", nil
}

// blockersOnly turns a refused plan into an explain result for rendering.
func blockersOnly(p *purge.BatchPlan) *explain.Result {
	return &explain.Result{Root: p.Root, RootKeyColumns: p.RootKeyColumns, RootKey: p.RootKey, Blockers: p.Blockers,
		Cost: explain.Cost{RowsTouched: p.Rows}}
}
