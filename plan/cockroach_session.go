package plan

// cockroachSession is how every CockroachDB migration script sets its
// timeouts, whatever the runner: SET before the statement and RESET at
// the end, never SET LOCAL and never BEGIN … COMMIT. CockroachDB (from
// v25.1, by default) commits an open transaction before a schema change
// (autocommit_before_ddl), which would end a SET LOCAL before the
// statement it was meant for; a session SET survives that commit. The
// migrations are non-transactional, so runners that can be told not to
// wrap a file in a transaction are.
const cockroachSession = Autocommit
