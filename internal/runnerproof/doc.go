// Package runnerproof holds the proofs issue 6 asks of the migration
// runner (package migrate), kept apart from its unit tests because they
// are slow, need a real PostgreSQL and drive the runner the way
// production does: as separate processes that get killed or started
// together.
//
//   - Crash safety: a runner process is killed with SIGKILL at random
//     points of a 20-file run, many times; after each kill the database
//     must hold every transactional file completely or not at all, with a
//     history that says exactly that, and `up` must finish the job (after
//     a person resolves a dirty non-transactional file with force).
//   - Concurrency: eight runners started at the same instant, as processes
//     and as goroutines, with the advisory lock and with the lease lock,
//     apply each file exactly once; the others wait and find nothing
//     pending.
//   - Idempotence: `up` on an up-to-date database changes nothing in the
//     catalog or the history.
//   - The lease table creation race, which the concurrency proof found,
//     on its own.
//
// The package has no non-test code. The runner processes are the test
// binary itself, re-executed with ONDELETE_RUNNERPROOF_CHILD set (see
// TestMain), so no build step or network is needed.
package runnerproof
