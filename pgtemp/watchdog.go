package pgtemp

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// watchdogScript runs in a shell of its own session with our pipe on stdin.
// It reads commands ("pid N" names the postmaster, "disarm" means Stop has
// cleaned up) until EOF, which the kernel delivers however this process ends,
// SIGKILL included. On EOF it stops the postmaster with SIGQUIT (immediate
// shutdown), waits up to 10s, kills the process group if needed, and
// deletes the directory ($1).
//
// The postmaster is signalled only while $1/data/postmaster.pid still names
// it, so a recycled pid is never hit; the same check ends the wait, because
// a reparented postmaster may linger as a zombie that kill -0 still sees.
const watchdogScript = `
dir=$1
pidfile="$dir/data/postmaster.pid"
pid=
while read -r cmd arg; do
	case $cmd in
	pid) pid=$arg ;;
	disarm) exit 0 ;;
	esac
done
owns() { [ -n "$pid" ] && [ -f "$pidfile" ] && [ "$(head -n 1 "$pidfile" 2>/dev/null)" = "$pid" ]; }
if owns; then
	kill -QUIT "$pid" 2>/dev/null
	i=0
	while owns && kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -ge 100 ]; then
			kill -KILL -- "-$pid" 2>/dev/null
			break
		fi
		sleep 0.1
	done
fi
rm -rf -- "$dir"
`

// watchdog is the process that cleans up after us if we die without Stop.
type watchdog struct {
	cmd  *exec.Cmd
	pipe *os.File // write end; closing it (or dying) triggers cleanup
}

// startWatchdog starts the watchdog for dir. It must run before anything is
// put in dir, so that every later failure is covered. The watchdog runs as
// ourselves (root can signal the postgres user's processes; a non-root user
// runs the server as itself).
func startWatchdog(dir string) (*watchdog, error) {
	r, w, err := os.Pipe() // O_CLOEXEC: no other child inherits the write end
	if err != nil {
		return nil, fmt.Errorf("creating watchdog pipe: %w", err)
	}
	cmd := exec.Command("/bin/sh", "-c", watchdogScript, "pgtemp-watchdog", dir)
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("starting watchdog: %w", err)
	}
	r.Close()
	return &watchdog{cmd: cmd, pipe: w}, nil
}

// watch tells the watchdog which postmaster to stop if we die.
func (w *watchdog) watch(pid int) error {
	if _, err := fmt.Fprintf(w.pipe, "pid %d\n", pid); err != nil {
		return fmt.Errorf("telling watchdog the postmaster pid: %w", err)
	}
	return nil
}

// disarm ends the watchdog without it touching anything; called by Stop after
// Stop has cleaned up itself.
func (w *watchdog) disarm() error {
	_, werr := io.WriteString(w.pipe, "disarm\n")
	w.pipe.Close()
	done := make(chan error, 1)
	go func() { done <- w.cmd.Wait() }()
	select {
	case err := <-done:
		if werr != nil {
			return fmt.Errorf("disarming watchdog: %w", werr)
		}
		if err != nil {
			return fmt.Errorf("waiting for watchdog: %w", err)
		}
		return nil
	case <-time.After(15 * time.Second):
		_ = w.cmd.Process.Kill()
		return fmt.Errorf("watchdog did not exit after disarm")
	}
}

// trigger closes the pipe as our death would, so the watchdog cleans up;
// used when Start fails half-way. It waits for the cleanup to finish.
func (w *watchdog) trigger() error {
	w.pipe.Close()
	if err := w.cmd.Wait(); err != nil {
		return fmt.Errorf("waiting for watchdog cleanup: %w", err)
	}
	return nil
}
