package verify

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
)

// dbState is everything a run must leave as it found it.
type dbState struct {
	Rows      map[string]int64
	Sequences map[string]string // last_value/is_called
	Prepared  int64
	// OpenTx counts other sessions of this database inside a transaction.
	OpenTx int64
}

// readState reads the state over a connection of its own.
func readState(t *testing.T, dsn string, snap *catalog.Snapshot) dbState {
	t.Helper()
	ctx := context.Background()
	conn := connect(t, dsn)
	defer conn.Close(ctx)
	s := dbState{Rows: map[string]int64{}, Sequences: map[string]string{}}
	for _, tb := range snap.Tables {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM ONLY "+tb.TableName().Quoted()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		s.Rows[tb.TableName().String()] = n
	}
	rows, err := conn.Query(ctx, `SELECT c.oid::regclass::text FROM pg_class c WHERE c.relkind = 'S'`)
	if err != nil {
		t.Fatal(err)
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(seqs) == 0 {
		t.Fatal("no sequences: the test would prove nothing about them")
	}
	for _, seq := range seqs {
		var last int64
		var called bool
		if err := conn.QueryRow(ctx, "SELECT last_value, is_called FROM "+seq).Scan(&last, &called); err != nil {
			t.Fatal(err)
		}
		s.Sequences[seq] = fmt.Sprintf("%d/%t", last, called)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_prepared_xacts`).Scan(&s.Prepared); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND (xact_start IS NOT NULL OR state LIKE 'idle in transaction%')`).Scan(&s.OpenTx); err != nil {
		t.Fatal(err)
	}
	return s
}

// seedExample gives the example real rows (and used sequences) for the
// canary rows to sit beside.
func seedExample(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	_, err := conn.Exec(context.Background(), `
WITH u AS (INSERT INTO users (email, display_name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B') RETURNING id),
     w AS (INSERT INTO workspaces (slug, name, owner_id) SELECT 'acme', 'Acme', min(id) FROM u RETURNING id, owner_id),
     p AS (INSERT INTO projects (workspace_id, key, name, created_by) SELECT id, 'APP', 'App', owner_id FROM w RETURNING id, created_by)
INSERT INTO issues (project_id, number, title, reporter_id) SELECT id, 1, 'Bug', created_by FROM p`)
	if err != nil {
		t.Fatal(err)
	}
}

// waitGone waits until the backend pid has left the server (a cancelled
// run's connection is closed by pgx; the server notices, rolls back and
// exits).
func waitGone(t *testing.T, dsn string, pid uint32) {
	t.Helper()
	ctx := context.Background()
	conn := connect(t, dsn)
	defer conn.Close(ctx)
	deadline := time.Now().Add(15 * time.Second)
	for {
		var alive bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)`, int32(pid)).Scan(&alive); err != nil {
			t.Fatal(err)
		}
		if !alive {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("backend %d still there 15s after the run was cancelled", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNothingPersists checks row counts, every sequence, prepared and open
// transactions after a passing run, a failing run, a run cancelled between
// statements and one cancelled in the middle of the DELETE.
func TestNothingPersists(t *testing.T) {
	dsn, conn, snap := applySet(t, schemaSets[0])
	seedExample(t, conn)
	g := build(t, snap, "users")
	want := readState(t, dsn, snap)
	check := func(t *testing.T, what string) {
		t.Helper()
		if diff := cmp.Diff(want, readState(t, dsn, snap)); diff != "" {
			t.Errorf("after %s the database changed (-before +after):\n%s", what, diff)
		}
	}

	t.Run("passing", func(t *testing.T) {
		rep := verify(t, conn, snap, g, Options{})
		if rep.Failed() || rep.Summary.Pass == 0 {
			t.Fatalf("summary %+v", rep.Summary)
		}
		if s := conn.PgConn().TxStatus(); s != 'I' {
			t.Errorf("connection left in transaction status %c", s)
		}
		check(t, "a passing run")
	})

	t.Run("failing", func(t *testing.T) {
		ctx := context.Background()
		if _, err := conn.Exec(ctx, `
CREATE FUNCTION keep_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER keep_sessions BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION keep_row();`); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = conn.Exec(context.Background(), `DROP TRIGGER keep_sessions ON sessions; DROP FUNCTION keep_row()`)
		})
		rep := verify(t, conn, snap, g, Options{})
		if r := find(t, rep, CheckEdge, "public.sessions", "fk_sessions_owner"); r.Status != StatusFail || r.Observed != "kept" {
			t.Errorf("a trigger keeps every session, yet the sessions check says %s, observed %q", r.Status, r.Observed)
		}
		check(t, "a failing run")
	})

	t.Run("cancelled between statements", func(t *testing.T) {
		c := connect(t, dsn)
		pid := c.PgConn().PID()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n := 0
		_, err := Run(ctx, c, snap, g, Options{OnTable: func(TableResult) {
			if n++; n == 5 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
		if !c.IsClosed() {
			if s := c.PgConn().TxStatus(); s != 'I' {
				t.Errorf("connection left in transaction status %c", s)
			}
			c.Close(context.Background())
		}
		waitGone(t, dsn, pid)
		check(t, "a cancelled run")
	})

	t.Run("cancelled during the DELETE", func(t *testing.T) {
		ctx := context.Background()
		// Every canary DELETE now spends most of its time asleep in a
		// trigger, so a cancel lands mid-statement.
		if _, err := conn.Exec(ctx, `
CREATE FUNCTION slow_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.4); RETURN OLD; END $$;
CREATE TRIGGER slow_users BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION slow_row();`); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = conn.Exec(context.Background(), `DROP TRIGGER slow_users ON users; DROP FUNCTION slow_row()`)
		})
		c := connect(t, dsn)
		pid := c.PgConn().PID()
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var once bool
		_, err := Run(ctx, c, snap, g, Options{OnTable: func(TableResult) {
			if !once {
				once = true
				time.AfterFunc(200*time.Millisecond, cancel)
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
		if !c.IsClosed() {
			t.Error("the connection is open: the cancel did not land mid-statement, so this case tested nothing new")
		}
		waitGone(t, dsn, pid)
		check(t, "a run cancelled mid-statement")
	})
}
