// Package synthdata fills internal/synth schemas with random,
// foreign-key-consistent rows and asks PostgreSQL itself what deleting a
// row does. It is the oracle side of the differential tests of
// verify/explain (what would deleting this row do) and verify/purge
// (batched deletion): run the code under test and the native cascading
// DELETE on the same seed and compare.
//
// # Data
//
// Generate(schema, opts) is pure and deterministic per Options.Seed. Every
// key is planned before loading (integer keys are (table+1)*10000+row+1,
// UUIDs seeded, text keys full of quotes and spaces), every foreign-key
// value names an existing parent row or is NULL (only where the columns
// are nullable; each foreign key draws its own NULL rate), and a few
// composite references are partly NULL (MATCH SIMPLE: they reference
// nothing). A few "owner" rows per table receive most references and
// self-references form deep trees (chains, some cycles), so deleting an
// owner reaches deep and wide. Some SET DEFAULT columns get a DEFAULT
// naming a parent row, some SET NULL / SET DEFAULT columns are made NOT
// NULL (a DELETE reaching them fails with 23502; Data.Schema carries both
// changes), and some NO ACTION foreign keys are made DEFERRABLE INITIALLY
// DEFERRED (Data.Deferred; Data.DDL holds the ALTERs). Load inserts with
// session_replication_role = replica (superuser) so cycles and NOT NULL
// references need no order, with OVERRIDING SYSTEM VALUE, then moves the
// identity sequences past the keys.
//
// Data.Roots lists owner rows with large simulated cascades; Roots[0] is
// the one the data was shaped for: Options.KeepBlockerRate is the share of
// blocking foreign keys (NO ACTION, RESTRICT, SET NULL / SET DEFAULT into
// NOT NULL) whose references into Roots[0]'s deletion set stay (the
// others are moved to surviving rows or NULL, and SET DEFAULT defaults
// avoid deleted rows). Roots whose blockers can all be moved rank first.
// AvoidBlockers (0) makes the root's DELETE usually succeed (purge tests);
// the default (0.1) gives a mix; KeepBlockers (1) makes it usually fail.
// Measured over seeds 1-100: with AvoidBlockers 99 deletes succeed (the
// failure: a row updated twice by SET NULL re-checks its other foreign
// keys before its own cascade), by default 56 (39 fail with 23503, 4 at
// the deferred check, 1 with 23502).
//
// # Fixtures
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	f := synthdata.Setup(t, seed, synthdata.AvoidBlockers())
//	// f.DSN, f.Data.Schema (synth.Schema), f.Root (Table, KeyColumns,
//	// KeyValues, Key()), f.Data.Roots, f.TableNames()
//	other := f.Clone(t) // CREATE DATABASE ... TEMPLATE; close conns to f.DSN first
//
// DefaultConfig(seed) draws 15-40 tables and 30-80 foreign keys, 15-200
// rows per table; a seed loads in about 0.1 s.
//
// # Oracle
//
// NativeDelete(ctx, conn, table, key) runs the real DELETE in a
// transaction, then SET CONSTRAINTS ALL IMMEDIATE, and rolls back. It
// returns an Outcome: Failure (SQLSTATE, constraint, table from
// *pgconn.PgError) when PostgreSQL refused, else per table the Deleted
// rows (key + to_jsonb image before), the Changed rows (key, images, the
// changed columns, Nulled / Defaulted from the SET NULL / SET DEFAULT
// foreign keys owning those columns), plus Before and After snapshots of
// every table. Keys are primary-key values as ::text in key order (ctid
// for a table without primary key), sorted with SortKeys' order, the same
// shape as explain.Row.Key.
//
// Contents(ctx, q, tables...) reads whole tables into a Snapshot (sorted
// to_jsonb texts per table); Snapshot.Diff explains a difference. A purge
// of f.Root in a clone must end with Contents(clone, f.TableNames()...)
// equal to the native Outcome.After.
package synthdata
