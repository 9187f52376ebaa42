// Package migrate loads a migrations directory, whatever tool wrote it, and
// applies it to PostgreSQL statement by statement, remembering which file
// and line created or last changed each foreign key.
//
// ondelete reads the schema a project's migrations produce, so it has to
// run migrations written for other tools. Three steps keep that honest:
//
//   - Load recognises the common layouts (flat numbered files, golang-migrate,
//     goose, dbmate, Prisma, Diesel; see Layout), or takes the one named by
//     the caller, and orders migrations by numeric version. A file that fits
//     no convention of the layout is an error naming the file, never
//     silently skipped.
//   - Split cuts SQL into statements with PostgreSQL's own lexer (via
//     pg_query), so dollar quoting, string literals and comments are handled
//     as the server handles them, and gives each statement its file, line,
//     column and byte offset. Each statement is also classified from its
//     parse tree: whether it only touches rows (Kind) and whether it refuses
//     to run inside a transaction block (NoTransaction), which a transactional
//     runner needs to know.
//   - Apply runs the up parts in autocommit on a *pgx.Conn. Migration sets
//     written to be re-run often rely on their runner ignoring "already
//     exists" errors; Apply absorbs a configurable set of SQLSTATEs
//     (DefaultAbsorb), records every absorption, and stops on any other error
//     with a *StatementError that points at file:line:column. After each
//     statement that may change the schema it asks pg_constraint which
//     foreign keys appeared or changed, so Result.Sources can point a finding
//     at the line to edit.
//
// Apply serves the throwaway server, which has no history. Runner is the
// migration runner for real databases (`ondelete migrate`, docs/migrate.md):
// a history table (History, Status), each file in a transaction with its
// history row (savepoints absorb "already exists" per statement), files
// that cannot run in one marked dirty until they finish, lock_timeout
// retries that name the blocking session, a Locker so two runners never
// apply the same file (a session advisory lock, or on CockroachDB a lease
// row with a heartbeat), down/redo/force, and adopting the history of
// goose, golang-migrate or dbmate (ReadForeignHistory). Dir.Next and
// WriteFiles add generated migrations in a directory's own convention.
package migrate
