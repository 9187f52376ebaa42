package runnerproof

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/migrate"
)

// child is a runner process: this test binary re-executed as a runner
// (see childMain). Its stdout lines arrive on lines as they are printed.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // closed at the end of stdout
	mu    sync.Mutex
	got   []string     // every line so far
	errb  bytes.Buffer // stderr, read after wait
	start time.Time
}

// childOpts say how a runner process runs.
type childOpts struct {
	locking migrate.Locking
	// barrier: connect, print "ready" and wait for release before running.
	barrier bool
	// pause after each file (see childPauseEnv).
	pause time.Duration
	// check is client_connection_check_interval (see childCheckEnv).
	check time.Duration
}

// startChild starts a runner of dir on dsn.
func startChild(t *testing.T, dsn, dir string, o childOpts) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", childDSNEnv+"="+dsn, childDirEnv+"="+dir, childLockingEnv+"="+string(o.locking))
	if o.barrier {
		cmd.Env = append(cmd.Env, childBarrierEnv+"=1")
	}
	if o.pause > 0 {
		cmd.Env = append(cmd.Env, childPauseEnv+"="+o.pause.String())
	}
	if o.check > 0 {
		cmd.Env = append(cmd.Env, childCheckEnv+"="+strconv.FormatInt(o.check.Milliseconds(), 10))
	}
	c := &child{cmd: cmd, lines: make(chan string, 256)}
	cmd.Stderr = &c.errb
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.stdin = stdin
	c.start = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			c.mu.Lock()
			c.got = append(c.got, sc.Text())
			c.mu.Unlock()
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	t.Cleanup(func() {
		// A failed test must not leave runners behind.
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_, _ = c.wait()
		}
	})
	return c
}

// await reads lines until one equals want; false when stdout ended first
// or the timeout passed.
func (c *child) await(want string, timeout time.Duration) bool {
	tm := time.NewTimer(timeout)
	defer tm.Stop()
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				return false
			}
			if line == want {
				return true
			}
		case <-tm.C:
			return false
		}
	}
}

// release lets a runner waiting at the barrier go.
func (c *child) release() error { return c.stdin.Close() }

// kill sends SIGKILL (os.Process.Kill on Unix): no deferred function, no
// unlock, no goodbye to the server runs.
func (c *child) kill() { _ = c.cmd.Process.Kill() }

// wait drains stdout, reaps the process and returns every line it printed
// and how it ended.
func (c *child) wait() ([]string, error) {
	for range c.lines {
	}
	err := c.cmd.Wait()
	_ = c.stdin.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got, err
}

// result parses the RunResult a runner printed last.
func result(lines []string) (*migrate.RunResult, error) {
	for i := len(lines) - 1; i >= 0; i-- {
		if rest, ok := strings.CutPrefix(lines[i], "result "); ok {
			var res migrate.RunResult
			if err := json.Unmarshal([]byte(rest), &res); err != nil {
				return nil, err
			}
			return &res, nil
		}
	}
	return nil, errors.New("no result line")
}

// connect opens a connection for the test itself, closed at cleanup.
func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// newRunner loads dir and prepares a runner on conn.
func newRunner(t *testing.T, conn *pgx.Conn, dir string, opts migrate.RunOptions) *migrate.Runner {
	t.Helper()
	d, err := migrate.Load(dir, migrate.LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	r, err := migrate.NewRunner(conn, d, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// testCtx bounds a test.
func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
