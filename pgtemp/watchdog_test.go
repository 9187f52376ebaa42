package pgtemp

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// fakeServer creates dir/data/postmaster.pid naming pidInFile and starts a
// stand-in postmaster (sleep) that is reaped as soon as it dies, as a real
// orphaned postmaster would be by init.
func fakeServer(t *testing.T, pidInFile func(sleepPid int) int) (dir string, sleeper *exec.Cmd, exited chan struct{}) {
	t.Helper()
	dir = t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	sleeper = exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	exited = make(chan struct{})
	go func() { _ = sleeper.Wait(); close(exited) }()
	t.Cleanup(func() { _ = sleeper.Process.Kill(); <-exited })
	content := strconv.Itoa(pidInFile(sleeper.Process.Pid)) + "\n" + filepath.Join(dir, "data") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "data", "postmaster.pid"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, sleeper, exited
}

func TestWatchdogStopsServerAndRemovesDir(t *testing.T) {
	dir, sleeper, exited := fakeServer(t, func(pid int) int { return pid })
	dog, err := startWatchdog(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := dog.watch(sleeper.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if err := dog.trigger(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Fatal("watchdog did not stop the postmaster")
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("watchdog left %s (stat: %v)", dir, err)
	}
}

// TestWatchdogSparesOtherPid covers pid reuse: when postmaster.pid no longer
// names the pid the watchdog was given, that pid belongs to someone else now
// and must not be signalled; the directory is still removed.
func TestWatchdogSparesOtherPid(t *testing.T) {
	dir, sleeper, exited := fakeServer(t, func(pid int) int { return pid + 100000 })
	dog, err := startWatchdog(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := dog.watch(sleeper.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if err := dog.trigger(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		t.Fatal("watchdog signalled a process that postmaster.pid does not name")
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("watchdog left %s (stat: %v)", dir, err)
	}
}

func TestWatchdogDisarm(t *testing.T) {
	dir, sleeper, exited := fakeServer(t, func(pid int) int { return pid })
	dog, err := startWatchdog(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := dog.watch(sleeper.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if err := dog.disarm(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		t.Fatal("disarmed watchdog stopped the postmaster")
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("disarmed watchdog removed %s: %v", dir, err)
	}
}
