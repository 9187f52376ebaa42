package migrate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// writeDir writes files (name → content) into a new directory.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func addFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runner(t *testing.T, conn *pgx.Conn, dir string, opts RunOptions) *Runner {
	t.Helper()
	r, err := NewRunner(conn, load(t, dir, LayoutAuto), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func states(t *testing.T, r *Runner) string {
	t.Helper()
	st, err := r.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range st.Entries {
		out = append(out, e.Version+":"+string(e.State))
	}
	return strings.Join(out, " ")
}

func tableExists(t *testing.T, conn *pgx.Conn, name string) bool {
	t.Helper()
	var ok bool
	if err := conn.QueryRow(context.Background(), "SELECT to_regclass($1) IS NOT NULL", name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestRunnerUpIsIdempotent(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	dir := writeDir(t, map[string]string{
		"001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
		"002_posts.sql": "BEGIN;\nCREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\nCOMMIT;\n",
	})
	r := runner(t, conn, dir, RunOptions{})
	if got := states(t, r); got != "001:pending 002:pending" {
		t.Fatalf("before: %s", got)
	}
	res, err := r.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 2 || !res.Files[1].Transaction || res.Files[1].Statements != 1 {
		t.Fatalf("first up: %+v (a file's own BEGIN/COMMIT around everything is the runner's transaction)", res.Files)
	}
	if got := states(t, r); got != "001:applied 002:applied" {
		t.Fatalf("after: %s", got)
	}
	res, err = r.Up(ctx)
	if err != nil || len(res.Files) != 0 {
		t.Fatalf("second up ran %+v, %v", res, err)
	}
}

// TestRunnerTransactionalFailure: a failing statement leaves nothing of
// its file and no history row, and names file:line.
func TestRunnerTransactionalFailure(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	dir := writeDir(t, map[string]string{
		"001_a.sql": "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nSELECT 1/0;\n",
	})
	r := runner(t, conn, dir, RunOptions{})
	_, err := r.Up(ctx)
	var se *StatementError
	if !errors.As(err, &se) || se.Code != "22012" || !strings.Contains(err.Error(), "001_a.sql:3:") || !strings.Contains(err.Error(), "nothing of it is applied") {
		t.Fatalf("error %v", err)
	}
	if tableExists(t, conn, "a") || states(t, r) != "001:pending" {
		t.Fatalf("partial apply: table a exists=%v, %s", tableExists(t, conn, "a"), states(t, r))
	}
}

// TestRunnerAbsorbsInTransaction: a duplicate object is absorbed by a
// savepoint and the rest of the file still runs in its transaction;
// 23505 is never absorbed.
func TestRunnerAbsorbsInTransaction(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	if _, err := conn.Exec(ctx, "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE t (user_id int, CONSTRAINT t_fk FOREIGN KEY (user_id) REFERENCES users)"); err != nil {
		t.Fatal(err)
	}
	dir := writeDir(t, map[string]string{
		"001_again.sql": "ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (user_id) REFERENCES users;\nCREATE TABLE after_it (id int);\n",
	})
	var events []RunEvent
	r := runner(t, conn, dir, RunOptions{OnEvent: func(ev RunEvent) { events = append(events, ev) }})
	res, err := r.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || len(res.Files[0].Absorbed) != 1 || res.Files[0].Absorbed[0].Code != "42710" || res.Files[0].Absorbed[0].Line != 1 {
		t.Fatalf("absorbed: %+v", res.Files)
	}
	if !tableExists(t, conn, "after_it") {
		t.Fatal("the statement after the absorbed one did not run")
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT absorbed FROM ondelete_migrations WHERE version = '001'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("history absorbed = %d, %v", n, err)
	}
	found := false
	for _, ev := range events {
		found = found || (ev.Type == EventAbsorbed && strings.Contains(ev.Message, "001_again.sql:1:1: absorbed 42710"))
	}
	if !found {
		t.Errorf("no absorbed event with file and line: %+v", events)
	}
	if _, err := NewRunner(conn, load(t, dir, LayoutAuto), RunOptions{Absorb: []string{"23505"}}); err == nil {
		t.Error("23505 accepted as absorbable")
	}
}

// TestRunnerDirty: a statement that cannot run in a transaction makes the
// file run in autocommit; its failure marks the version dirty, Up refuses
// until force, and force lets the next migrations run.
func TestRunnerDirty(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	dir := writeDir(t, map[string]string{
		"001_t.sql":   "CREATE TABLE t (id int, v int);\nINSERT INTO t VALUES (1, 1), (1, 2);\n",
		"002_idx.sql": "CREATE INDEX CONCURRENTLY t_v_idx ON t (v);\nCREATE UNIQUE INDEX CONCURRENTLY t_id_key ON t (id);\n",
	})
	r := runner(t, conn, dir, RunOptions{})
	_, err := r.Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "002_idx.sql:2:") || !strings.Contains(err.Error(), "marked dirty") || !strings.Contains(err.Error(), "migrate force 002") {
		t.Fatalf("error %v", err)
	}
	if !tableExists(t, conn, "t_v_idx") {
		t.Fatal("the first statement of the non-transactional file did not stay applied")
	}
	if got := states(t, r); got != "001:applied 002:dirty" {
		t.Fatalf("states %s", got)
	}
	addFile(t, dir, "003_more.sql", "CREATE TABLE more (id int);\n")
	r = runner(t, conn, dir, RunOptions{})
	if _, err := r.Up(ctx); err == nil || !strings.Contains(err.Error(), "is dirty") {
		t.Fatalf("up over a dirty version: %v", err)
	}
	// The person fixes it by hand and forces the version.
	if _, err := conn.Exec(ctx, "DROP INDEX t_id_key; DELETE FROM t WHERE v = 2; CREATE UNIQUE INDEX t_id_key ON t (id)"); err != nil {
		t.Fatal(err)
	}
	if err := r.Force(ctx, "2"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if got := states(t, r); got != "001:applied 002:applied 003:applied" {
		t.Fatalf("states %s", got)
	}
}

func TestRunnerOutOfOrderModifiedMissing(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	dir := writeDir(t, map[string]string{
		"001_a.sql": "CREATE TABLE a (id int);\n",
		"003_c.sql": "CREATE TABLE c (id int);\n",
	})
	if _, err := runner(t, conn, dir, RunOptions{}).Up(ctx); err != nil {
		t.Fatal(err)
	}
	addFile(t, dir, "002_b.sql", "CREATE TABLE b (id int);\n")
	r := runner(t, conn, dir, RunOptions{})
	_, err := r.Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "002_b.sql") || !strings.Contains(err.Error(), "003_c.sql") || !strings.Contains(err.Error(), "--allow-out-of-order") {
		t.Fatalf("out of order: %v", err)
	}
	if tableExists(t, conn, "b") {
		t.Fatal("out-of-order file applied")
	}
	if _, err := runner(t, conn, dir, RunOptions{AllowOutOfOrder: true}).Up(ctx); err != nil || !tableExists(t, conn, "b") {
		t.Fatalf("allowed out of order: %v", err)
	}
	addFile(t, dir, "001_a.sql", "CREATE TABLE a (id int, changed int);\n")
	if err := os.Remove(filepath.Join(dir, "003_c.sql")); err != nil {
		t.Fatal(err)
	}
	if got := states(t, runner(t, conn, dir, RunOptions{})); got != "001:modified 002:applied 003:missing" {
		t.Fatalf("states %s", got)
	}
}

func TestRunnerDownAndRedo(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	dir := writeDir(t, map[string]string{
		"1_a.up.sql":   "CREATE TABLE a (id int);",
		"1_a.down.sql": "DROP TABLE a;",
		"2_b.up.sql":   "CREATE TABLE b (id int);",
		"2_b.down.sql": "DROP TABLE b;",
	})
	r := runner(t, conn, dir, RunOptions{})
	if _, err := r.Up(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := r.Redo(ctx)
	if err != nil || len(res.Files) != 2 || res.Files[0].Direction != "down" || res.Files[1].Direction != "up" || !tableExists(t, conn, "b") {
		t.Fatalf("redo: %+v, %v", res, err)
	}
	if _, err := r.Down(ctx, 3); err == nil || !strings.Contains(err.Error(), "only 2") {
		t.Fatalf("down 3: %v", err)
	}
	if _, err := r.Down(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if tableExists(t, conn, "a") || tableExists(t, conn, "b") || states(t, r) != "1:pending 2:pending" {
		t.Fatalf("after down 2: %s", states(t, r))
	}
	flat := writeDir(t, map[string]string{"001_a.sql": "CREATE TABLE fa (id int);"})
	fr := runner(t, conn, flat, RunOptions{History: History{Table: "flat_history"}})
	if _, err := fr.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := fr.Down(ctx, 1); err == nil || !strings.Contains(err.Error(), "no down migration") {
		t.Fatalf("flat down: %v", err)
	}
}

// TestRunnerLockTimeoutRetries: a DDL migration behind a long transaction
// gives up after the lock timeout, retries, and succeeds once the
// transaction ends; without retries left it names the blocking session.
func TestRunnerLockTimeoutRetries(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	if _, err := conn.Exec(ctx, "CREATE TABLE busy (id int)"); err != nil {
		t.Fatal(err)
	}
	cfg := conn.Config().Copy()
	cfg.RuntimeParams["application_name"] = "long-report"
	holder, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SELECT * FROM busy"); err != nil {
		t.Fatal(err)
	}
	dir := writeDir(t, map[string]string{"001_alter.sql": "ALTER TABLE busy ADD COLUMN v int;\n"})
	_, err = runner(t, conn, dir, RunOptions{LockTimeout: 100 * time.Millisecond}).Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "55P03") || !strings.Contains(err.Error(), `application_name "long-report"`) {
		t.Fatalf("without retries: %v", err)
	}
	go func() {
		time.Sleep(700 * time.Millisecond)
		_ = tx.Rollback(context.Background())
	}()
	res, err := runner(t, conn, dir, RunOptions{LockTimeout: 100 * time.Millisecond, LockRetries: 20, RetryBackoff: 50 * time.Millisecond}).Up(ctx)
	if err != nil || len(res.Files) != 1 || res.Files[0].Retries == 0 {
		t.Fatalf("with retries: %+v, %v", res, err)
	}
}

// TestRunnerStatementTimeoutAnnotation: the annotation sets the file's
// statement_timeout (here short enough to cut a sleep off).
func TestRunnerStatementTimeoutAnnotation(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	dir := writeDir(t, map[string]string{"001_slow.sql": "-- ondelete:statement_timeout=100ms\nSELECT pg_sleep(2);\n"})
	if _, err := runner(t, conn, dir, RunOptions{}).Up(ctx); err == nil || !strings.Contains(err.Error(), "57014") {
		t.Fatalf("want a statement timeout, got %v", err)
	}
	bad := writeDir(t, map[string]string{"001_bad.sql": "-- ondelete:statement_timeout=soon\nSELECT 1;\n"})
	if _, err := runner(t, conn, bad, RunOptions{}).Up(ctx); err == nil || !strings.Contains(err.Error(), "001_bad.sql") {
		t.Fatalf("bad annotation: %v", err)
	}
}

// TestRunnerConnectionKilled: pg_terminate_backend in the middle of a
// file gives a clear error, leaves nothing of the file, and the next up
// (on a new connection) finishes.
func TestRunnerConnectionKilled(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	dir := writeDir(t, map[string]string{
		"001_a.sql": "CREATE TABLE a (id int);\nSELECT pg_sleep(5);\nCREATE TABLE a2 (id int);\n",
	})
	killer, err := pgx.ConnectConfig(ctx, conn.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close(ctx)
	pid := conn.PgConn().PID()
	go func() {
		time.Sleep(500 * time.Millisecond)
		_, _ = killer.Exec(context.Background(), "SELECT pg_terminate_backend($1)", int64(pid))
	}()
	_, err = runner(t, conn, dir, RunOptions{}).Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "connection was lost") || !strings.Contains(err.Error(), "001_a.sql:2:") {
		t.Fatalf("error %v", err)
	}
	fresh, err := pgx.ConnectConfig(ctx, conn.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close(ctx)
	if tableExists(t, fresh, "a") {
		t.Fatal("part of the killed file stayed applied")
	}
	if _, err := runner(t, fresh, dir, RunOptions{}).Up(ctx); err != nil || !tableExists(t, fresh, "a2") {
		t.Fatalf("next up: %v", err)
	}
}

// TestRunnerSaysItWaits: a runner that finds the lock taken reports it
// is waiting, then fails naming the holder when its wait is over.
func TestRunnerSaysItWaits(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	dir := writeDir(t, map[string]string{"001_a.sql": "CREATE TABLE a (id int);\n"})
	other, err := pgx.ConnectConfig(ctx, conn.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	held := NewAdvisoryLock(other, History{}.Display(), time.Second)
	if err := held.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	var waited bool
	r := runner(t, conn, dir, RunOptions{LockWait: 1500 * time.Millisecond, OnEvent: func(ev RunEvent) { waited = waited || ev.Type == EventWaiting }})
	_, err = r.Up(ctx)
	var busy *LockBusyError
	if !errors.As(err, &busy) || !waited {
		t.Fatalf("waiting event %v, error %v", waited, err)
	}
	if err := held.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Up(ctx); err != nil || !tableExists(t, conn, "a") {
		t.Fatalf("after the holder let go: %v", err)
	}
}
