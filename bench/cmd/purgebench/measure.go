package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/pgtemp"
)

// result is one contender's figures in one round.
type result struct {
	c     *contender
	round int
	// total is the contender's wall-clock time, first statement to last
	// commit.
	total time.Duration
	out   *outcome
	// clientTxs are the contender's transactions as its traced
	// connection saw them; server is the sampler's view.
	clientTxs []txSpan
	server    serverView
	// idle and during are the writer's latencies alone and while the
	// contender ran.
	idle, during latencies
	writerErrs   []error
	// deleted is rows deleted per table, deletedTotal their sum.
	deleted      map[string]int64
	deletedTotal int64
	// worst describes the writer's slowest transaction during the
	// contender; statements are the top of pg_stat_statements (-statements).
	worst      string
	statements []statement
	// client is what the contender cost this process.
	client clientCost
	// load is the machine's 1-minute load average when the contender
	// started and ended: on a shared 2-core machine, other processes'
	// load shows in every figure.
	load [2]string
}

// loadAverage returns the 1-minute load average and, where the kernel
// reports pressure, the share of the last 10 seconds in which some task
// waited for a CPU; "?" where unknown.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if err != nil || len(f) == 0 {
		return "?"
	}
	load := f[0]
	if b, err := os.ReadFile("/proc/pressure/cpu"); err == nil {
		for _, field := range strings.Fields(string(b)) {
			if v, ok := strings.CutPrefix(field, "avg10="); ok {
				return load + " (CPU pressure " + v + " %)"
			}
		}
	}
	return load
}

// longestClient is the longest transaction the tracer timed.
func (r *result) longestClient() txSpan {
	var l txSpan
	for _, s := range r.clientTxs {
		if s.length() > l.length() {
			l = s
		}
	}
	return l
}

// longestClientWrite is the longest transaction that wrote.
func (r *result) longestClientWrite() txSpan {
	var l txSpan
	for _, s := range r.clientTxs {
		if s.wrote && s.length() > l.length() {
			l = s
		}
	}
	return l
}

func failedNote(r *result) string {
	if r.during.Failed+r.idle.Failed == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d writer transactions failed)", r.during.Failed+r.idle.Failed)
}

// measure runs contender c on a fresh clone of the template, with the
// writer going, and checks what it deleted.
func (b *bench) measure(ctx context.Context, c *contender, round int) (_ *result, err error) {
	name := fmt.Sprintf("%s_r%d_%s", b.cfg.prefix, round, c.id)
	dsn, err := b.clone(ctx, name)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, pgtemp.DropDatabaseAt(context.WithoutCancel(ctx), b.admin, name)) }()
	cs, err := b.connect(ctx, dsn, c.workers)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, cs.close(context.WithoutCancel(ctx))) }()

	r := &result{c: c, round: round}
	if _, err := cs.contender.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		return nil, fmt.Errorf("vacuuming the clone: %w", err)
	}
	if _, err := cs.contender.Exec(ctx, "CHECKPOINT"); err != nil {
		return nil, fmt.Errorf("checkpointing: %w", err)
	}
	before, err := countRows(ctx, cs.contender, b.ds.tables)
	if err != nil {
		return nil, err
	}

	var load *writerProc
	var writerPIDs []uint32
	if b.cfg.writers > 0 {
		if load, err = startWriterProc(ctx, dsn, b.cfg.writers, b.ds.pick, b.cfg.seed+uint64(round), b.origin); err != nil {
			return nil, err
		}
		writerPIDs = load.pids
		defer func() {
			if load != nil { // not stopped: an error came first
				_ = load.kill()
			}
		}()
	}
	idleFrom := b.now()
	time.Sleep(b.cfg.idle)
	idle := window{idleFrom, b.now()}

	if b.cfg.statements > 0 {
		if err := resetStatements(ctx, cs.sampler.conn); err != nil {
			return nil, err
		}
	}
	r.load[0] = loadAverage()
	clientBefore := readClientCost()
	cs.tracer.take()
	stopSampling := cs.sampler.watch(ctx, append([]uint32{cs.contender.PgConn().PID()}, cs.poolPIDs...), writerPIDs)
	start := b.now()
	r.out, err = c.run(ctx, cs)
	end := b.now()
	r.load[1] = loadAverage()
	r.client = readClientCost().since(clientBefore)
	stopSampling()
	var samples []sample
	var inserted map[string]int64
	var writerErrs []error
	if load != nil {
		var werr error
		samples, inserted, writerErrs, werr = load.stop()
		load = nil
		err = errors.Join(err, werr)
	}
	if err != nil {
		return nil, err
	}
	r.total = end - start
	r.clientTxs = cs.tracer.take()
	if r.server, err = cs.sampler.view(); err != nil {
		return nil, err
	}
	r.client.heapPeak = r.server.heapPeak
	r.idle = summarize(samples, idle)
	r.during = summarize(samples, window{start, end})
	r.writerErrs = writerErrs
	r.worst = worstWrite(samples, window{start, end}, r.clientTxs, r.server.seen, writerPIDs)
	if b.cfg.statements > 0 {
		if r.statements, err = readStatements(ctx, cs.sampler.conn, b.cfg.statements); err != nil {
			return nil, err
		}
	}

	after, err := countRows(ctx, cs.contender, b.ds.tables)
	if err != nil {
		return nil, err
	}
	r.deleted = map[string]int64{}
	for t, n := range before {
		if d := n + inserted[t] - after[t]; d != 0 {
			r.deleted[t] = d
			r.deletedTotal += d
		}
	}
	if err := b.checkGone(ctx, cs.contender); err != nil {
		return nil, err
	}
	return r, nil
}

// clone creates database name as a copy of the template. FILE_COPY
// (PostgreSQL 15+) copies the files instead of logging every page.
func (b *bench) clone(ctx context.Context, name string) (string, error) {
	if err := pgtemp.DropDatabaseAt(ctx, b.admin, name); err != nil {
		return "", err
	}
	conn, err := pgx.Connect(ctx, b.admin)
	if err != nil {
		return "", fmt.Errorf("connecting to %s: %w", pgtemp.RedactDSN(b.admin), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	sql := "CREATE DATABASE " + ident.Quote(name) + " TEMPLATE " + ident.Quote(templateName(b.cfg.prefix))
	if b.env.versionNum >= 150000 {
		sql += " STRATEGY FILE_COPY"
	}
	if _, err := conn.Exec(ctx, sql); err != nil {
		return "", fmt.Errorf("cloning the template: %w", err)
	}
	return pgtemp.WithDatabase(b.admin, name)
}

// checkGone fails unless the target user is gone and no column still
// references it.
func (b *bench) checkGone(ctx context.Context, conn *pgx.Conn) error {
	sql := "SELECT 'users.id', count(*) FROM users WHERE id = $1"
	for _, t := range b.ds.tables {
		for _, c := range t.userRefs {
			sql += " UNION ALL SELECT " + ident.Literal(t.name+"."+c) + ", count(*) FROM " + ident.Quote(t.name) + " WHERE " + ident.Quote(c) + " = $1"
		}
	}
	rows, err := conn.Query(ctx, sql, targetUser)
	if err != nil {
		return fmt.Errorf("checking the deletion: %w", err)
	}
	var left []string
	var col string
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&col, &n}, func() error {
		if n > 0 {
			left = append(left, fmt.Sprintf("%s: %d", col, n))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("checking the deletion: %w", err)
	}
	if len(left) > 0 {
		return fmt.Errorf("checking the deletion: rows still reference the target user: %v", left)
	}
	return nil
}

// sameDeletions fails unless every result deleted as many rows from every
// table as the first: the clones start identical and the writer never
// touches the target's rows, so any difference is a contender's mistake.
func sameDeletions(rs []*result) error {
	for _, r := range rs[1:] {
		for t, n := range rs[0].deleted {
			if r.deleted[t] != n {
				return fmt.Errorf("%s deleted %d rows from %s, %s %d", r.c.name, r.deleted[t], t, rs[0].c.name, n)
			}
		}
		for t, n := range r.deleted {
			if _, ok := rs[0].deleted[t]; !ok {
				return fmt.Errorf("%s deleted %d rows from %s, %s none", r.c.name, n, t, rs[0].c.name)
			}
		}
	}
	return nil
}

// conns are the benchmark's connections to one clone; the writers have
// their own process.
type conns struct {
	contender *pgx.Conn
	// pool, for a contender with more than one worker, holds that many
	// traced connections, already open, with the backends poolPIDs.
	pool     *pgxpool.Pool
	poolPIDs []uint32
	tracer   *txTracer
	sampler  *sampler
}

// connect opens the traced contender connection and the sampler's, and
// for more than one worker a pool of that many traced connections.
func (b *bench) connect(ctx context.Context, dsn string, workers int) (*conns, error) {
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parsing the DSN: %w", err)
	}
	cs := &conns{tracer: &txTracer{now: b.now}}
	open := func(app string, tracer pgx.QueryTracer) (*pgx.Conn, error) {
		c := cc.Copy()
		c.RuntimeParams["application_name"] = app
		c.Tracer = tracer
		conn, err := pgx.ConnectConfig(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("connecting the %s: %w", app, err)
		}
		return conn, nil
	}
	if cs.contender, err = open("purgebench contender", cs.tracer); err != nil {
		return nil, err
	}
	s, err := open("purgebench sampler", nil)
	if err != nil {
		return nil, errors.Join(err, cs.close(ctx))
	}
	cs.sampler = &sampler{conn: s, every: b.cfg.sampleEvery, now: b.now}
	if workers > 1 {
		if err := cs.openPool(ctx, cc, workers); err != nil {
			return nil, errors.Join(err, cs.close(ctx))
		}
	}
	return cs, nil
}

// openPool opens the pool of n traced connections and learns their
// backends' PIDs, for the sampler: every connection is acquired at once,
// so the pool opens all n, and released, so that it keeps them idle.
func (c *conns) openPool(ctx context.Context, cc *pgx.ConnConfig, n int) error {
	pc, err := pgxpool.ParseConfig("")
	if err != nil {
		return err
	}
	pc.ConnConfig = cc.Copy()
	pc.ConnConfig.RuntimeParams["application_name"] = "purgebench contender"
	pc.ConnConfig.Tracer = c.tracer
	pc.MaxConns, pc.MinConns = int32(n), int32(n)
	if c.pool, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
		return fmt.Errorf("opening the contender's pool: %w", err)
	}
	held := make([]*pgxpool.Conn, 0, n)
	defer func() {
		for _, h := range held {
			h.Release()
		}
	}()
	for range n {
		h, err := c.pool.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("opening the contender's pool: %w", err)
		}
		held = append(held, h)
		c.poolPIDs = append(c.poolPIDs, h.Conn().PgConn().PID())
	}
	return nil
}

func (c *conns) close(ctx context.Context) error {
	var errs []error
	if c.pool != nil {
		c.pool.Close()
	}
	if c.sampler != nil {
		errs = append(errs, c.sampler.conn.Close(ctx))
	}
	if c.contender != nil {
		errs = append(errs, c.contender.Close(ctx))
	}
	return errors.Join(errs...)
}
