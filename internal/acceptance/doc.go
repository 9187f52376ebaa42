// Package acceptance holds the end-to-end tests: real migration sets (the
// bundled example and the public corpus) applied to a real PostgreSQL,
// inspected and graphed by ondelete, and compared with what PostgreSQL
// itself reports and does.
package acceptance
