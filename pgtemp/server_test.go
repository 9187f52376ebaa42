package pgtemp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"regexp"
	"runtime"
	"strings"
	"syscall"
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

func TestStartRetriesOnPortClash(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	clashes := 0
	pickPort = func() (int, error) {
		if clashes < 2 {
			clashes++
			return taken.Addr().(*net.TCPAddr).Port, nil
		}
		return freePort()
	}
	t.Cleanup(func() { pickPort = freePort })

	s := startOrSkip(t, Options{})
	if clashes != 2 || s.Port() == taken.Addr().(*net.TCPAddr).Port {
		t.Fatalf("clashes=%d port=%d: the clashing port was not retried", clashes, s.Port())
	}
	log, err := os.ReadFile(s.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	if !portClash(string(log)) {
		t.Errorf("server log does not show the clash:\n%s", log)
	}
}

func TestStartFailureReportsLogAndCleansUp(t *testing.T) {
	if _, err := FindBinDir(""); err != nil {
		t.Skip(err)
	}
	_, err := Start(context.Background(), Options{Settings: map[string]string{"max_connections": "-5"}})
	if err == nil {
		t.Fatal("Start succeeded with an invalid setting")
	}
	if !strings.Contains(err.Error(), `"max_connections"`) || !strings.Contains(err.Error(), "postgres.log") {
		t.Errorf("error does not carry the server log tail:\n%v", err)
	}
	m := regexp.MustCompile(`(\S+/pgtemp-[^/\s]+)/postgres\.log`).FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error does not name the server directory:\n%v", err)
	}
	if _, statErr := os.Stat(m[1]); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("failed Start left %s (stat: %v)", m[1], statErr)
	}
}

func TestStartTimeout(t *testing.T) {
	if _, err := FindBinDir(""); err != nil {
		t.Skip(err)
	}
	_, err := Start(context.Background(), Options{StartTimeout: time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want a timeout", err)
	}
	if _, err := Start(context.Background(), Options{StartTimeout: -time.Second}); err == nil {
		t.Error("negative StartTimeout accepted")
	}
}

func TestRunsAsPostgresWhenRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only meaningful as root")
	}
	s := startOrSkip(t, Options{})
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pm.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) == 5 && f[0] == "Uid:" {
			for _, id := range f[1:] {
				if id != u.Uid {
					t.Errorf("postmaster runs with %s, want uid %s throughout", line, u.Uid)
				}
			}
			return
		}
	}
	t.Fatal("no Uid line in /proc status")
}

// TestSurvivesStartingThreadExit starts the server from a goroutine locked to
// its OS thread that then exits, which terminates the thread: the server
// must not take that for its parent's death (Pdeathsig is per thread).
func TestSurvivesStartingThreadExit(t *testing.T) {
	if _, err := FindBinDir(""); err != nil {
		t.Skip(err)
	}
	// The main thread is never terminated, so a goroutine that lands on it
	// keeps it locked (out of the way) until the test ends, and we retry.
	release := make(chan struct{})
	defer close(release)
	got := make(chan *Server, 1)
	for started := false; !started; {
		onMain := make(chan bool)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread exits with us
			if syscall.Gettid() == syscall.Getpid() {
				onMain <- true
				<-release
				return
			}
			onMain <- false
			s, err := Start(context.Background(), Options{})
			if err != nil {
				t.Error(err)
			}
			got <- s
		}()
		started = !<-onMain
	}
	s := <-got
	if s == nil {
		t.FailNow()
	}
	t.Cleanup(func() { _ = s.Stop() })
	time.Sleep(500 * time.Millisecond)
	conn, err := pgx.Connect(context.Background(), s.DSN("postgres"))
	if err != nil {
		t.Fatalf("server died with the thread that started it: %v\n%s", err, logTail(s.LogPath(), 0))
	}
	conn.Close(context.Background())
}
