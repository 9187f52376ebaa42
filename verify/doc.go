// Package verify proves on a real database what deleting a root row does,
// table by table, instead of trusting the deletion graph's reasoning.
//
// Run opens one transaction, synthesises a canary root row, and for every
// foreign key into a table the graph says the DELETE removes, a row that
// reaches the canary along a cascade path and then through that foreign key
// only. Each such row gets its own experiment inside a savepoint: delete the
// canary, watch the row (deleted, nulled, defaulted, kept) or the error the
// DELETE raised (which constraint blocked it), roll back to the savepoint.
// Conditional blockers get one more experiment, following the graph's
// Timing. Each observation is compared with the graph and, optionally, the
// policy; the result is a Report with one PASS / FAIL / SKIPPED line per
// check, and a reason for every FAIL and SKIPPED.
//
// Nothing persists: the transaction is always rolled back, on every path,
// including errors and cancellation (pgx closes the connection when a query
// is cancelled, and PostgreSQL rolls back a disconnected session's
// transaction). Sequences are not transactional, so canary rows never call
// nextval: identity and serial columns get explicit values far below what
// sequences hand out.
//
// Rows are inserted with session_replication_role = replica when the role
// may set it (superusers, or roles granted SET on the parameter): foreign
// keys off the experiment's path then need no parent rows, and user
// triggers do not fire on the canary inserts. The DELETE itself always runs
// in origin mode, so every referential action and user trigger fires as in
// production. Without that privilege, Run falls back to giving every
// canary row real parent rows (recursively, bounded) and skips, with a
// reason, tables whose INSERT triggers would run.
package verify
