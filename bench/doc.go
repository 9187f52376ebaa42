// Package bench holds ondelete's performance proof: `ondelete inspect`
// plus `ondelete graph` against the information_schema query hand-written
// foreign-key drift tests run, both on the same synthetic database of
// 5,000 tables and 10,000 foreign keys (internal/synth).
//
// The target, from the issue that introduced inspect and graph: inspect
// plus graph in at most one second on that schema, and at least five times
// faster than the information_schema query. The figures and the commands
// that produce them are in docs/benchmarks.md.
//
// Two harnesses share this package's code, so they measure exactly the
// same work:
//
//   - Go benchmarks (go test -run '^$' -bench . ./bench/), which load the
//     schema lazily, once per test binary, the first time a benchmark needs
//     it. Plain `go test ./...` runs only the small unit tests and never
//     loads the big schema.
//   - cmd/compare, a program that starts a throwaway server, loads the
//     schema, runs both sides interleaved and prints them side by side with
//     their ratio and the memory inspect plus graph used.
//
// The package is not part of ondelete's API: it exists to keep the
// performance claim checkable.
package bench
