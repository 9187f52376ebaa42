package pgtemp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// crashEnv tells a re-executed test binary to act as the crashing owner of a
// server, in the mode named by its value.
const crashEnv = "PGTEMP_CRASH_CHILD"

// cleanupDeadline is how long the crash tests allow for cleanup ("within a
// few seconds"); normally it takes well under one.
const cleanupDeadline = 10 * time.Second

// TestCrashChild is not a test on its own: run in a child process by the
// crash tests, it starts a server, holds a session open on it, reports the
// postmaster pid and directory on stdout, then dies as the mode says.
func TestCrashChild(t *testing.T) {
	mode := os.Getenv(crashEnv)
	if mode == "" {
		t.Skip("helper process for the crash tests")
	}
	ctx := context.Background()
	s, err := Start(ctx, Options{})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(3)
	}
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(3)
	}
	_ = conn // a live backend that must die with the server
	if mode == "sigint-handler" {
		StopOnSignal(s)
	}
	fmt.Printf("READY %d %s\n", s.pm.cmd.Process.Pid, s.Dir())
	if mode == "panic" {
		go panic("crash test: simulated panic")
	}
	time.Sleep(2 * time.Minute)
	os.Exit(4) // the parent never killed us
}

// crashChild is a running TestCrashChild process.
type crashChild struct {
	cmd    *exec.Cmd
	pid    int    // its postmaster
	dir    string // its server directory
	stderr *bytes.Buffer
}

// startCrashChild runs TestCrashChild in mode, in a process group of its
// own (as a shell job would be), and waits for its server to be ready.
func startCrashChild(t *testing.T, mode string) *crashChild {
	t.Helper()
	if _, err := FindBinDir(""); err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), crashEnv+"="+mode)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr := &bytes.Buffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &crashChild{cmd: cmd, stderr: stderr}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var seen []string
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "READY ") {
				ready <- line
				return
			}
			seen = append(seen, line)
		}
		ready <- "EOF " + strings.Join(seen, "\n")
	}()
	select {
	case line := <-ready:
		f := strings.Fields(line)
		if f[0] != "READY" || len(f) != 3 {
			t.Fatalf("child did not start a server:\n%s\n%s", line, stderr)
		}
		c.pid, err = strconv.Atoi(f[1])
		if err != nil {
			t.Fatal(err)
		}
		c.dir = f[2]
	case <-time.After(time.Minute):
		t.Fatalf("child did not report a ready server within a minute:\n%s", stderr)
	}
	if !alive(c.pid) {
		t.Fatalf("postmaster %d reported but not running", c.pid)
	}
	if len(serverProcesses(c.dir)) < 2 {
		t.Fatalf("expected a postmaster and backends with cwd in %s, found %v", c.dir, serverProcesses(c.dir))
	}
	return c
}

// wait waits for the child to exit and returns how it ended.
func (c *crashChild) wait(t *testing.T) syscall.WaitStatus {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("waiting for child: %v", err)
		}
		return c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	case <-time.After(30 * time.Second):
		t.Fatalf("child did not exit")
	}
	panic("unreachable")
}

// assertCleanedUp polls until the postmaster, every process of the server
// (found by its working directory) and the directory are gone, and fails
// after within.
func assertCleanedUp(t *testing.T, c *crashChild, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		procs := serverProcesses(c.dir)
		_, statErr := os.Stat(c.dir)
		gone := !alive(c.pid) && len(procs) == 0 && errors.Is(statErr, os.ErrNotExist)
		if gone {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: postmaster %d alive=%v, server processes %v, directory stat: %v\nchild stderr:\n%s",
				within, c.pid, alive(c.pid), procs, statErr, c.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// serverProcesses returns the live processes whose working directory is in
// dir: the postmaster and all its backends and auxiliary processes run in
// the data directory, so this finds orphans whatever their parent.
func serverProcesses(dir string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || !strings.HasPrefix(cwd, dir+"/") && cwd != dir && !strings.HasPrefix(cwd, dir+" ") {
			continue
		}
		if alive(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func TestCleanupAfterSIGKILL(t *testing.T) {
	c := startCrashChild(t, "sleep")
	if err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if ws := c.wait(t); ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want SIGKILL", ws)
	}
	assertCleanedUp(t, c, cleanupDeadline)
}

func TestCleanupAfterPanic(t *testing.T) {
	c := startCrashChild(t, "panic")
	if ws := c.wait(t); ws.ExitStatus() != 2 {
		t.Fatalf("child ended with %v, want exit status 2 (panic)\n%s", ws, c.stderr)
	}
	if !strings.Contains(c.stderr.String(), "simulated panic") {
		t.Fatalf("child did not panic:\n%s", c.stderr)
	}
	assertCleanedUp(t, c, cleanupDeadline)
}

// TestCleanupAfterCtrlC sends SIGINT to the child's whole process group, as
// a terminal's Ctrl-C does, to a child that has no handler: it dies of the
// signal, and the server and watchdog, in sessions of their own, must not
// receive it, so the watchdog survives to clean up.
func TestCleanupAfterCtrlC(t *testing.T) {
	c := startCrashChild(t, "sleep")
	if err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if ws := c.wait(t); ws.Signal() != syscall.SIGINT {
		t.Fatalf("child ended with %v, want SIGINT", ws)
	}
	assertCleanedUp(t, c, cleanupDeadline)
}

// TestStopOnSignal checks that with StopOnSignal the server is already gone
// when the process dies of the signal, without waiting for the watchdog.
func TestStopOnSignal(t *testing.T) {
	c := startCrashChild(t, "sigint-handler")
	if err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if ws := c.wait(t); ws.Signal() != syscall.SIGINT {
		t.Fatalf("child ended with %v, want to die of the re-raised SIGINT\n%s", ws, c.stderr)
	}
	assertCleanedUp(t, c, 0)
}
