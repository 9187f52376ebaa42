package migrate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Runner applies a migrations directory to a database and records what it
// applied in a history table, so it is safe to re-run (applied files are
// skipped, "already exists" errors absorbed), safe to start twice at once
// (a lock serialises runners) and safe to kill (each file commits together
// with its history row; a file that cannot run in a transaction is marked
// dirty until it completes).
type Runner struct {
	conn  *pgx.Conn
	dir   *Dir
	opts  RunOptions
	cfg   config // absorbed SQLSTATEs, validated as Apply's
	block *blockerWatch
}

// NewRunner prepares a runner for dir on conn, which must be in
// autocommit (no open transaction). The runner opens further connections
// from conn's configuration when it needs them (the lease heartbeat,
// finding who blocks a lock).
func NewRunner(conn *pgx.Conn, dir *Dir, opts RunOptions) (*Runner, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("configuring the runner: %w", err)
	}
	var aopts []Option
	if o.Absorb != nil {
		aopts = append(aopts, WithAbsorb(o.Absorb...))
	}
	cfg, err := newConfig(aopts)
	if err != nil {
		return nil, err
	}
	return &Runner{conn: conn, dir: dir, opts: o, cfg: cfg, block: &blockerWatch{cfg: conn.Config()}}, nil
}

// RunResult lists the migrations a run applied or reverted, in order.
type RunResult struct {
	DryRun bool      `json:"dry_run"`
	Files  []FileRun `json:"migrations"`
}

// FileRun is one migration a run applied (or, with DryRun, would apply).
type FileRun struct {
	Version   string `json:"version"`
	Name      string `json:"name"`
	File      string `json:"file"`
	Direction string `json:"direction"`
	// Transaction is false when the file ran statement by statement.
	Transaction bool          `json:"transaction"`
	Duration    time.Duration `json:"-"`
	DurationMS  int64         `json:"duration_ms"`
	Statements  int           `json:"statements"`
	Absorbed    []Absorption  `json:"absorbed"`
	Retries     int           `json:"retries"`
}

// Status reads the history and compares it with the directory. It
// changes nothing, not even creating the history table.
func (r *Runner) Status(ctx context.Context) (*Status, error) {
	recs, err := r.opts.History.read(ctx, r.conn)
	if err != nil {
		return nil, err
	}
	return compareStatus(r.dir, recs, r.opts.History.Display())
}

// Up applies every pending migration in version order. It refuses, before
// running anything, when a migration is dirty or (without
// AllowOutOfOrder) a pending one is older than an applied one.
func (r *Runner) Up(ctx context.Context) (*RunResult, error) {
	return r.locked(ctx, func(st *Status) (*RunResult, error) {
		if err := r.refuseDirty(st); err != nil {
			return nil, err
		}
		r.warn(st)
		var todo []*StatusEntry
		var newest *StatusEntry
		for i := range st.Entries {
			if e := &st.Entries[i]; e.Record != nil {
				newest = e // entries are in version order
			}
		}
		for i := range st.Entries {
			e := &st.Entries[i]
			switch e.State {
			case StatePending:
				todo = append(todo, e)
			case StateOutOfOrder:
				if !r.opts.AllowOutOfOrder {
					return nil, fmt.Errorf("%s (version %s) is older than the applied %s (version %s): merge order differs from version order; renumber it, or pass --allow-out-of-order to apply it anyway",
						e.File, e.Version, newestFile(newest), newest.Version)
				}
				todo = append(todo, e)
			}
		}
		res := &RunResult{DryRun: r.opts.DryRun, Files: []FileRun{}}
		for _, e := range todo {
			fr, err := r.run(ctx, e.migration, e.checksum, false)
			if fr != nil {
				res.Files = append(res.Files, *fr)
			}
			if err != nil {
				return res, err
			}
		}
		return res, nil
	})
}

// Down reverts the n most recently applied migrations (by version), newest
// first, with each layout's own down migration. It refuses before running
// anything when one of them has no down part or its file is gone.
func (r *Runner) Down(ctx context.Context, n int) (*RunResult, error) {
	if n < 1 {
		return nil, fmt.Errorf("down needs a count of at least 1, got %d", n)
	}
	return r.locked(ctx, func(st *Status) (*RunResult, error) {
		if err := r.refuseDirty(st); err != nil {
			return nil, err
		}
		var applied []*StatusEntry
		for i := len(st.Entries) - 1; i >= 0 && len(applied) < n; i-- {
			if e := &st.Entries[i]; e.Record != nil {
				applied = append(applied, e)
			}
		}
		if len(applied) < n {
			return nil, fmt.Errorf("down %d: only %d migrations are applied", n, len(applied))
		}
		for _, e := range applied {
			switch {
			case e.migration == nil:
				return nil, fmt.Errorf("cannot revert version %s (%s): its file is gone from %s", e.Version, e.Name, r.dir.Path)
			case e.migration.Down == nil || len(e.migration.Down.Statements) == 0:
				return nil, fmt.Errorf("cannot revert %s: it has no down migration (layout %s)", e.File, r.dir.Layout)
			}
		}
		res := &RunResult{DryRun: r.opts.DryRun, Files: []FileRun{}}
		for _, e := range applied {
			fr, err := r.run(ctx, e.migration, e.checksum, true)
			if fr != nil {
				res.Files = append(res.Files, *fr)
			}
			if err != nil {
				return res, err
			}
		}
		return res, nil
	})
}

// Redo reverts the newest applied migration and applies it again: the
// check that its down migration really undoes it.
func (r *Runner) Redo(ctx context.Context) (*RunResult, error) {
	down, err := r.Down(ctx, 1)
	if err != nil {
		return down, err
	}
	if r.opts.DryRun {
		// Nothing was reverted: say what the second half would run.
		fr := down.Files[0]
		fr.Direction = "up"
		down.Files = append(down.Files, fr)
		return down, nil
	}
	return r.locked(ctx, func(st *Status) (*RunResult, error) {
		for i := range st.Entries {
			e := &st.Entries[i]
			if e.Version == down.Files[0].Version {
				fr, err := r.run(ctx, e.migration, e.checksum, false)
				if fr != nil {
					down.Files = append(down.Files, *fr)
				}
				return down, err
			}
		}
		return down, fmt.Errorf("redo: version %s vanished", down.Files[0].Version)
	})
}

// Force records version as cleanly applied, without running anything: the
// way out of a dirty state once a person has made the database match the
// migration (finished it by hand, or undone it and then run down/up), and
// a way to mark a migration applied by other means.
func (r *Runner) Force(ctx context.Context, version string) error {
	_, err := r.locked(ctx, func(st *Status) (*RunResult, error) {
		for i := range st.Entries {
			e := &st.Entries[i]
			if CompareVersions(e.Version, version) != 0 {
				continue
			}
			rec := Record{Version: e.Version, Name: e.Name, Checksum: e.checksum}
			if e.migration == nil {
				rec.Checksum = e.Record.Checksum
			}
			if e.Record != nil {
				rec.Absorbed, rec.Duration = e.Record.Absorbed, e.Record.Duration
			}
			return nil, r.opts.History.insert(ctx, r.conn, rec)
		}
		return nil, fmt.Errorf("force %s: no migration has that version in %s or in %s", version, r.dir.Path, r.opts.History.Display())
	})
	return err
}

// locked runs f under the migration lock with the history table in place
// and a fresh status. DryRun takes no lock and creates nothing.
func (r *Runner) locked(ctx context.Context, f func(*Status) (*RunResult, error)) (res *RunResult, err error) {
	if r.conn.PgConn().TxStatus() != 'I' {
		return nil, errors.New("running migrations: the connection is inside a transaction block")
	}
	defer r.block.close()
	if r.opts.DryRun {
		st, err := r.Status(ctx)
		if err != nil {
			return nil, err
		}
		return f(st)
	}
	lock, err := r.locker(ctx)
	if err != nil {
		return nil, err
	}
	if lock != nil {
		// Say so when the lock is not free at once: a run that seems to
		// hang is waiting for another runner.
		var said sync.WaitGroup
		said.Add(1)
		waiting := time.AfterFunc(time.Second, func() {
			defer said.Done()
			r.event(RunEvent{Type: EventWaiting, Message: fmt.Sprintf("another runner holds the migration lock on %s; waiting up to %s", r.opts.History.Display(), r.opts.LockWait)})
		})
		err := lock.Lock(ctx)
		if waiting.Stop() {
			said.Done()
		} else {
			said.Wait() // OnEvent never runs concurrently with the run's own events
		}
		if err != nil {
			return nil, fmt.Errorf("taking the migration lock: %w", err)
		}
		defer func() {
			if uerr := lock.Unlock(ctx); uerr != nil && err == nil {
				err = fmt.Errorf("releasing the migration lock: %w", uerr)
			}
		}()
	}
	if err := r.opts.History.ensure(ctx, r.conn); err != nil {
		return nil, err
	}
	st, err := r.Status(ctx)
	if err != nil {
		return nil, err
	}
	return f(st)
}

// locker builds the lock the options ask for.
func (r *Runner) locker(ctx context.Context) (Locker, error) {
	mode := r.opts.Locking
	if mode == LockingAuto {
		crdb, err := IsCockroachDB(ctx, r.conn)
		if err != nil {
			return nil, err
		}
		mode = LockingAdvisory
		if crdb {
			mode = LockingLease
		}
	}
	name := r.opts.History.Display()
	switch mode {
	case LockingAdvisory:
		return NewAdvisoryLock(r.conn, name, r.opts.LockWait), nil
	case LockingLease:
		return NewLeaseLock(r.conn.Config(), r.opts.History.Schema, r.opts.History.Table+"_lock", name, leaseHolder(), r.opts.LeaseTTL, r.opts.LockWait), nil
	}
	return nil, nil
}

// refuseDirty stops a run while a migration is dirty.
func (r *Runner) refuseDirty(st *Status) error {
	for _, e := range st.Entries {
		if e.State == StateDirty {
			what := e.File
			if what == "" {
				what = e.Name
			}
			return fmt.Errorf("version %s (%s) is dirty: it ran outside a transaction and failed or was interrupted part-way; check what of it is in the database, finish or undo it by hand, then run `ondelete migrate force %s`",
				e.Version, what, e.Version)
		}
	}
	return nil
}

// warn reports modified and missing migrations before a run.
func (r *Runner) warn(st *Status) {
	for _, e := range st.Entries {
		switch e.State {
		case StateModified:
			r.event(RunEvent{Type: EventWarning, Migration: e.migration,
				Message: fmt.Sprintf("%s was changed after it was applied (checksum differs); the change is not applied", e.File)})
		case StateMissing:
			r.event(RunEvent{Type: EventWarning,
				Message: fmt.Sprintf("version %s (%s) is applied but its file is gone from %s", e.Version, e.Name, r.dir.Path)})
		}
	}
}

func (r *Runner) event(ev RunEvent) {
	if r.opts.OnEvent != nil {
		r.opts.OnEvent(ev)
	}
}

func newestFile(e *StatusEntry) string {
	if e.File != "" {
		return e.File
	}
	return e.Name + " (file gone)"
}
