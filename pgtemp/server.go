package pgtemp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// superuser is the bootstrap superuser initdb creates; trust authentication
// means it needs no password.
const superuser = "postgres"

// Server is a running throwaway PostgreSQL server. It is safe for concurrent
// use. Always defer Stop; if the process dies first, the watchdog stops the
// server and removes its directory anyway.
type Server struct {
	dir     string
	binDir  string
	port    int
	owner   *owner
	pm      *postmaster
	dog     *watchdog
	stopMu  sync.Mutex
	stopped bool
	stopErr error
}

// Start initialises a fresh cluster in a new temporary directory and starts
// a server on it, listening on a free 127.0.0.1 port and on a unix socket in
// that directory. It returns once the server accepts connections.
//
// Callers must `defer s.Stop()`. For Ctrl-C, use StopOnSignal (or let the
// signal end the process: the watchdog then cleans up within seconds).
// A *NotFoundError means the server binaries are not installed.
func Start(ctx context.Context, opts Options) (_ *Server, err error) {
	opts, err = opts.withDefaults()
	if err != nil {
		return nil, err
	}
	binDir, err := FindBinDir(opts.BinDir)
	if err != nil {
		return nil, err
	}
	own, err := serverOwner()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()

	dir, err := makeTempDir(own)
	if err != nil {
		return nil, err
	}
	dog, err := startWatchdog(dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{dir: dir, binDir: binDir, owner: own, dog: dog}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.abort())
		}
	}()
	if err := runInitdb(ctx, binDir, s.DataDir(), dir, own); err != nil {
		return nil, err
	}
	pm, port, err := startPostmaster(ctx, postmasterConfig{
		binDir:   binDir,
		dataDir:  s.DataDir(),
		dir:      dir,
		logPath:  s.LogPath(),
		owner:    own,
		settings: opts.Settings,
		dog:      dog,
	})
	if err != nil {
		return nil, err
	}
	s.pm, s.port = pm, port
	return s, nil
}

// abort undoes a half-done Start: kills the postmaster if any, and lets the
// watchdog (which has not been disarmed) remove the directory.
func (s *Server) abort() error {
	var errs []error
	if s.pm != nil {
		errs = append(errs, s.pm.stop())
	}
	errs = append(errs, s.dog.trigger())
	if _, err := os.Stat(s.dir); err == nil {
		errs = append(errs, os.RemoveAll(s.dir))
	}
	return errors.Join(errs...)
}

// Stop shuts the server down (fast shutdown: open sessions are cancelled,
// no waiting for clients), waits for it to exit and removes its directory.
// It is idempotent and safe to call concurrently; later calls return the
// first call's result.
func (s *Server) Stop() error {
	s.stopMu.Lock()
	defer s.stopMu.Unlock()
	if s.stopped {
		return s.stopErr
	}
	s.stopped = true
	var errs []error
	if err := s.pm.stop(); err != nil {
		errs = append(errs, err)
	}
	if err := os.RemoveAll(s.dir); err != nil {
		errs = append(errs, fmt.Errorf("removing %s: %w", s.dir, err))
	}
	if err := s.dog.disarm(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		s.stopErr = fmt.Errorf("stopping PostgreSQL in %s: %w", s.dir, errors.Join(errs...))
	}
	return s.stopErr
}

// DSN returns a postgres:// URL for database dbname as the superuser, over
// TCP to 127.0.0.1, usable by pgx.Connect and psql. It carries no password:
// the server trusts local connections.
func (s *Server) DSN(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		RawQuery: "sslmode=disable",
	}
	u.Path, u.RawPath = dbPath(dbname)
	return u.String()
}

// Port returns the TCP port the server listens on (127.0.0.1 only).
func (s *Server) Port() int { return s.port }

// Dir returns the temporary directory holding the cluster, the unix socket
// and the logs; it is removed by Stop.
func (s *Server) Dir() string { return s.dir }

// DataDir returns the cluster's data directory inside Dir.
func (s *Server) DataDir() string { return filepath.Join(s.dir, "data") }

// LogPath returns the server log file, the first place to look when a test
// sees the server misbehave. It is removed by Stop.
func (s *Server) LogPath() string { return filepath.Join(s.dir, "postgres.log") }

// BinDir returns the directory whose binaries run this server.
func (s *Server) BinDir() string { return s.binDir }
