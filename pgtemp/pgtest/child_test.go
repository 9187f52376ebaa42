package pgtest

import (
	"bufio"
	"bytes"
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

	"github.com/ondelete/ondelete/pgtemp"
)

// childEnv makes a re-executed test binary run TestChild in the mode named
// by its value.
const childEnv = "PGTEST_CHILD"

// TestChild is not a test on its own: it is the body of the child processes
// the tests below start, to observe NewDB and Main from outside.
func TestChild(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		t.Skip("helper process for the pgtest process tests")
	}
	NewDB(t)
	fmt.Printf("READY %s\n", shared.server.Dir())
	if mode == "hold" {
		time.Sleep(2 * time.Minute)
		t.Fatal("the parent never interrupted us")
	}
}

// runChild starts the test binary with TestChild in mode, in its own process
// group, with env added to ours (minus ONDELETE_TEST_DSN and CI).
func runChild(t *testing.T, mode string, env ...string) (*exec.Cmd, *bytes.Buffer, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, DSNEnv+"=") && !strings.HasPrefix(kv, "CI=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, childEnv+"="+mode)
	cmd.Env = append(cmd.Env, env...)
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
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	return cmd, stderr, bufio.NewScanner(out)
}

// readServerDir reads the child's stdout up to READY and returns the server
// directory it reports, and the postmaster pid from its postmaster.pid.
func readServerDir(t *testing.T, sc *bufio.Scanner, stderr *bytes.Buffer) (string, int) {
	t.Helper()
	var seen []string
	for sc.Scan() {
		if dir, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
			b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
			if err != nil {
				t.Fatal(err)
			}
			pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
			if err != nil {
				t.Fatal(err)
			}
			return dir, pid
		}
		seen = append(seen, sc.Text())
	}
	t.Fatalf("child reported no server:\n%s\n%s", strings.Join(seen, "\n"), stderr)
	return "", 0
}

// assertGone fails unless pid has exited and dir is removed, right now: Main
// must have cleaned up before the child exited.
func assertGone(t *testing.T, pid int, dir string) {
	t.Helper()
	if err := syscall.Kill(pid, 0); err == nil && !zombie(pid) {
		t.Errorf("postmaster %d still running after the test binary exited", pid)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("server directory %s still there after the test binary exited (stat: %v)", dir, err)
	}
}

// zombie reports whether pid has exited but not been reaped.
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

func skipWithoutBinaries(t *testing.T) {
	t.Helper()
	if os.Getenv(DSNEnv) != "" {
		t.Skip("runs its own server; not with " + DSNEnv)
	}
	if _, err := pgtemp.FindBinDir(""); err != nil {
		t.Skip(err)
	}
}

func TestMainStopsServerAtExit(t *testing.T) {
	skipWithoutBinaries(t)
	cmd, stderr, sc := runChild(t, "finish")
	dir, pid := readServerDir(t, sc, stderr)
	for sc.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child failed: %v\n%s", err, stderr)
	}
	assertGone(t, pid, dir)
}

func TestMainStopsServerOnInterrupt(t *testing.T) {
	skipWithoutBinaries(t)
	cmd, stderr, sc := runChild(t, "hold")
	dir, pid := readServerDir(t, sc, stderr)
	// As a terminal's Ctrl-C: the whole foreground process group.
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signal() != syscall.SIGINT {
		t.Errorf("child ended with %v, want to die of SIGINT\n%s", ws, stderr)
	}
	assertGone(t, pid, dir)
}

func TestNoBinaries(t *testing.T) {
	want := (&pgtemp.NotFoundError{}).Error()
	for _, tc := range []struct {
		ci       string
		verdict  string
		exitCode int
	}{
		{"", "--- SKIP: TestChild", 0},
		{"true", "--- FAIL: TestChild", 1},
	} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			cmd, stderr, sc := runChild(t, "nobin", "PG_BIN="+t.TempDir(), "CI="+tc.ci)
			var out strings.Builder
			for sc.Scan() {
				out.WriteString(sc.Text() + "\n")
			}
			_ = cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != tc.exitCode {
				t.Errorf("exit code %d, want %d\n%s%s", code, tc.exitCode, &out, stderr)
			}
			if !strings.Contains(out.String(), tc.verdict) || !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q and the one-line hint:\n%s", tc.verdict, &out)
			}
		})
	}
}
