package pgtemp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// portAttempts bounds retries when the free port we picked is taken by
// someone else before the server binds it.
const portAttempts = 5

// defaultSettings trade durability for speed (the cluster is discarded) and
// keep the server small; max_connections leaves room for tests that hold
// several connections each, in parallel.
var defaultSettings = [][2]string{
	{"fsync", "off"},
	{"synchronous_commit", "off"},
	{"full_page_writes", "off"},
	{"max_connections", "100"},
	{"shared_buffers", "32MB"},
	{"logging_collector", "off"},
	{"unix_socket_permissions", "0700"},
}

// errPortInUse marks a start that failed only because the port was taken.
var errPortInUse = errors.New("port already in use")

// postmasterConfig is what startPostmaster needs from Start.
type postmasterConfig struct {
	binDir, dataDir, dir, logPath string
	owner                         *owner
	settings                      map[string]string
	dog                           *watchdog
}

// postmaster is a running postgres process that we started and reap.
type postmaster struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited and been reaped
	waitErr error         // valid after done is closed
}

// startPostmaster starts postgres on a free port and waits until it accepts
// connections, retrying with another port when the chosen one was taken.
func startPostmaster(ctx context.Context, cfg postmasterConfig) (*postmaster, int, error) {
	logf, err := os.OpenFile(cfg.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, 0, fmt.Errorf("creating server log: %w", err)
	}
	defer logf.Close() // the child keeps its own descriptor
	if err := cfg.owner.chown(cfg.logPath); err != nil {
		return nil, 0, err
	}
	for attempt := 1; ; attempt++ {
		port, err := pickPort()
		if err != nil {
			return nil, 0, err
		}
		offset, err := logf.Seek(0, 2)
		if err != nil {
			return nil, 0, fmt.Errorf("reading server log position: %w", err)
		}
		pm, err := launch(cfg, port, logf)
		if err != nil {
			return nil, 0, err
		}
		err = pm.waitReady(ctx, cfg.dir, port)
		if err == nil {
			return pm, port, nil
		}
		stopErr := pm.stop()
		tail := logTail(cfg.logPath, offset)
		if errors.Is(err, errPortInUse) || portClash(tail) {
			if attempt < portAttempts {
				continue
			}
		}
		return nil, 0, errors.Join(fmt.Errorf("starting postgres on port %d: %w\n%s", port, err, tail), stopErr)
	}
}

// launch starts the postgres process and registers it with the watchdog.
func launch(cfg postmasterConfig, port int, logf *os.File) (*postmaster, error) {
	args := []string{
		"-D", cfg.dataDir,
		"-p", strconv.Itoa(port),
		"-h", "127.0.0.1",
		"-k", cfg.dir,
	}
	for _, kv := range defaultSettings {
		args = append(args, "-c", kv[0]+"="+kv[1])
	}
	names := make([]string, 0, len(cfg.settings))
	for name := range cfg.settings {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		args = append(args, "-c", name+"="+cfg.settings[name])
	}
	cmd := exec.Command(filepath.Join(cfg.binDir, "postgres"), args...)
	cmd.Dir = cfg.dir
	cmd.Env = serverEnv()
	cmd.Stdout = logf
	cmd.Stderr = logf
	// SIGQUIT is PostgreSQL's immediate shutdown: if we die, the kernel tells
	// the postmaster to stop its backends and exit at once.
	cmd.SysProcAttr = cfg.owner.sysProcAttr(syscall.SIGQUIT)
	if err := startUnlocked(cmd); err != nil {
		return nil, fmt.Errorf("starting postgres: %w", err)
	}
	pm := &postmaster{cmd: cmd, done: make(chan struct{})}
	go func() {
		pm.waitErr = cmd.Wait()
		close(pm.done)
	}()
	if err := cfg.dog.watch(cmd.Process.Pid); err != nil {
		return nil, errors.Join(err, pm.stop())
	}
	return pm, nil
}

// startUnlocked starts cmd from a fresh goroutine. Linux sends Pdeathsig
// when the forking *thread* exits, not the process; a caller whose goroutine
// is locked to its thread (runtime.LockOSThread) and later exits would take
// the thread, and so the server, with it. A new goroutine never runs on a
// thread another goroutine has locked, and Go does not retire unlocked
// threads, so the signal then means what it should: we are gone.
func startUnlocked(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() { errc <- cmd.Start() }()
	return <-errc
}

// waitReady polls until the server accepts a connection, the process exits,
// or ctx ends. It is pg_isready done with the driver we use anyway. It
// connects through the unix socket in our private directory, which only our
// server can answer: on TCP, a process that took the port first would be
// mistaken for it (or stall the check). The postmaster opens its TCP socket
// before accepting any connection and exits if it cannot, so a successful
// socket connection also means TCP is being served.
func (pm *postmaster) waitReady(ctx context.Context, socketDir string, port int) error {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d user=%s dbname=postgres sslmode=disable connect_timeout=2",
		quoteKeywordValue(socketDir), port, superuser))
	if err != nil {
		return fmt.Errorf("building readiness check: %w", err)
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		select {
		case <-pm.done:
			return fmt.Errorf("postgres exited before accepting connections: %v", pm.waitErr)
		default:
		}
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			return conn.Close(ctx)
		}
		lastErr = err
		select {
		case <-pm.done:
			return fmt.Errorf("postgres exited before accepting connections: %v", pm.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("waiting for postgres to accept connections: %w (last attempt: %v)", ctx.Err(), lastErr)
		case <-tick.C:
		}
	}
}

// portClash reports whether a failed start's log says the port was taken.
func portClash(log string) bool {
	return strings.Contains(log, "Address already in use") || strings.Contains(log, "could not bind IPv4 address")
}

// pickPort is freePort; a variable so a test can force a port clash.
var pickPort = freePort

// freePort asks the kernel for a free loopback port. Another process may
// take it before postgres binds it; startPostmaster retries in that case.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// stop shuts the postmaster down and reaps it: SIGINT (fast shutdown) first,
// SIGQUIT (immediate) after 10s, SIGKILL to its whole process group after 5s
// more. An error means it had to be forced or had already died badly.
func (pm *postmaster) stop() error {
	steps := []struct {
		sig   syscall.Signal
		group bool
		wait  time.Duration
	}{
		{syscall.SIGINT, false, 10 * time.Second},
		{syscall.SIGQUIT, false, 5 * time.Second},
		{syscall.SIGKILL, true, 10 * time.Second},
	}
	pid := pm.cmd.Process.Pid
	for i, st := range steps {
		select {
		case <-pm.done:
			return pm.exitErr(i)
		default:
		}
		target := pid
		if st.group {
			target = -pid // Setsid made the postmaster its group leader
		}
		_ = syscall.Kill(target, st.sig)
		select {
		case <-pm.done:
			return pm.exitErr(i + 1)
		case <-time.After(st.wait):
		}
	}
	return fmt.Errorf("postgres (pid %d) did not exit after SIGKILL", pid)
}

// exitErr describes how the postmaster ended, given how many signals it took.
func (pm *postmaster) exitErr(signals int) error {
	switch {
	case signals == 0 && pm.waitErr != nil:
		return fmt.Errorf("postgres had already exited: %w", pm.waitErr)
	case signals > 1:
		return fmt.Errorf("postgres ignored fast shutdown and was forced to stop (%d signals)", signals)
	case signals == 1 && pm.waitErr != nil:
		return fmt.Errorf("postgres shut down with an error: %w", pm.waitErr)
	}
	return nil
}
