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
package explain
