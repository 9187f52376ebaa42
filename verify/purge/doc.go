// Package purge deletes one root row's whole deletion graph the way an
// application should: leaves first, in small batches, each batch its own
// short transaction, so that deleting a user with ten million rows never
// holds locks for minutes the way one cascading DELETE does.
//
// # How a purge runs
//
// A purge works in rounds. Each round collects the root row's current
// graph with explain.Collect (one read-only REPEATABLE READ transaction,
// which takes no row locks) and, in the same snapshot, reads which
// deleted row references which, to order the deletes. Then it changes the
// graph in batches of at most Options.Batch rows of one table:
//
//  1. SET NULL / SET DEFAULT rows first: each batch locks its rows, checks
//     which of their foreign keys still point at a collected row, and
//     applies exactly those foreign keys' actions as an UPDATE.
//  2. Deleted rows children first: by level (a row comes after every row
//     referencing it), one table at a time, a self-referencing subtree
//     in one batch. Each batch locks its rows FOR UPDATE (so no new row
//     can start referencing them), keeps those that still reference a
//     collected row through a cascading foreign key, then, in a new
//     statement, finds the rows still referenced from outside the batch
//     (through any foreign key PostgreSQL enforces) and the rows of the
//     batch those reference; it deletes the others by primary-key list in
//     one statement. So PostgreSQL's own ON DELETE actions never remove
//     or change a row purge has not locked and archived. Rows a batch
//     leaves (a row referencing them appeared meanwhile) are tried again
//     in later passes while the passes make progress.
//  3. When what remains fits in one batch, or what remains only
//     references itself (cycles of rows, and the rows above them), a
//     final closed batch locks the root row, collects the rest of the
//     graph inside the transaction, locks it and collects again until
//     nothing new appears, and deletes it all in one statement (one
//     data-modifying CTE per table), the root row with it. PostgreSQL's
//     own actions then null and default exactly the rows collected.
//
// The root row is deleted last, so an interrupted purge (cancelled,
// killed, connection lost) re-run with the same arguments collects the
// graph again from the root row and finishes the job. It never deletes a
// row outside that graph: rows are deleted only while they still
// reference the graph. After a purge has finished, the root row is gone and
// a re-run fails with ErrRootNotFound.
//
// # Archive
//
// With Options.ArchivePath (or Options.Archive) every row is written as
// one JSON line before it is deleted or changed:
//
//	{"table":{"schema":"public","table":"posts"},"op":"delete","key":{"id":"7"},"row":{...},"batch":3}
//
// op is "delete", "null" or "default"; key holds the primary key (or
// "ctid" for a table without one) as text; row is to_jsonb of the whole
// row as it was, taken under the batch's row locks. The lines of a batch
// are written, flushed and fsynced before the batch commits; if that fails
// the batch rolls back. A resumed purge reads the archive file first and
// does not write a (table, op, key) line twice, so after any number of
// interruptions the archive holds every deleted or changed row exactly
// once.
//
// # Limits
//
// Rows of the graph are identified when a round collects them. A row the
// application moves out of the graph concurrently (re-parents) is kept as
// long as it no longer references a collected row; moving an ancestor
// further up while purge runs is not detected. Rows in cycles of
// cascading references are deleted by the final closed batch, so a very
// large cycle makes that one transaction large. Tables without a primary
// key are addressed by ctid, which is not unique across the partitions
// of a partitioned table.
package purge
