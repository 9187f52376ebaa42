package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/pgtemp"
)

// bench holds the connections of one run.
type bench struct {
	cfg *config
	// ddl loads the data, runs the changes and reads the catalog.
	ddl *pgx.Conn
	// writers has one connection per writer goroutine, kept across phases.
	writers []*pgx.Conn
	// sampler polls the writers' and the DDL's wait events; nil under
	// -sample-waits 0.
	sampler  *waitSampler
	origin   time.Time
	progress io.Writer
	// created is set once load has created the schema, which -dsn runs
	// then drop.
	created bool
}

// writerPIDs are the server processes of the writers' connections.
func (b *bench) writerPIDs() []uint32 {
	pids := make([]uint32, len(b.writers))
	for i, c := range b.writers {
		pids[i] = c.PgConn().PID()
	}
	return pids
}

// ddlPID is the server process of the DDL connection.
func (b *bench) ddlPID() []uint32 { return []uint32{b.ddl.PgConn().PID()} }

// logf prints a progress line.
func (b *bench) logf(format string, args ...any) { fmt.Fprintf(b.progress, format+"\n", args...) }

// results is everything the report prints.
type results struct {
	cfg      *config
	env      *environment
	baseline *phase
	naive    *phase // nil under -only online
	online   *phase // nil under -only naive
	// writerPIDs and ddlPID tell whose the sampled wait events are.
	writerPIDs, ddlPID []uint32
}

// run sets up the database, measures the phases and prints the report to
// out; progress goes to progress.
func run(ctx context.Context, cfg *config, out, progress io.Writer) (err error) {
	dsn := cfg.dsn
	if dsn == "" {
		fmt.Fprintln(progress, "starting a throwaway PostgreSQL server...")
		srv, err := pgtemp.Start(ctx, pgtemp.Options{Settings: cfg.settings})
		if err != nil {
			return fmt.Errorf("starting PostgreSQL: %w", err)
		}
		release := pgtemp.StopOnSignal(srv)
		defer func() {
			release()
			err = errors.Join(err, srv.Stop())
		}()
		if dsn, err = srv.CreateDatabase(ctx, "onlinefk"); err != nil {
			return err
		}
	} else {
		// On Ctrl-C, cancel and still drop the schema.
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	b, err := connect(ctx, cfg, dsn, progress)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, b.close(context.WithoutCancel(ctx))) }()
	return b.run(ctx, out)
}

// connect opens the DDL connection and one per writer, all with the
// benchmark's schema as search_path.
func connect(ctx context.Context, cfg *config, dsn string, progress io.Writer) (*bench, error) {
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parsing the DSN: %w", err)
	}
	cc.RuntimeParams["search_path"] = schema
	cc.RuntimeParams["application_name"] = "onlinefk"
	b := &bench{cfg: cfg, origin: time.Now(), progress: progress}
	if b.ddl, err = pgx.ConnectConfig(ctx, cc); err != nil {
		return nil, fmt.Errorf("connecting: %w", err)
	}
	for i := range cfg.writers {
		conn, err := pgx.ConnectConfig(ctx, cc)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("connecting writer %d: %w", i, err), b.close(ctx))
		}
		b.writers = append(b.writers, conn)
	}
	if cfg.sampleEvery > 0 {
		conn, err := pgx.ConnectConfig(ctx, cc)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("connecting the wait sampler: %w", err), b.close(ctx))
		}
		b.sampler = &waitSampler{conn: conn, every: cfg.sampleEvery, now: b.now}
	}
	return b, nil
}

// close drops what -dsn runs created and closes every connection.
func (b *bench) close(ctx context.Context) error {
	var errs []error
	for _, c := range b.writers {
		errs = append(errs, c.Close(ctx))
	}
	if b.sampler != nil {
		errs = append(errs, b.sampler.conn.Close(ctx))
	}
	if b.created && b.cfg.dsn != "" {
		errs = append(errs, dropSchema(ctx, b.ddl))
	}
	if b.ddl != nil {
		errs = append(errs, b.ddl.Close(ctx))
	}
	return errors.Join(errs...)
}

// run loads the data and measures the baseline and the selected changes.
func (b *bench) run(ctx context.Context, out io.Writer) error {
	r := &results{cfg: b.cfg, writerPIDs: b.writerPIDs(), ddlPID: b.ddlPID()}
	b.logf("loading %d users and %d orders...", b.cfg.parents, b.cfg.rows)
	var err error
	if r.env, err = b.load(ctx); err != nil {
		return fmt.Errorf("loading: %w", err)
	}
	b.logf("loaded in %s; orders takes %s with its indexes", round(r.env.loadTime), r.env.tableSize)
	if err := b.settle(ctx); err != nil {
		return err
	}
	if r.baseline, err = b.baseline(ctx); err != nil {
		return err
	}
	if b.cfg.only != onlyOnline {
		if err := b.settle(ctx); err != nil {
			return err
		}
		if r.naive, err = b.naive(ctx); err != nil {
			return err
		}
		if b.cfg.only == onlyBoth {
			if err := b.restore(ctx); err != nil {
				return err
			}
		}
	}
	if b.cfg.only != onlyNaive {
		pl, findings, err := b.onlinePlan(ctx)
		if err != nil {
			return fmt.Errorf("generating the online plan: %w", err)
		}
		b.logf("the policy gives %d finding(s); the online plan has %d migration(s)", len(findings), len(pl.Migrations))
		if err := b.settle(ctx); err != nil {
			return err
		}
		if r.online, err = b.online(ctx, pl); err != nil {
			return err
		}
	}
	return report(out, r)
}
