package main

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// TestTxTracer checks that the tracer splits a connection's traffic into
// the transactions the server saw: autocommit statements, explicit
// transactions, implicit batch transactions, failed ones.
func TestTxTracer(t *testing.T) {
	ctx := context.Background()
	cc, err := pgx.ParseConfig(pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	origin := time.Now()
	tr := &txTracer{now: func() time.Duration { return time.Since(origin) }}
	cc.Tracer = tr
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	tr.take()

	// 1: an autocommit read.
	if _, err := conn.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	// 2: an explicit transaction of three statements and its commit,
	// held open for 50 ms.
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM t").Scan(new(int)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// 3: a batch, one implicit transaction.
	b := &pgx.Batch{}
	b.Queue("INSERT INTO t VALUES (2)")
	b.Queue("SELECT 1")
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	// 4: a failed transaction, rolled back.
	tx, err = conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO t VALUES (1)"); err == nil {
		t.Fatal("duplicate insert succeeded")
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// 5: an autocommit write.
	if _, err := conn.Exec(ctx, "DELETE FROM t WHERE id = 2"); err != nil {
		t.Fatal(err)
	}

	spans := tr.take()
	want := []struct {
		statements int
		wrote      bool
	}{{1, false}, {4, true}, {1, true}, {3, false}, {1, true}}
	if len(spans) != len(want) {
		t.Fatalf("got %d transactions, want %d: %+v", len(spans), len(want), spans)
	}
	for i, w := range want {
		if s := spans[i]; s.statements != w.statements || s.wrote != w.wrote {
			t.Errorf("transaction %d: %d statements, wrote %v; want %d, %v", i+1, s.statements, s.wrote, w.statements, w.wrote)
		}
	}
	if l := spans[1].length(); l < 50*time.Millisecond || l > 2*time.Second {
		t.Errorf("the explicit transaction took %s, want at least the 50 ms it was held open", l)
	}
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			t.Errorf("transaction %d starts before transaction %d ends", i+1, i)
		}
	}
}
