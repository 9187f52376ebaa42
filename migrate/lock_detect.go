package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// IsCockroachDB reports whether conn's server is CockroachDB, which
// accepts pg_advisory_lock but does not lock with it (cockroach#13546), so
// the runner must use a lease there instead.
//
// CockroachDB announces itself in two places: the crdb_version parameter
// it sends at connection start (free to read, but a pooler such as
// PgBouncer may not pass it through), and version(), which always begins
// with "CockroachDB" ("CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu,
// ...)"). server_version cannot tell: CockroachDB reports a PostgreSQL
// version there for client compatibility. PostgreSQL's version() begins
// with "PostgreSQL", so the check never misfires on it.
func IsCockroachDB(ctx context.Context, conn *pgx.Conn) (bool, error) {
	if conn.PgConn().ParameterStatus("crdb_version") != "" {
		return true, nil
	}
	var v string
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&v); err != nil {
		return false, fmt.Errorf("reading the server version: %w", err)
	}
	return isCockroachVersion(v), nil
}

// isCockroachVersion classifies a version() string.
func isCockroachVersion(v string) bool {
	return strings.HasPrefix(strings.TrimSpace(v), "CockroachDB")
}
