// Package synth generates synthetic PostgreSQL schemas: many tables joined
// by many foreign keys with a realistic mix of ON DELETE actions,
// self-references, composite keys, several schemas, indexed and unindexed
// referencing columns and a few awkward identifiers.
//
// It exists to test and benchmark ondelete at scales no hand-written
// example reaches (thousands of tables, tens of thousands of foreign keys)
// and to exercise corner cases a hand-written example forgets. Generation
// is pure and deterministic: the same Options always yield byte-identical
// DDL, on every platform and Go version, because the random source is a
// fixed algorithm implemented here rather than math/rand.
//
// The result is a model (Schema) that knows what the database will contain
// after the DDL is applied, so tests can compare what ondelete reads from
// the catalog with what was generated. Schema.Batches groups the statements
// into a few large multi-statement strings so that even a 5,000-table
// schema loads in seconds over the simple query protocol.
package synth
