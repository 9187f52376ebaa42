package migrate

import "fmt"

// NoForeignHistoryError is returned by ReadForeignHistory when the other
// runner's history table does not exist. It is an error, not "nothing
// applied": adopting an empty history would make ondelete re-run every
// migration on a database that most likely has them all, so the usual cause
// (the wrong database, or a runner configured with another table name) must
// be fixed first.
type NoForeignHistoryError struct {
	Source AdoptSource
	// Table is the table looked for, schema-qualified, in Display form.
	Table string
}

// Error names the table and the runner, and the two usual fixes.
func (e *NoForeignHistoryError) Error() string {
	return fmt.Sprintf("no %s history table %s: is this the right database, or pass --table", e.Source, e.Table)
}

// DirtyForeignHistoryError is returned for a golang-migrate history marked
// dirty: a migration failed partway, so golang-migrate itself refuses to run
// until a person has looked at the database and recorded the last version
// that is really complete with its force command. Adopting before that
// would guess which statements of the failed file ran.
type DirtyForeignHistoryError struct {
	// Table is the history table, schema-qualified, in Display form.
	Table string
	// Version is the version golang-migrate was applying (or, for a failed
	// down migration, reverting) when it stopped; -1 when that was the first
	// migration.
	Version int64
}

// Error says what dirty means and how to settle it with golang-migrate.
func (e *DirtyForeignHistoryError) Error() string {
	return fmt.Sprintf("%s history table %s is dirty at version %d: a migration failed partway; check the database, record the last fully applied version with golang-migrate's `migrate force VERSION`, then adopt again",
		AdoptGolangMigrate, e.Table, e.Version)
}

// ForeignHistoryError is a history table that exists but cannot be read as
// the named runner's: columns of another shape (often another runner's
// table, since golang-migrate and dbmate both default to
// schema_migrations), several rows where golang-migrate keeps one, or a value
// that is not a migration version.
type ForeignHistoryError struct {
	Source AdoptSource
	// Table is the history table, schema-qualified, in Display form.
	Table string
	// Msg says what is wrong, and which runner the table looks like when
	// that can be told from its columns.
	Msg string
}

// Error returns "<runner> history table <table>: <what is wrong>".
func (e *ForeignHistoryError) Error() string {
	return fmt.Sprintf("%s history table %s: %s", e.Source, e.Table, e.Msg)
}
