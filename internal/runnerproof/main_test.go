package runnerproof

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// The environment a runner process is started with. childEnv set means
// "be a runner, not a test binary".
const (
	childEnv        = "ONDELETE_RUNNERPROOF_CHILD"
	childDSNEnv     = "ONDELETE_RUNNERPROOF_DSN"
	childDirEnv     = "ONDELETE_RUNNERPROOF_DIR"
	childLockingEnv = "ONDELETE_RUNNERPROOF_LOCKING"
	// childBarrierEnv makes the runner connect, print "ready" and wait
	// for its stdin to close before it starts, so that several runners
	// can be released at the same instant.
	childBarrierEnv = "ONDELETE_RUNNERPROOF_BARRIER"
	// childPauseEnv makes the runner pause for this duration after it
	// reports each file done, still inside the run: the time between two
	// files is otherwise microseconds, too short for a kill from outside
	// to land in.
	childPauseEnv = "ONDELETE_RUNNERPROOF_PAUSE"
	// childCheckEnv sets client_connection_check_interval (milliseconds)
	// on the runner's connections: the server then notices a dead runner
	// within a statement and aborts it at once (a CREATE INDEX
	// CONCURRENTLY is left invalid), instead of finishing the statement
	// and noticing at the next read.
	childCheckEnv = "ONDELETE_RUNNERPROOF_CHECK"
)

// childAppName is the application_name of every connection a runner
// process opens, so the parent can wait until the server has noticed a
// killed runner's connections are gone.
const childAppName = "ondelete-runnerproof-child"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain(os.Stdin, os.Stdout, os.Stderr))
	}
	pgtest.Main(m)
}

// childMain is a runner process: `ondelete migrate up` reduced to the
// library call, reporting progress on stdout one line per event
// ("start V", "done V", "absorbed V CODE") and finally "result JSON"
// (the RunResult). os.Stdout is unbuffered, so every line the runner
// reached is in the pipe when the process is killed.
func childMain(stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg, err := pgx.ParseConfig(os.Getenv(childDSNEnv))
	if err != nil {
		fmt.Fprintln(stderr, "runner: parsing the DSN:", err)
		return 2
	}
	cfg.RuntimeParams["application_name"] = childAppName
	if ms := os.Getenv(childCheckEnv); ms != "" {
		cfg.RuntimeParams["client_connection_check_interval"] = ms
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "runner: connecting:", err)
		return 2
	}
	defer conn.Close(context.Background())
	dir, err := migrate.Load(os.Getenv(childDirEnv), migrate.LayoutAuto)
	if err != nil {
		fmt.Fprintln(stderr, "runner:", err)
		return 2
	}
	var pause time.Duration
	if p := os.Getenv(childPauseEnv); p != "" {
		if pause, err = time.ParseDuration(p); err != nil {
			fmt.Fprintln(stderr, "runner:", childPauseEnv+":", err)
			return 2
		}
	}
	opts := runOptions(migrate.Locking(os.Getenv(childLockingEnv)))
	opts.OnEvent = func(ev migrate.RunEvent) {
		if line := eventLine(ev); line != "" {
			fmt.Fprintln(stdout, line)
		}
		if ev.Type == migrate.EventDone {
			time.Sleep(pause)
		}
	}
	r, err := migrate.NewRunner(conn, dir, opts)
	if err != nil {
		fmt.Fprintln(stderr, "runner:", err)
		return 2
	}
	if os.Getenv(childBarrierEnv) != "" {
		fmt.Fprintln(stdout, "ready")
		if _, err := io.Copy(io.Discard, bufio.NewReader(stdin)); err != nil {
			fmt.Fprintln(stderr, "runner: waiting at the barrier:", err)
			return 2
		}
	}
	res, err := r.Up(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "runner: up:", err)
		return 1
	}
	out, err := json.Marshal(res)
	if err != nil {
		fmt.Fprintln(stderr, "runner: encoding the result:", err)
		return 2
	}
	fmt.Fprintf(stdout, "result %s\n", out)
	return 0
}

// runOptions are the options every runner of these proofs uses, in a
// process or in the test: the defaults, with the given locking and a
// bounded lock wait so a lock that is never released fails the test
// instead of hanging it.
func runOptions(locking migrate.Locking) migrate.RunOptions {
	return migrate.RunOptions{Locking: locking, LockWait: time.Minute}
}

// eventLine is the progress line a runner process prints for ev, "" for
// events the proofs do not follow.
func eventLine(ev migrate.RunEvent) string {
	if ev.Migration == nil {
		return ""
	}
	switch ev.Type {
	case migrate.EventStart:
		return "start " + ev.Migration.Version
	case migrate.EventDone:
		return "done " + ev.Migration.Version
	case migrate.EventAbsorbed:
		return "absorbed " + ev.Migration.Version + " " + ev.Absorbed.Code
	}
	return ""
}
