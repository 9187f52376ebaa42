// Package purge deletes one root row's whole deletion graph the way an
// application should: leaves first, in small batches, each batch its own
// short transaction, so that deleting a user with ten million rows never
// holds locks for minutes the way one cascading DELETE does.
//
// # How a purge runs
//
// A purge works in rounds. Each round collects the root row's current
// graph with explain.Collect (one read-only REPEATABLE READ transaction),
// then changes it in batches of Options.Batch rows of one table:
//
//  1. SET NULL / SET DEFAULT rows first: each batch locks its rows, checks
//     which of their foreign keys still point at a collected row, and
//     applies exactly those foreign keys' actions as an UPDATE.
//  2. Deleted rows in descending depth (children before parents). Each
//     batch locks its rows FOR UPDATE (so no new child can attach), keeps
//     the rows that still reference a collected row through a cascading
//     foreign key, and deletes them by primary-key list with a guard:
//     a row that any other row still references is left for a later pass.
//     So PostgreSQL's own cascade never removes or changes a row purge
//     has not archived. Passes repeat over the rows left over while they
//     make progress.
//  3. When what remains fits in one batch, or the rows left over only
//     reference each other (a cycle of rows), a final "closed" batch locks
//     the remaining graph, collects it again inside the transaction until
//     nothing new appears, and deletes it in one statement, the root row
//     with it.
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
