// Package graph computes the deletion graph of a root table from a
// catalog.Snapshot: every table a DELETE of one root row reaches, what
// happens to it (deleted, nulled, defaulted, or blocking), the foreign-key
// paths that lead there, what can make the DELETE fail, and the cycles and
// other findings a reviewer should see. It is pure: no I/O, no database;
// the same snapshot and root always give the same, sorted Graph.
//
// # How PostgreSQL runs a DELETE
//
// Every ON DELETE action and check is an AFTER ROW trigger on the
// referenced table, queued when a row is deleted and fired at the end of
// the statement. Cascaded deletes queue their triggers at the same
// statement level, and the queue fires in rounds: round 1 fires the
// triggers of the rows the statement deleted, each later round those
// queued by the round before, in queue order (row, then trigger name,
// which follows constraint creation order). A table at cascade depth d
// (Table.Depth) has its rows deleted in round d; checks and SET NULL /
// SET DEFAULT into it run in round d+1.
//
// That is why blockers come in two kinds (see BlockerKind): a definite
// blocker's table is never deleted, so any referencing row fails the
// DELETE; a conditional blocker's table is also deleted, so whether the
// rows this DELETE removes are already gone when the check runs depends on
// their depth (Blocker.Timing): deleted no later than the referenced table
// (after-cascades), in the very round of the check (same-round: the result
// depends on trigger order, Blocker.OrderDependent), or later
// (before-cascades: every row blocks). RESTRICT and NO ACTION behave alike
// here; only a DEFERRABLE INITIALLY DEFERRED NO ACTION key waits for
// COMMIT (at-commit). The kinds were confirmed against PostgreSQL 15.
//
// # Use
//
//	root, err := graph.ResolveTable(snap, "users")
//	g, err := graph.Build(snap, root)
//
// A Builder indexes a snapshot once for graphs of many roots. The Graph
// struct's JSON form is the versioned contract printed by
// `ondelete graph --format json`; see Graph.
package graph
