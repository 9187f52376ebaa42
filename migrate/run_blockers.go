package migrate

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// blockerWatch finds out who holds the lock a migration statement waits
// for, so a lock timeout can name the blocking session. The wait is over
// when the timeout fires, so the watch looks while the statement still
// waits: from half the lock timeout on, on a connection of its own.
type blockerWatch struct {
	cfg  *pgx.ConnConfig
	mu   sync.Mutex
	conn *pgx.Conn // opened on first need, closed by close
	last string    // the blockers seen last, for messages
}

// watched runs st on conn; with a lock timeout set, a goroutine notes the
// sessions blocking it if it is still running at half the timeout.
func (r *Runner) watched(ctx context.Context, conn *pgx.Conn, st *Statement) (pgconn.CommandTag, error) {
	if r.opts.LockTimeout <= 0 {
		return conn.Exec(ctx, st.SQL)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.block.watch(ctx, conn.PgConn().PID(), max(r.opts.LockTimeout/2, 20*time.Millisecond), done)
	}()
	tag, err := conn.Exec(ctx, st.SQL)
	close(done)
	wg.Wait()
	return tag, err
}

func (w *blockerWatch) watch(ctx context.Context, pid uint32, delay time.Duration, done <-chan struct{}) {
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if b := w.query(ctx, pid); b != "" {
			w.mu.Lock()
			w.last = b
			w.mu.Unlock()
		}
		t.Reset(max(delay/2, 10*time.Millisecond))
	}
}

// query describes the sessions blocking pid, "" when none or on error
// (the watch is best effort: it never fails a migration).
func (w *blockerWatch) query(ctx context.Context, pid uint32) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil || w.conn.IsClosed() {
		c, err := pgx.ConnectConfig(ctx, w.cfg.Copy())
		if err != nil {
			return ""
		}
		w.conn = c
	}
	rows, err := w.conn.Query(ctx, `SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''),
	coalesce(to_char(a.xact_start, 'HH24:MI:SS'), ''), left(coalesce(a.query, ''), 60)
FROM pg_catalog.pg_stat_activity a WHERE a.pid = ANY (pg_catalog.pg_blocking_pids($1)) ORDER BY a.pid`, int64(pid))
	if err != nil {
		return ""
	}
	var out []string
	for rows.Next() {
		var p int64
		var app, state, since, query string
		if rows.Scan(&p, &app, &state, &since, &query) != nil {
			continue
		}
		s := fmt.Sprintf("pid %d, application_name %q, %s", p, app, state)
		if since != "" {
			s += " since " + since
		}
		if query != "" {
			s += fmt.Sprintf(", last query %q", strings.Join(strings.Fields(query), " "))
		}
		out = append(out, s)
	}
	rows.Close()
	return strings.Join(out, "; ")
}

// describe is " (blocked by ...)" when blockers were seen, else "".
func (w *blockerWatch) describe() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.last == "" {
		return ""
	}
	return " (blocked by " + w.last + ")"
}

// close ends the watch's connection.
func (w *blockerWatch) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = w.conn.Close(ctx)
		w.conn = nil
	}
}
