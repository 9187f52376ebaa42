// Package rowgen inserts synthetic rows into arbitrary tables so that
// experiments can ask PostgreSQL itself what a DELETE does. It fills every
// column a row needs (NOT NULL columns without defaults get a value of the
// right type, enum and domain types included, retried with other values
// when a CHECK, unique or exclusion constraint rejects one) and lets the
// caller pin columns, such as foreign-key columns that must point at a
// parent row. Columns a sequence would fill (identity, serial) always get
// an explicit value, because nextval is not rolled back: a synthetic row
// leaves no trace once its transaction is rolled back.
//
// With Options.Replica, rows are inserted with session_replication_role =
// replica, so foreign keys that the experiment does not care about need no
// parent rows; the caller switches back to origin before the DELETE under
// test, so every referential action then fires as in production. That
// needs a superuser (or the SET privilege on the parameter); without it,
// callers give rows real parents (see verify). All work happens in the
// caller's transaction, which it rolls back.
package rowgen
