// Package target opens the database a command works on: an existing server
// named by a DSN, or — the embedded default — a throwaway PostgreSQL started
// from the local installation with a migrations directory applied to it.
// Either way the caller gets one connection and, when migrations were
// applied, where each foreign key was created or last changed.
package target
