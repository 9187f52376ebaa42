// Package pgtest gives each test an empty PostgreSQL database of its own.
//
// One throwaway server (package pgtemp) is started lazily per test binary,
// on the first NewDB, and every test gets a fresh database on it, dropped
// when the test ends. Databases are cheap (a few milliseconds) and isolate
// tests completely, including parallel ones, without the minutes a server
// per test would cost. A package with database tests has:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		dsn := pgtest.NewDB(t)
//		conn, err := pgx.Connect(ctx, dsn)
//		...
//	}
//
// Environment:
//
//   - ONDELETE_TEST_DSN: use this existing server (as a role that may create
//     databases) instead of starting one; each test still gets a fresh
//     database on it.
//   - PG_BIN: directory of the server binaries (see pgtemp.FindBinDir).
//   - CI=true: missing binaries fail the test instead of skipping it, so a
//     misconfigured CI cannot pass by skipping every database test.
package pgtest
