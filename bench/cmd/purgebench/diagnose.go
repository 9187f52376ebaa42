package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/bench/internal/benchfmt"
)

// statement is one normalised statement of pg_stat_statements.
type statement struct {
	calls     int64
	total     time.Duration
	rows      int64
	query     string
	toplevel  bool
	mean, max time.Duration
}

// resetStatements clears pg_stat_statements before a contender runs.
func resetStatements(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, "SELECT pg_stat_statements_reset()"); err != nil {
		return fmt.Errorf("resetting pg_stat_statements: %w", err)
	}
	return nil
}

// readStatements returns the n statements of the current database that
// took the most time since the reset, nested ones (the RI triggers'
// queries) included.
func readStatements(ctx context.Context, conn *pgx.Conn, n int) ([]statement, error) {
	rows, err := conn.Query(ctx, `SELECT calls, total_exec_time, rows, query, toplevel, mean_exec_time, max_exec_time
FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND query NOT LIKE '%pg_stat_activity%' AND query NOT LIKE '%pg_stat_statements%'
ORDER BY total_exec_time DESC LIMIT $1`, n)
	if err != nil {
		return nil, fmt.Errorf("reading pg_stat_statements: %w", err)
	}
	var out []statement
	var s statement
	var total, mean, maxT float64
	if _, err := pgx.ForEachRow(rows, []any{&s.calls, &total, &s.rows, &s.query, &s.toplevel, &mean, &maxT}, func() error {
		s.total, s.mean, s.max = ms(total), ms(mean), ms(maxT)
		out = append(out, s)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("reading pg_stat_statements: %w", err)
	}
	return out, nil
}

func ms(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }

// printStatements prints a contender's top statements, one line each,
// the query shortened.
func printStatements(w *benchfmt.ErrWriter, name string, ss []statement) {
	w.Printf("\n%s, round 1, top statements by total time (pg_stat_statements, nested included; writer's too):\n", name)
	for _, s := range ss {
		level := "top"
		if !s.toplevel {
			level = "nested"
		}
		q := strings.Join(strings.Fields(s.query), " ")
		if len(q) > 160 {
			q = q[:157] + "..."
		}
		w.Printf("  %9s %8s calls %9s rows  mean %8s max %8s  %-6s %s\n", dur(s.total), benchfmt.Thousands(s.calls), benchfmt.Thousands(s.rows), dur(s.mean), dur(s.max), level, q)
	}
}

// worstWrite describes the writer's slowest transaction during the
// contender and the contender's transactions in flight meanwhile: what it
// waited behind.
func worstWrite(samples []sample, w window, txs []txSpan, seen []writerState, pids []uint32) string {
	var worst sample
	for _, s := range samples {
		if w.overlaps(s) && s.latency() > worst.latency() {
			worst = s
		}
	}
	if worst.latency() == 0 {
		return "none"
	}
	kinds := [txKinds]string{txComment: "comment + document", txProjectEvent: "event + project", txTaskItem: "task item + task",
		txVersion: "version", txResend: "invitation resend"}
	var meanwhile []string
	for _, t := range txs {
		if t.start < worst.end && t.end > worst.start {
			what := "read"
			if t.wrote {
				what = "write"
			}
			meanwhile = append(meanwhile, fmt.Sprintf("%s tx of %d statements, %s", what, t.statements, dur(t.length())))
		}
	}
	slices.SortStableFunc(meanwhile, func(a, b string) int { return cmp.Compare(a, b) })
	if len(meanwhile) > 4 {
		meanwhile = append(meanwhile[:4], fmt.Sprintf("%d more", len(meanwhile)-4))
	}
	states := map[string]int{}
	for _, st := range seen {
		if st.pid == pids[worst.writer] && st.at >= worst.start && st.at <= worst.end {
			what := st.state
			if st.wait != "" {
				what += " " + st.wait
			} else if st.state == "active" {
				what += " (on a CPU or waiting for one)"
			}
			states[what]++
		}
	}
	return fmt.Sprintf("%s, %s, %.0f ms into the run; its backend, polled: %s; the contender's transactions meanwhile: %s",
		kinds[worst.kind], dur(worst.latency()), float64(worst.start-w.from)/float64(time.Millisecond), topWaits(states, 4), strings.Join(meanwhile, "; "))
}

// topWaits renders the writers' most frequent wait events.
func topWaits(events map[string]int, n int) string {
	type ev struct {
		name  string
		polls int
	}
	var es []ev
	for k, v := range events {
		es = append(es, ev{k, v})
	}
	slices.SortFunc(es, func(a, b ev) int { return cmp.Or(cmp.Compare(b.polls, a.polls), cmp.Compare(a.name, b.name)) })
	var parts []string
	for _, e := range es[:min(n, len(es))] {
		parts = append(parts, fmt.Sprintf("%s ×%d", e.name, e.polls))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
