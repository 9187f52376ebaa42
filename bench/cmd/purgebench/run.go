package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/bench/internal/benchfmt"
	"github.com/ondelete/ondelete/pgtemp"
)

// bench is one run: the server, the loaded template and the clock.
type bench struct {
	cfg      *config
	admin    string
	ds       *dataset
	env      *environment
	origin   time.Time
	progress io.Writer
}

// now is the time since the run's origin, on the monotonic clock.
func (b *bench) now() time.Duration { return time.Since(b.origin) }

func (b *bench) logf(format string, args ...any) { fmt.Fprintf(b.progress, format+"\n", args...) }

// environment describes where the figures come from.
type environment struct {
	server     string
	versionNum int
	settings   string
}

func (e *environment) header() string {
	return fmt.Sprintf("PostgreSQL %s (%s), %s, %d CPUs", e.server, e.settings, runtime.Version(), runtime.NumCPU())
}

// run starts the server, loads the template, measures every contender in
// every round and prints the report to out; progress goes to progress.
func run(ctx context.Context, cfg *config, out, progress io.Writer) (err error) {
	admin := cfg.dsn
	if admin == "" {
		fmt.Fprintln(progress, "starting a throwaway PostgreSQL server...")
		settings := maps.Clone(defaultSettings)
		if cfg.statements > 0 {
			settings["shared_preload_libraries"] = "pg_stat_statements"
			settings["pg_stat_statements.track"] = "all"
		}
		maps.Copy(settings, cfg.settings)
		srv, err := pgtemp.Start(ctx, pgtemp.Options{Settings: settings})
		if err != nil {
			return fmt.Errorf("starting PostgreSQL: %w", err)
		}
		release := pgtemp.StopOnSignal(srv)
		defer func() {
			release()
			err = errors.Join(err, srv.Stop())
		}()
		admin = srv.DSN("postgres")
	}
	b := &bench{cfg: cfg, admin: admin, origin: time.Now(), progress: progress}
	if b.env, err = describeServer(ctx, admin); err != nil {
		return err
	}
	tu, ou := plan(cfg)
	b.logf("loading the template: the target user with %d units, %d other users with %d each, %d tables...", tu, cfg.others, ou, cfg.tables)
	if b.ds, err = loadTemplate(ctx, admin, cfg, progress); err != nil {
		return fmt.Errorf("loading: %w", err)
	}
	if !cfg.keep && !cfg.reuse {
		defer func() {
			err = errors.Join(err, pgtemp.DropDatabaseAt(context.WithoutCancel(ctx), admin, templateName(cfg.prefix)))
		}()
	}
	b.logf("template: %s rows (%s), loaded in %s", benchfmt.Thousands(b.ds.totalRows), b.ds.size, b.ds.loadTime.Round(time.Millisecond))

	cs := b.contenders()
	var results []*result
	for round := 1; round <= cfg.rounds; round++ {
		var inRound []*result
		for i := range cs {
			c := cs[(i+round-1)%len(cs)] // rotate: no contender always runs first
			b.logf("round %d/%d: %s...", round, cfg.rounds, c.name)
			r, err := b.measure(ctx, c, round)
			if err != nil {
				return fmt.Errorf("%s, round %d: %w", c.name, round, err)
			}
			b.logf("  %s: %s, longest transaction %s, writer max %s, %s rows deleted%s", c.name, dur(r.total),
				dur(r.longestClient().length()), dur(r.during.Max), benchfmt.Thousands(r.deletedTotal), failedNote(r))
			inRound = append(inRound, r)
		}
		if err := sameDeletions(inRound); err != nil {
			return fmt.Errorf("round %d: %w", round, err)
		}
		results = append(results, inRound...)
	}
	return report(out, b, cs, results)
}

// contenders lists what -contenders and -batch select, in that order.
func (b *bench) contenders() []*contender {
	var cs []*contender
	for _, name := range b.cfg.contenders {
		switch name {
		case contNative:
			cs = append(cs, nativeContender())
		case contChunked:
			cs = append(cs, chunkedContender())
		case contPurge:
			for _, n := range b.cfg.batches {
				for _, w := range b.cfg.purgeWorkers {
					cs = append(cs, purgeContender(n, w))
				}
			}
		}
	}
	return cs
}

func describeServer(ctx context.Context, admin string) (*environment, error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", pgtemp.RedactDSN(admin), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	env := &environment{}
	if err := conn.QueryRow(ctx, `SELECT current_setting('server_version'), current_setting('server_version_num')::int,
	(SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings
		WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'work_mem', 'max_wal_size'))`).
		Scan(&env.server, &env.versionNum, &env.settings); err != nil {
		return nil, fmt.Errorf("reading the server's version: %w", err)
	}
	return env, nil
}
