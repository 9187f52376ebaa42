// Package pgtemp starts a throwaway PostgreSQL server for one process and
// guarantees that it is gone when that process is.
//
// ondelete needs a real PostgreSQL in two places: the CLI's embedded default,
// which applies a migrations directory to an empty server and inspects the
// result when no --dsn is given, and the test suites, which check every
// query and every generated migration against the server instead of a mock.
// Both want the same thing: a private server that starts in about a second
// from the locally installed binaries (no Docker, no network, no shared
// cluster), runs with durability off because nothing in it must survive, and
// never outlives its owner.
//
// Start runs initdb and postgres in a fresh temporary directory, with the
// unix socket in that directory and TCP on a free 127.0.0.1 port. When the
// caller is root the server runs as the unprivileged "postgres" user,
// because PostgreSQL refuses to run as root.
//
// Cleanup is layered so that no server or directory is ever orphaned:
//
//   - Stop shuts the server down (fast shutdown), waits for it and removes the
//     directory; callers defer it.
//   - StopOnSignal turns SIGINT, SIGTERM and SIGHUP into a Stop before the
//     process dies of them.
//   - The postmaster gets SIGQUIT (immediate shutdown) from the kernel when
//     its parent dies (Pdeathsig), and runs in its own session so a terminal
//     Ctrl-C is not delivered to it half-way through our own cleanup.
//   - A watchdog shell, also in its own session, blocks reading a pipe from
//     this process. However the process ends (return, panic, os.Exit,
//     SIGKILL), the kernel closes the pipe; on EOF the watchdog stops the
//     postmaster and deletes the directory.
//
// Package pgtest builds the per-test-binary server and per-test databases on
// top of this package.
package pgtemp
