package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ondelete/ondelete/pgtemp"
)

// DSNEnv names the environment variable that points tests at an existing
// server instead of a throwaway one.
const DSNEnv = "ONDELETE_TEST_DSN"

// dbTimeout bounds creating or dropping one test database.
const dbTimeout = 30 * time.Second

// shared is the per-test-binary server, started on first use.
var shared struct {
	mu      sync.Mutex
	started bool
	server  *pgtemp.Server
	err     error
	release func()
}

// Main runs the tests of m and exits with their status. It always stops the
// shared server first, and stops it on SIGINT/SIGTERM/SIGHUP too, so even an
// interrupted `go test` leaves no server or directory behind (the pgtemp
// watchdog covers panics and SIGKILL). Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if err := stopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// NewDB creates an empty database for t and returns its DSN (a postgres://
// URL or, with ONDELETE_TEST_DSN in keyword/value form, a keyword/value
// string); it is dropped when t ends. Without server binaries the test is
// skipped, or failed under CI=true.
func NewDB(t testing.TB) string {
	t.Helper()
	admin, err := adminDSN()
	if err != nil {
		var nf *pgtemp.NotFoundError
		if errors.As(err, &nf) {
			if os.Getenv("CI") == "true" {
				t.Fatal(nf.Error())
			}
			t.Skip(nf.Error())
		}
		t.Fatalf("pgtest: %v", err)
	}
	name := dbName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
	defer cancel()
	dsn, err := pgtemp.CreateDatabaseAt(ctx, admin, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
		defer cancel()
		if err := pgtemp.DropDatabaseAt(ctx, admin, name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return dsn
}

// adminDSN returns the DSN of the server tests run on: ONDELETE_TEST_DSN if
// set, else the shared throwaway server, started now if need be. A start
// failure is remembered so that later tests fail fast with the same error.
func adminDSN() (string, error) {
	if dsn := os.Getenv(DSNEnv); dsn != "" {
		return dsn, nil
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.started {
		shared.started = true
		s, err := pgtemp.Start(context.Background(), pgtemp.Options{})
		if err != nil {
			shared.err = err
		} else {
			shared.server = s
			shared.release = pgtemp.StopOnSignal(s)
		}
	}
	if shared.err != nil {
		return "", shared.err
	}
	return shared.server.DSN("postgres"), nil
}

// stopShared stops the shared server if one was started.
func stopShared() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.server == nil {
		return nil
	}
	shared.release()
	return shared.server.Stop()
}

// dbName builds a unique database name from the test name: readable in the
// server log, unique across test binaries sharing ONDELETE_TEST_DSN thanks
// to the random suffix, and within PostgreSQL's 63-byte limit.
func dbName(testName string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(testName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	return "t_" + b.String() + "_" + hex.EncodeToString(rnd[:])
}
