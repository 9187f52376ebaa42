// Package plan turns check findings into the migrations that resolve them:
// a Plan is data (migrations of statements, each with its timeouts and
// typed hazards, plus the findings it will not guess at), built purely
// from a catalog snapshot and findings, so it can be printed as JSON,
// explained, or written into a migrations directory.
//
// Two strategies exist because PostgreSQL cannot change a foreign key's
// actions in place. Inline drops and re-adds each key in one migration,
// keeping its real name: simple, re-runnable, but the ADD validates the
// whole table while it blocks writes. Online adds the new key NOT VALID
// under a temporary name, validates it in a separate migration (holding
// only a SHARE UPDATE EXCLUSIVE lock), drops the old key and renames the
// new one, each step under a short lock_timeout so it fails fast instead
// of queueing behind a long transaction. Auto picks per foreign key by the
// planner's row estimate.
//
// Converge finds the findings one plan must resolve so the check passes
// afterwards (a new cascade can bring new blockers into a root's graph);
// Generate plans them; Migration.Script renders a migration for the way
// its runner executes it (Session) and Files lays the plan out as the next
// files of a migrations directory in its own convention.
//
// The CockroachDB dialect (Options.Dialect) plans one schema change per
// migration, as CockroachDB requires; docs/cockroachdb.md lists every
// difference and why.
package plan
