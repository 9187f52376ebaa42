// Package oracle holds test oracles: independent ways of asking
// PostgreSQL what ondelete computes, written differently from the code
// under test (information_schema instead of pg_catalog joins, experiments
// instead of reasoning) so that agreement means something.
package oracle
