package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ondelete/ondelete/bench/internal/benchfmt"
	"github.com/ondelete/ondelete/plan"
)

// The targets for the online plan, and the share of the naive
// ALTER's duration from which its stall counts as "the whole validation".
const (
	targetStall    = 100 * time.Millisecond
	targetP99Ratio = 2.0
	wholeShare     = 0.9
)

// tableLock is the wait event of a backend queued for a table's
// heavyweight lock, the stall an ALTER TABLE causes.
const tableLock = "Lock:relation"

// report prints the setup, the phases side by side, what each DDL
// statement took and the verdict.
func report(out io.Writer, r *results) error {
	w := &benchfmt.ErrWriter{W: out}
	cfg, env := r.cfg, r.env
	load := "as fast as they go"
	if cfg.rate > 0 {
		load = fmt.Sprintf("%s writes/s together, latency from when each write was due", benchfmt.Thousands(int64(cfg.rate)))
	}
	w.Printf("onlinefk: orders %s rows (%s with indexes) referencing users %s rows; %d writers, %.0f %% updates, %s\n",
		benchfmt.Thousands(env.rows), env.tableSize, benchfmt.Thousands(env.parents), cfg.writers, cfg.updateRatio*100, load)
	w.Printf("PostgreSQL %s (%s); loaded in %s\n\n", env.serverVersion, env.settings, dur(env.loadTime))

	phases := []*phase{r.baseline}
	for _, p := range []*phase{r.naive, r.online} {
		if p != nil {
			phases = append(phases, p)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(label string, f func(p *phase) string) {
		fmt.Fprintf(tw, "%s\t", label)
		for _, p := range phases {
			fmt.Fprintf(tw, "%s\t", f(p))
		}
		fmt.Fprintln(tw)
	}
	base := r.baseline.stats
	row("", func(p *phase) string { return p.name })
	row("window", func(p *phase) string { return dur(p.stats.Window) })
	row("writes in flight", func(p *phase) string { return benchfmt.Thousands(int64(p.stats.Overlapping)) })
	row("writes/s", func(p *phase) string { return benchfmt.Thousands(int64(p.stats.PerSecond + 0.5)) })
	row("writes/s vs idle", func(p *phase) string { return ratio(p.stats.PerSecond, base.PerSecond) })
	row("p50 latency", func(p *phase) string { return dur(p.stats.P50) })
	row("p99 latency", func(p *phase) string { return dur(p.stats.P99) })
	row("p99 vs idle", func(p *phase) string { return ratio(p.stats.P99.Seconds(), base.P99.Seconds()) })
	row("max latency", func(p *phase) string { return dur(p.stats.Max) })
	row("longest gap between completions", func(p *phase) string { return dur(p.stats.MaxGap) })
	row("failed writes", func(p *phase) string { return strconv.Itoa(p.stats.Failed) })
	row("lock_timeout retries", func(p *phase) string { return strconv.Itoa(p.retries()) })
	if err := tw.Flush(); err != nil {
		return err
	}
	w.Printf("\nThe window of a change runs from its first statement to the end of its last; latencies are of\n" +
		"the writes in flight at some time in it (nearest-rank percentiles), writes/s counts the writes that\n" +
		"completed in it.\n")

	if cfg.sampleEvery > 0 {
		w.Printf("\nWait events, polled every %s from pg_stat_activity during each window (×samples; longest\n"+
			"run of consecutive polls of one backend); time on a CPU or in the client shows no event:\n", cfg.sampleEvery)
		for _, p := range phases {
			w.Printf("  %s, writers: %s\n", p.name, summarizeWaits(p.waits, r.writerPIDs, p.window, cfg.sampleEvery))
			if len(p.runs) > 0 {
				w.Printf("  %s, DDL: %s\n", p.name, summarizeWaits(p.waits, r.ddlPID, p.window, cfg.sampleEvery))
			}
		}
	}
	for _, p := range phases[1:] {
		w.Printf("\n%s, migration by migration:\n", p.name)
		statements(w, p, r)
	}
	for _, p := range phases {
		for _, err := range p.errs {
			w.Printf("%s: first failed write: %v\n", p.name, err)
		}
	}
	w.Printf("\nverdict:\n")
	verdict(w, r)
	return w.Err
}

// statements prints each migration of p with the writes that overlapped
// it, so a stall can be traced to the statement that caused it.
func statements(w *benchfmt.ErrWriter, p *phase, r *results) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  migration\ttook\ttries\twrites in flight\tp99\tmax write\tlongest writer wait\tstatements (lock_timeout / statement_timeout, took)")
	for i := range p.runs {
		m := &p.runs[i]
		st := summarize(p.samples, m.window())
		tries := m.attempts
		for _, s := range m.statements {
			tries = max(tries, s.attempts)
		}
		var sqls []string
		for _, s := range m.statements {
			sqls = append(sqls, fmt.Sprintf("%s (%s / %s, %s)", s.stmt.SQL, setting(s.stmt.LockTimeout), setting(s.stmt.StatementTimeout), dur(s.end-s.start)))
		}
		kind := ""
		if m.transactional {
			kind = " (tx)"
		}
		fmt.Fprintf(tw, "  %s%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", m.name, kind, dur(m.end-m.start), tries,
			benchfmt.Thousands(int64(st.Overlapping)), dur(st.P99), dur(st.Max),
			longestWait(summarizeWaits(p.waits, r.writerPIDs, m.window(), r.cfg.sampleEvery)), strings.Join(sqls, "; "))
	}
	_ = tw.Flush()
}

// longestWait names the event of the longest wait in ws, "-" for none.
func longestWait(ws waitStats) string {
	best, event := time.Duration(0), ""
	for e, d := range ws.Longest {
		if d > best || (d == best && e < event) {
			best, event = d, e
		}
	}
	if event == "" {
		return "-"
	}
	return event + " " + dur(best)
}

// verdict compares the figures with the targets.
func verdict(w *benchfmt.ErrWriter, r *results) {
	base := r.baseline.stats
	if p := r.online; p != nil {
		stall := max(p.stats.Max, p.stats.MaxGap)
		w.Printf("  (b) online: longest write stall %s (max latency %s, longest gap %s), target < %s: %s\n",
			dur(stall), dur(p.stats.Max), dur(p.stats.MaxGap), dur(targetStall), met(stall < targetStall))
		if r.cfg.sampleEvery > 0 {
			ws := summarizeWaits(p.waits, r.writerPIDs, p.window, r.cfg.sampleEvery)
			seen := "none seen"
			if n := ws.Count[tableLock]; n > 0 {
				seen = fmt.Sprintf("longest ≈ %s, seen in %d poll(s)", dur(ws.Longest[tableLock]), n)
			}
			w.Printf("  (b) online: writers waiting for a table lock (%s, the stall DDL causes): %s\n", tableLock, seen)
		}
		r99 := p.stats.P99.Seconds() / base.P99.Seconds()
		w.Printf("  (b) online: p99 %s = %.2f× the idle p99 %s, target ≤ %.0f×: %s\n",
			dur(p.stats.P99), r99, dur(base.P99), targetP99Ratio, met(r99 <= targetP99Ratio))
	}
	if p := r.naive; p != nil {
		took := p.window.length()
		share := p.stats.Max.Seconds() / took.Seconds()
		what := "stalls writes for the whole validation"
		if share < wholeShare {
			what = "does NOT stall writes for the whole validation"
		}
		w.Printf("  (a) naive: longest write stall %s = %.0f %% of the ALTER's %s: %s\n",
			dur(p.stats.Max), share*100, dur(took), what)
	}
	if r.naive != nil && r.online != nil {
		w.Printf("  longest write stall, naive / online: %s\n", ratio(r.naive.stats.Max.Seconds(), r.online.stats.Max.Seconds()))
	}
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// setting renders a statement's timeout as the plan gives it; "-" leaves
// the session's setting.
func setting(d *plan.Duration) string {
	if d == nil {
		return "-"
	}
	return d.String()
}

// dur renders a duration with three significant figures in a unit a
// reader compares at a glance.
func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
	case d >= 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
	default:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
	}
}

// ratio renders a/b as "1.23×", or "-" when b is 0.
func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64) + "×"
}
