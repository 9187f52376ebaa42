// Package catalog reads a PostgreSQL database's catalog into a Snapshot: the
// tables, their columns and indexes, and every foreign key with the
// attributes that decide what a DELETE does (ON DELETE action, validation,
// index coverage, naming). A Snapshot is plain data, built once per run by a
// handful of pg_catalog queries and never changed afterwards; everything
// downstream (graph, policy, plan, report) reads it and nothing downstream
// queries the catalog again.
package catalog
