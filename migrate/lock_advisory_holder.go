package migrate

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// advisoryLockHolder is the session holding an advisory lock, as
// pg_locks and pg_stat_activity show it. Fields other than PID are nil
// when the server hides them: pg_stat_activity shows another user's
// client address and times only to superusers and members of
// pg_read_all_stats.
type advisoryLockHolder struct {
	PID             int32
	ApplicationName *string
	User            *string
	ClientAddr      *string
	BackendStart    *time.Time
	State           *string
	StateChange     *time.Time
}

// advisoryHolderSQL finds the session holding a bigint advisory lock in
// the current database, other than the asking one. The key is matched as
// pg_locks stores it (see splitAdvisoryKey); host() turns the inet into
// plain text, and a NULL client_addr with a visible backend_start means a
// Unix-socket connection.
const advisoryHolderSQL = `
SELECT coalesce(l.pid, 0), a.application_name, a.usename::text, host(a.client_addr),
       a.backend_start, a.state, a.state_change
FROM pg_catalog.pg_locks l
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
  AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1
  AND l.pid <> pg_catalog.pg_backend_pid()
ORDER BY l.pid
LIMIT 1`

// advisoryHolder looks up the session holding the advisory lock key. It
// returns pgx.ErrNoRows when no other session holds it.
func advisoryHolder(ctx context.Context, conn *pgx.Conn, key int64) (advisoryLockHolder, error) {
	classid, objid := splitAdvisoryKey(key)
	var h advisoryLockHolder
	err := conn.QueryRow(ctx, advisoryHolderSQL, classid, objid).Scan(
		&h.PID, &h.ApplicationName, &h.User, &h.ClientAddr, &h.BackendStart, &h.State, &h.StateChange)
	return h, err
}

// String describes the holder on one line, e.g.
// `pid 1234, application_name "ondelete", user "app", client 10.0.0.7,
// connected since 2025-01-02 12:03:04 UTC, idle since 12:05:00 UTC`.
func (h advisoryLockHolder) String() string {
	if h.PID == 0 {
		// Only a prepared transaction holds a lock without a backend.
		return "a prepared transaction (see pg_prepared_xacts)"
	}
	parts := []string{fmt.Sprintf("pid %d", h.PID)}
	if h.ApplicationName != nil {
		parts = append(parts, fmt.Sprintf("application_name %q", *h.ApplicationName))
	}
	if h.User != nil {
		parts = append(parts, fmt.Sprintf("user %q", *h.User))
	}
	switch {
	case h.BackendStart == nil:
		parts = append(parts, "client details hidden (reading them needs pg_read_all_stats)")
	case h.ClientAddr == nil:
		parts = append(parts, "client on a local socket")
	default:
		parts = append(parts, "client "+*h.ClientAddr)
	}
	if h.BackendStart != nil {
		parts = append(parts, "connected since "+h.BackendStart.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	if h.State != nil && h.StateChange != nil {
		parts = append(parts, *h.State+" since "+h.StateChange.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	return strings.Join(parts, ", ")
}
