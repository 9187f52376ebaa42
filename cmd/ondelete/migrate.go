package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/target"
)

// migrateFlags are the flags every migrate subcommand shares.
type migrateFlags struct {
	dsn             string
	dir             string
	layout          string
	historySchema   string
	historyTable    string
	absorb          []string
	lockTimeout     time.Duration
	lockRetries     int
	retryBackoff    time.Duration
	lockWait        time.Duration
	locking         string
	allowOutOfOrder bool
	dryRun          bool
	format          string
}

func (f *migrateFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.dsn, "dsn", "", "PostgreSQL or CockroachDB connection string (default $DATABASE_URL)")
	fs.StringVar(&f.dir, "dir", "", "migrations directory (default ./db/migrations or ./migrations)")
	fs.StringVar(&f.layout, "layout", "", "migration layout: flat, golang-migrate, goose, dbmate, prisma, diesel (default: detect)")
	fs.StringVar(&f.historySchema, "history-schema", "public", "schema of the history table")
	fs.StringVar(&f.historyTable, "history-table", migrate.DefaultHistoryTable, "name of the history table")
	fs.StringSliceVar(&f.absorb, "absorb", nil, "SQLSTATEs that mean \"already applied\" (default 42710,42P07,42701; 23505 is never allowed)")
	fs.DurationVar(&f.lockTimeout, "lock-timeout", 0, "lock_timeout for every migration statement, e.g. 2s (default: the server's)")
	fs.IntVar(&f.lockRetries, "lock-retries", 0, "how often to retry a migration that hit --lock-timeout")
	fs.DurationVar(&f.retryBackoff, "retry-backoff", time.Second, "first wait before a retry; doubles up to 30s")
	fs.DurationVar(&f.lockWait, "lock-wait", 5*time.Minute, "how long to wait for another runner's migration lock")
	fs.StringVar(&f.locking, "locking", "auto", "auto (advisory lock on PostgreSQL, lease on CockroachDB), advisory, lease or none")
	fs.BoolVar(&f.allowOutOfOrder, "allow-out-of-order", false, "apply pending migrations older than the newest applied one")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print what would run, change nothing")
	fs.StringVarP(&f.format, "format", "f", "text", "output format: text or json")
}

// open connects and prepares a runner; close releases the connection.
func (f *migrateFlags) open(cmd *cobra.Command) (r *migrate.Runner, closeFn func(), err error) {
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return nil, nil, err
	}
	dsn := f.dsn
	if dsn == "" {
		dsn = os.Getenv("DATABASE_URL")
	}
	lastDSN = dsn
	if dsn == "" {
		return nil, nil, errors.New("migrate needs a database: pass --dsn or set DATABASE_URL")
	}
	dirPath := f.dir
	if dirPath == "" {
		for _, d := range []string{"db/migrations", "migrations"} {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				dirPath = d
				break
			}
		}
		if dirPath == "" {
			return nil, nil, errors.New("no migrations directory: pass --dir (./db/migrations and ./migrations do not exist)")
		}
	}
	layout, err := migrate.ParseLayout(f.layout)
	if err != nil {
		return nil, nil, fmt.Errorf("--layout: %w", err)
	}
	dir, err := migrate.Load(dirPath, layout)
	if err != nil {
		return nil, nil, err
	}
	locking := migrate.Locking(f.locking)
	if f.locking == "auto" {
		locking = migrate.LockingAuto
	}
	opts := migrate.RunOptions{
		History:         migrate.History{Schema: f.historySchema, Table: f.historyTable},
		Absorb:          f.absorb,
		LockTimeout:     f.lockTimeout,
		LockRetries:     f.lockRetries,
		RetryBackoff:    f.retryBackoff,
		LockWait:        f.lockWait,
		Locking:         locking,
		AllowOutOfOrder: f.allowOutOfOrder,
		DryRun:          f.dryRun,
		OnEvent:         progressPrinter(cmd, f.format),
	}
	conn, err := target.Connect(cmd.Context(), dsn)
	if err != nil {
		return nil, nil, err
	}
	closeFn = func() { _ = conn.Close(cmd.Context()) }
	r, err = migrate.NewRunner(conn, dir, opts)
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return r, closeFn, nil
}

// progressPrinter writes a line per finished file, absorption, retry and
// warning: to stdout in text mode, to stderr (on a terminal only) with
// --format json so stdout stays one JSON document.
func progressPrinter(cmd *cobra.Command, format string) func(migrate.RunEvent) {
	var w io.Writer = cmd.OutOrStdout()
	if format == "json" {
		w = io.Discard
		if isTerminal(cmd.ErrOrStderr()) {
			w = cmd.ErrOrStderr()
		}
	}
	return func(ev migrate.RunEvent) {
		switch ev.Type {
		case migrate.EventDone:
			verb := "applied"
			if ev.Direction == "down" {
				verb = "reverted"
			}
			fmt.Fprintf(w, "%-8s %s  %s  (%s)\n", verb, ev.Migration.Path, ev.Elapsed.Round(time.Millisecond), ev.Message)
		case migrate.EventAbsorbed, migrate.EventRetry, migrate.EventWarning, migrate.EventWaiting:
			fmt.Fprintf(w, "%-8s %s\n", ev.Type, ev.Message)
		}
	}
}

func newMigrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply migrations safely: re-runnable, one runner at a time, honest after a crash",
		Long: `migrate applies a migrations directory (any layout ondelete reads) to a database and
records each file in a history table (public.ondelete_migrations by default).

Each file runs in its own transaction together with its history row, so a crash
leaves it applied completely or not at all. Files that cannot run in a transaction
(CREATE INDEX CONCURRENTLY, a goose/dbmate/Diesel no-transaction marker, the
annotation "-- ondelete:no-transaction") run statement by statement and are marked
dirty until they finish. "Already exists" errors (42710, 42P07, 42701) are absorbed
statement by statement and logged. An advisory lock (a lease on CockroachDB) keeps
two runners from applying the same file.

Exit status: 0 done, 2 bad input or a failed migration.`,
	}
	cmd.AddCommand(newMigrateStatusCmd(), newMigrateUpCmd(), newMigrateDownCmd(), newMigrateRedoCmd(),
		newMigrateForceCmd(), newMigrateAdoptCmd())
	return cmd
}

func newMigrateStatusCmd() *cobra.Command {
	var f migrateFlags
	cmd := &cobra.Command{
		Use:     "status",
		Short:   "List applied, pending, out-of-order, modified, missing and dirty migrations",
		Example: `  ondelete migrate status --dsn "$DATABASE_URL" --dir ./db/migrations`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, closeFn, err := f.open(cmd)
			if err != nil {
				return err
			}
			defer closeFn()
			st, err := r.Status(cmd.Context())
			if err != nil {
				return err
			}
			if f.format == "json" {
				return writeJSON(cmd.OutOrStdout(), struct {
					Version int `json:"version"`
					*migrate.Status
				}{1, st})
			}
			return statusText(cmd.OutOrStdout(), st)
		},
	}
	f.register(cmd)
	return cmd
}

func newMigrateUpCmd() *cobra.Command {
	var f migrateFlags
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Apply every pending migration",
		Example: `  ondelete migrate up --dsn "$DATABASE_URL" --dir ./db/migrations --lock-timeout 2s --lock-retries 10
  ondelete migrate up --dsn "$DATABASE_URL" --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAndReport(cmd, &f, func(r *migrate.Runner) (*migrate.RunResult, error) { return r.Up(cmd.Context()) })
		},
	}
	f.register(cmd)
	return cmd
}

func newMigrateDownCmd() *cobra.Command {
	var f migrateFlags
	cmd := &cobra.Command{
		Use:     "down [N]",
		Short:   "Revert the N newest applied migrations (default 1) with their down migrations",
		Example: `  ondelete migrate down 1 --dsn "$DATABASE_URL" --dir ./db/migrations`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n := 1
			if len(args) == 1 {
				v, err := strconv.Atoi(args[0])
				if err != nil || v < 1 {
					return fmt.Errorf("down %q: give a count of migrations to revert, 1 or more", args[0])
				}
				n = v
			}
			return runAndReport(cmd, &f, func(r *migrate.Runner) (*migrate.RunResult, error) { return r.Down(cmd.Context(), n) })
		},
	}
	f.register(cmd)
	return cmd
}

func newMigrateRedoCmd() *cobra.Command {
	var f migrateFlags
	cmd := &cobra.Command{
		Use:   "redo",
		Short: "Revert the newest applied migration and apply it again",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAndReport(cmd, &f, func(r *migrate.Runner) (*migrate.RunResult, error) { return r.Redo(cmd.Context()) })
		},
	}
	f.register(cmd)
	return cmd
}

func newMigrateForceCmd() *cobra.Command {
	var f migrateFlags
	cmd := &cobra.Command{
		Use:   "force VERSION",
		Short: "Record VERSION as cleanly applied without running it (after fixing a dirty migration by hand)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, closeFn, err := f.open(cmd)
			if err != nil {
				return err
			}
			defer closeFn()
			if err := r.Force(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "forced   version %s recorded as applied\n", args[0])
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func newMigrateAdoptCmd() *cobra.Command {
	var (
		f     migrateFlags
		from  string
		table string
	)
	cmd := &cobra.Command{
		Use:     "adopt",
		Short:   "Import the history of goose, golang-migrate or dbmate, so nothing runs twice after switching",
		Example: `  ondelete migrate adopt --from goose --dsn "$DATABASE_URL" --dir ./db/migrations`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			src, err := migrate.ParseAdoptSource(from)
			if err != nil {
				return fmt.Errorf("--from: %w", err)
			}
			r, closeFn, err := f.open(cmd)
			if err != nil {
				return err
			}
			defer closeFn()
			res, err := r.Adopt(cmd.Context(), src, table)
			if err != nil {
				return err
			}
			if f.format == "json" {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "adopted %d versions from %s", len(res.Adopted), res.From)
			if len(res.AlreadyRecorded) > 0 {
				fmt.Fprintf(out, "; %d were already recorded", len(res.AlreadyRecorded))
			}
			fmt.Fprintln(out)
			for _, v := range res.Unmatched {
				fmt.Fprintf(out, "warning  version %s is in the %s history but no file of the directory has it; not recorded\n", v, res.From)
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&from, "from", "", "the runner to adopt from: goose, golang-migrate or dbmate")
	cmd.Flags().StringVar(&table, "table", "", "the other runner's history table, if not its default (may be schema-qualified)")
	return cmd
}

// runAndReport opens a runner, runs f, and prints the result.
func runAndReport(cmd *cobra.Command, f *migrateFlags, run func(*migrate.Runner) (*migrate.RunResult, error)) error {
	r, closeFn, err := f.open(cmd)
	if err != nil {
		return err
	}
	defer closeFn()
	res, err := run(r)
	if f.format == "json" && res != nil {
		if werr := writeJSON(cmd.OutOrStdout(), struct {
			Version int `json:"version"`
			*migrate.RunResult
		}{1, res}); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return err
	}
	if f.format == "text" {
		out := cmd.OutOrStdout()
		switch {
		case res.DryRun && len(res.Files) == 0:
			fmt.Fprintln(out, "nothing to run")
		case res.DryRun:
			for _, fr := range res.Files {
				mode := "in a transaction"
				if !fr.Transaction {
					mode = "statement by statement"
				}
				fmt.Fprintf(out, "would run %-4s %s  (%d statements, %s)\n", fr.Direction, fr.File, fr.Statements, mode)
			}
		case len(res.Files) == 0:
			fmt.Fprintln(out, "nothing pending")
		}
	}
	return nil
}

func statusText(w io.Writer, st *migrate.Status) error {
	for _, e := range st.Entries {
		what := e.File
		if what == "" {
			what = e.Name + " (file gone)"
		}
		line := fmt.Sprintf("%-12s %-8s %s", e.State, e.Version, what)
		if e.Record != nil {
			line += "  applied " + e.Record.AppliedAt.Local().Format("2006-01-02 15:04:05")
			if e.Record.Absorbed > 0 {
				line += fmt.Sprintf(", %d absorbed", e.Record.Absorbed)
			}
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%d applied, %d pending, %d out of order, %d modified, %d missing, %d dirty (history %s)\n",
		st.Count(migrate.StateApplied)+st.Count(migrate.StateModified), st.Count(migrate.StatePending), st.Count(migrate.StateOutOfOrder),
		st.Count(migrate.StateModified), st.Count(migrate.StateMissing), st.Count(migrate.StateDirty), st.History)
	return err
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
