// Package explain answers "what would deleting this one row do?" without
// deleting anything: for one concrete root row it follows the deletion
// graph through the live data, in a read-only REPEATABLE READ transaction,
// and collects every row the DELETE would delete, set to NULL or reset to
// its default, and every row that would make it fail (a blocker), with
// their keys.
//
// It exists because a schema-level graph says which tables a DELETE
// reaches, not how much: one user may own ten rows or ten million, and one
// stray NO ACTION row owned by someone else makes the whole "delete my
// account" fail. purge uses the same collection to plan its batches, so
// the two cannot disagree about which rows belong to a root row.
//
// # How
//
// Collect first reads, with one query per foreign key and batch of keys
// (10,000 by default), every row a chain of ON DELETE CASCADE foreign keys
// reaches from the root and every row referencing one of those. Cascading
// self-references (parent_id trees) are followed by one recursive query
// however deep. Keys are held in memory, since a read-only transaction
// cannot create temporary tables; which row references which is decided by
// PostgreSQL's equality in those queries, never by comparing text.
//
// It then replays, in memory, PostgreSQL's queue of AFTER ROW trigger
// events: each deleted row queues one event per foreign key into its
// table, in trigger-name order; the queue runs first in, first out
// (PostgreSQL's "rounds"); cascades delete the referencing rows still
// there, in ctid order; SET NULL / SET DEFAULT update them; NO ACTION and
// RESTRICT checks fail on the referencing rows still there when they run.
// So whether a referencing row that the same DELETE removes blocks depends,
// as in PostgreSQL, on whether it is gone before the check, including
// within one round. DEFERRABLE INITIALLY DEFERRED NO ACTION checks run
// after everything, as at COMMIT. Further behaviour learnt from the
// database as oracle:
//
//   - SET DEFAULT checks the key it wrote in the next round; a default
//     equal to the deleted key fails at once; a row made to reference
//     another deleted row is reset again when that row goes, and fails.
//   - A row SET NULL / SET DEFAULT updates a second time (or that the
//     collecting transaction wrote before) has every foreign key of it
//     re-checked, so a reference to an already deleted row fails even if a
//     later cascade would have removed the row.
//
// # Limits
//
// Not modelled: user triggers and rules; ON UPDATE actions fired when a
// nulled column is itself referenced; rows the collecting transaction
// wrote in a subtransaction (after a SAVEPOINT); the changed scan position
// of a row updated and then deleted in the same DELETE, which matters only
// when a check and a cascade meet in one round; partitions are ordered by
// their oid. A volatile column default is evaluated once per foreign key.
//
// The differential test (TestDifferential) holds it to the real DELETE on
// 100 synthetic databases.
package explain
