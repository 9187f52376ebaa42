package pgtemp

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// startOrSkip starts a server for one test, skipping when the binaries are
// missing (failing under CI=true), and stops it on cleanup.
func startOrSkip(t *testing.T, opts Options) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Start(ctx, opts)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return s
}

func TestStartCreateDatabaseStop(t *testing.T) {
	ctx := context.Background()
	s := startOrSkip(t, Options{})

	dsn, err := s.CreateDatabase(ctx, `Mixed "Case" db`)
	if err != nil {
		t.Fatalf("CreateDatabase: %v", err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to %s: %v", dsn, err)
	}
	var db, enc, collate string
	var fsync string
	err = conn.QueryRow(ctx, `SELECT current_database(), pg_encoding_to_char(encoding), datcollate, current_setting('fsync')
		FROM pg_database WHERE datname = current_database()`).Scan(&db, &enc, &collate, &fsync)
	if err != nil {
		t.Fatalf("querying: %v", err)
	}
	if db != `Mixed "Case" db` || enc != "UTF8" || collate != "C" || fsync != "off" {
		t.Errorf("got db=%q encoding=%q collate=%q fsync=%q", db, enc, collate, fsync)
	}
	// A connection left open must not block the drop.
	if err := s.DropDatabase(ctx, `Mixed "Case" db`); err != nil {
		t.Fatalf("DropDatabase with an open session: %v", err)
	}
	conn.Close(ctx)

	dir := s.Dir()
	pid := s.pm.cmd.Process.Pid
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("directory %s still there after Stop (stat: %v)", dir, err)
	}
	if alive(pid) {
		t.Errorf("postmaster %d still running after Stop", pid)
	}
}
