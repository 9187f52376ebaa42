package main

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// txSpan is one transaction of the contender's connection, as its client
// saw it: from sending its first statement to receiving its end.
type txSpan struct {
	start, end time.Duration
	// wrote is set when a statement of it inserted, updated or deleted.
	wrote      bool
	statements int
}

func (s txSpan) length() time.Duration { return s.end - s.start }

// txTracer times the transactions of the contender's connections on the client,
// independently of what the contender reports: it is installed as the
// connection's pgx tracer, and after every statement, batch or copy it
// reads the transaction status that the server's ReadyForQuery carried.
// Idle before and after is a transaction of its own (autocommit); idle
// before and in a transaction after opens one; in one before and idle
// after closes it. Statements sent through the raw pgconn.PgConn bypass
// it; the server-side sampler sees those.
type txTracer struct {
	now func() time.Duration

	mu    sync.Mutex
	conns map[*pgx.Conn]*connTx
	spans []txSpan
}

// connTx is the state of one connection the tracer follows.
type connTx struct {
	started  time.Duration // when the statement in flight was sent
	batchW   bool          // a statement of the batch in flight wrote
	open     bool
	openedAt time.Duration
	wrote    bool
	stmts    int
}

// of returns conn's state; t.mu must be held.
func (t *txTracer) of(conn *pgx.Conn) *connTx {
	if t.conns == nil {
		t.conns = map[*pgx.Conn]*connTx{}
	}
	c := t.conns[conn]
	if c == nil {
		c = &connTx{}
		t.conns[conn] = c
	}
	return c
}

var (
	_ pgx.QueryTracer    = (*txTracer)(nil)
	_ pgx.BatchTracer    = (*txTracer)(nil)
	_ pgx.CopyFromTracer = (*txTracer)(nil)
)

func (t *txTracer) begin(conn *pgx.Conn) {
	t.mu.Lock()
	c := t.of(conn)
	c.started = t.now()
	c.batchW = false
	t.mu.Unlock()
}

// end accounts for the statement (or batch) that just returned on conn.
func (t *txTracer) end(conn *pgx.Conn, wrote bool) {
	status := conn.PgConn().TxStatus()
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.of(conn)
	if !c.open {
		c.openedAt, c.wrote, c.stmts = c.started, false, 0
	}
	c.open = true
	c.wrote = c.wrote || wrote
	c.stmts++
	if status == 'I' {
		t.spans = append(t.spans, txSpan{start: c.openedAt, end: now, wrote: c.wrote, statements: c.stmts})
		c.open = false
	}
}

// take returns the transactions ended since the last call and forgets
// them.
func (t *txTracer) take() []txSpan {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.spans
	t.spans = nil
	return s
}

// writes reports whether a command tag is of a statement that changed
// rows.
func writes(tag pgconn.CommandTag) bool {
	s := tag.String()
	return tag.Insert() || tag.Update() || tag.Delete() || strings.HasPrefix(s, "MERGE") || strings.HasPrefix(s, "COPY")
}

func (t *txTracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	t.begin(conn)
	return ctx
}

func (t *txTracer) TraceQueryEnd(_ context.Context, conn *pgx.Conn, data pgx.TraceQueryEndData) {
	t.end(conn, writes(data.CommandTag))
}

func (t *txTracer) TraceBatchStart(ctx context.Context, conn *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	t.begin(conn)
	return ctx
}

func (t *txTracer) TraceBatchQuery(_ context.Context, conn *pgx.Conn, data pgx.TraceBatchQueryData) {
	if writes(data.CommandTag) {
		t.mu.Lock()
		t.of(conn).batchW = true
		t.mu.Unlock()
	}
}

func (t *txTracer) TraceBatchEnd(_ context.Context, conn *pgx.Conn, _ pgx.TraceBatchEndData) {
	t.mu.Lock()
	w := t.of(conn).batchW
	t.mu.Unlock()
	t.end(conn, w)
}

func (t *txTracer) TraceCopyFromStart(ctx context.Context, conn *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	t.begin(conn)
	return ctx
}

func (t *txTracer) TraceCopyFromEnd(_ context.Context, conn *pgx.Conn, _ pgx.TraceCopyFromEndData) {
	t.end(conn, true)
}
