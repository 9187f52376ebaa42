package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/plan"
	"github.com/ondelete/ondelete/policy"
)

// policyYAML asks for what both changes do: every key referencing users
// cascades. The plan is generated from the findings it gives.
const policyYAML = `version: 1
roots: [` + schema + `.users]
rules:
  - name: orders-follow-their-user
    match: {references: ` + schema + `.users}
    expect: {on_delete: cascade}
`

// phase is one measured phase: every write of its run and the window the
// change (or, for the baseline, nothing) ran in.
type phase struct {
	name    string
	window  window
	samples []sample
	errs    []error
	runs    []migrationRun
	stats   stats
	// waits are the wait events sampled during the phase, of the writers
	// and of the DDL connection.
	waits []waitSample
}

// retries is the number of lock_timeout retries of the phase's change.
func (p *phase) retries() int {
	n := 0
	for i := range p.runs {
		n += p.runs[i].retries()
	}
	return n
}

// measure runs the writers for -lead, then change, then -tail more, and
// summarises the writes that overlap change's window. The lead lets the
// writers reach their steady rate; the tail lets writes held up by the
// change finish so their latency is recorded.
func (b *bench) measure(ctx context.Context, name string, seed uint64, change func(context.Context) ([]migrationRun, error)) (*phase, error) {
	b.logf("%s: writing for %s before the change...", name, b.cfg.lead)
	if b.sampler != nil {
		b.sampler.start(ctx, append(b.writerPIDs(), b.ddlPID()...))
	}
	load := b.startWriters(ctx, b.cfg.seed^seed)
	p := &phase{name: name}
	err := sleep(ctx, b.cfg.lead)
	if err == nil {
		p.window.from = b.now()
		p.runs, err = change(ctx)
		p.window.to = b.now()
		if err == nil {
			err = sleep(ctx, b.cfg.tail)
		}
	}
	p.samples, p.errs = load.stop()
	if b.sampler != nil {
		var werr error
		p.waits, werr = b.sampler.stop()
		err = errors.Join(err, werr)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p.stats = summarize(p.samples, p.window)
	b.logf("%s: %s window, %d writes, p99 %s, max %s", name, round(p.window.length()),
		p.stats.Overlapping, round(p.stats.P99), round(p.stats.Max))
	return p, nil
}

// baseline measures the writers alone, for -baseline.
func (b *bench) baseline(ctx context.Context) (*phase, error) {
	return b.measure(ctx, "idle baseline", 1, func(ctx context.Context) ([]migrationRun, error) {
		return nil, sleep(ctx, b.cfg.baseline)
	})
}

// naive measures change (a): one validating ALTER TABLE, run as a person
// at a psql prompt would, without lock_timeout.
func (b *bench) naive(ctx context.Context) (*phase, error) {
	m := plan.Migration{Name: "naive_alter_table", Up: []plan.Statement{{SQL: naiveSQL}}}
	ex := &executor{conn: b.ddl, now: b.now, maxAttempts: 1}
	p, err := b.measure(ctx, "(a) naive", 2, func(ctx context.Context) ([]migrationRun, error) {
		return ex.run(ctx, []plan.Migration{m})
	})
	if err != nil {
		return nil, err
	}
	return p, b.verifyCascade(ctx)
}

// online measures change (b): the migrations of pl, executed by a careful
// runner.
func (b *bench) online(ctx context.Context, pl *plan.Plan) (*phase, error) {
	ex := &executor{conn: b.ddl, now: b.now, pause: b.cfg.retryPause, maxAttempts: b.cfg.maxAttempts}
	p, err := b.measure(ctx, "(b) online", 3, func(ctx context.Context) ([]migrationRun, error) {
		return ex.run(ctx, pl.Migrations)
	})
	if err != nil {
		return nil, err
	}
	if err := ex.resetTimeouts(ctx); err != nil {
		return nil, err
	}
	return p, b.verifyCascade(ctx)
}

// onlinePlan generates the online plan the way `ondelete plan` does:
// inspect, check the policy, plan from the findings. It runs before the
// writers start, as planning happens before a deploy.
func (b *bench) onlinePlan(ctx context.Context) (*plan.Plan, []check.Finding, error) {
	snap, err := catalog.Inspect(ctx, b.ddl, catalog.Options{Schemas: []string{schema}})
	if err != nil {
		return nil, nil, fmt.Errorf("inspecting: %w", err)
	}
	pol, err := policy.Parse([]byte(policyYAML), "onlinefk.yaml")
	if err != nil {
		return nil, nil, fmt.Errorf("parsing the policy: %w", err)
	}
	res, err := check.Evaluate(snap, pol, check.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("checking: %w", err)
	}
	pl, err := plan.Generate(snap, res.Findings, plan.Options{Strategy: plan.Online, LockTimeout: b.cfg.lockTimeout})
	if err != nil {
		return nil, nil, fmt.Errorf("planning: %w", err)
	}
	switch {
	case len(pl.Unfixable) > 0:
		return nil, nil, fmt.Errorf("the plan leaves %s unfixed: %s", pl.Unfixable[0].Constraint, pl.Unfixable[0].Reason)
	case pl.Empty():
		return nil, nil, errors.New("the plan is empty: the key already cascades")
	}
	return pl, res.Findings, nil
}

// verifyCascade checks that the change left what both changes promise: one
// validated key named fkName from orders to users, ON DELETE CASCADE.
func (b *bench) verifyCascade(ctx context.Context) error {
	var n int
	var name, action string
	var validated bool
	err := b.ddl.QueryRow(ctx, `SELECT count(*), coalesce(min(conname), ''), coalesce(min(confdeltype::text), ''),
		coalesce(bool_and(convalidated), false)
		FROM pg_constraint WHERE conrelid = 'orders'::regclass AND confrelid = 'users'::regclass AND contype = 'f'`).
		Scan(&n, &name, &action, &validated)
	if err != nil {
		return fmt.Errorf("reading the key after the change: %w", err)
	}
	if n != 1 || name != fkName || action != "c" || !validated {
		return fmt.Errorf("after the change orders has %d keys to users (first %q, ON DELETE %q, validated %t); want one, %s, cascade (c), validated",
			n, name, action, validated, fkName)
	}
	return nil
}

// now is the time since the run's origin on the monotonic clock; samples
// and windows are measured with it.
func (b *bench) now() time.Duration { return time.Since(b.origin) }
