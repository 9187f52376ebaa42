package runnerproof

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// The knobs of the crash proof. trialsEnv and seedEnv override the trial
// count and the random seed (printed by every run, to repeat one).
const (
	trialsEnv     = "ONDELETE_RUNNERPROOF_TRIALS"
	seedEnv       = "ONDELETE_RUNNERPROOF_SEED"
	defaultTrials = 60
	// crashSleepScale scales the pauses inside files (5 to 35 ms).
	crashSleepScale = 1.0
	// pauseAfterFile widens the between-files window (see childPauseEnv).
	pauseAfterFile = 3 * time.Millisecond
	// checkInterval is client_connection_check_interval for the trials
	// whose server notices the kill within a statement.
	checkInterval = 5 * time.Millisecond
)

// Where a kill landed, from the runner's progress lines and the history.
const (
	atBeforeFirst = "before the first file"
	atMidTx       = "inside a transactional file"
	atMidNoTx     = "inside a non-transactional file"
	atBetween     = "between files"
	atAfterLast   = "after the last file"
	atExited      = "after the runner exited"
)

// killPlan is when one trial kills its runner: delay after the process
// started, or, with trigger, delay after the runner printed that line.
// With check the server aborts the dead runner's statement within
// milliseconds (client_connection_check_interval); without, it finishes
// the statement first, as a server does by default.
type killPlan struct {
	trigger string
	delay   time.Duration
	check   bool
}

func (p killPlan) String() string {
	s := fmt.Sprintf("%s after start", p.delay.Round(time.Microsecond))
	if p.trigger != "" {
		s = fmt.Sprintf("%s after %q", p.delay.Round(time.Microsecond), p.trigger)
	}
	if p.check {
		s += ", server checking for the lost client"
	}
	return s
}

// trialOutcome is what one trial saw.
type trialOutcome struct {
	at string // where the kill landed
	// dirty: the kill left a dirty version, which was finished by hand
	// and forced; dropped counts the invalid indexes dropped doing so.
	dirty   bool
	dropped int
}

// TestCrashSafety kills a runner process with SIGKILL at random points of
// a 20-file run, once per trial on a fresh database. After each kill,
// before anything runs again, the database must hold every transactional
// file completely (table with all its rows, ledger row, history row) or
// not at all, no version twice, and a history that is a clean prefix of
// the directory, at most followed by one dirty non-transactional file.
// Then `up` must refuse a dirty version until a person finished it and
// forced it, and must otherwise finish the run: the history then equals
// the directory and the catalog holds every file once.
//
// Kill points: two thirds of the trials kill after a delay drawn from one
// stratum of [0, full run) each, so kills cover the run evenly; the others
// kill before the first file starts, or just after the runner reports
// entering a non-transactional file, finishing a file or entering a
// transactional one, so every kind of point is hit in every run. Half the
// trials have the server abort the dead runner's statement at once
// (client_connection_check_interval), which leaves interrupted index
// builds invalid; the others let the server finish the statement, its
// default.
func TestCrashSafety(t *testing.T) {
	trials := defaultTrials
	if s := os.Getenv(trialsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive count", trialsEnv, s)
		}
		trials = n
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(seedEnv); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", seedEnv, s, err)
		}
		seed = n
	}
	t.Logf("seed %d (%s=%d repeats the kill plan)", seed, seedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	dir, specs := writeSet(t, crashSleepScale)

	full, firstStart := calibrate(t, dir, specs)
	t.Logf("an uninterrupted run takes %s, its first file starts after %s", full.Round(time.Millisecond), firstStart.Round(time.Millisecond))
	plans := makePlans(rng, trials, full, firstStart, specs)

	var mu sync.Mutex
	hits := map[string]int{}
	dirty, dropped := 0, 0
	t.Run("trials", func(t *testing.T) {
		for i, p := range plans {
			t.Run(fmt.Sprintf("%02d", i), func(t *testing.T) {
				t.Parallel()
				out := crashTrial(t, dir, specs, p)
				t.Logf("killed %s: %s (seed %d)", p, out.at, seed)
				mu.Lock()
				defer mu.Unlock()
				hits[out.at]++
				if out.dirty {
					dirty++
				}
				dropped += out.dropped
			})
		}
	})
	var sum []string
	for _, at := range []string{atBeforeFirst, atMidTx, atMidNoTx, atBetween, atAfterLast, atExited} {
		sum = append(sum, fmt.Sprintf("%s %d", at, hits[at]))
	}
	t.Logf("%d trials, kills landed: %s; dirty versions finished by hand and forced: %d (invalid indexes dropped: %d)",
		len(plans), strings.Join(sum, ", "), dirty, dropped)
	if t.Failed() {
		t.Logf("seed %d", seed)
		return
	}
	for _, at := range []string{atBeforeFirst, atMidTx, atMidNoTx, atBetween} {
		if hits[at] == 0 && trials >= defaultTrials {
			t.Errorf("no kill landed %s in %d trials (seed %d): the plan no longer covers every kind of point", at, trials, seed)
		}
	}
}

// calibrate runs the set once without a kill, as the trials' runners run
// it, and returns how long the process took and when its first file
// started.
func calibrate(t *testing.T, dir string, specs []spec) (full, firstStart time.Duration) {
	t.Helper()
	ctx := testCtx(t, time.Minute)
	dsn := pgtest.NewDB(t)
	c := startChild(t, dsn, dir, childOpts{pause: pauseAfterFile})
	if c.await("start 001", time.Minute) {
		firstStart = time.Since(c.start)
	}
	lines, err := c.wait()
	full = time.Since(c.start)
	if err != nil {
		t.Fatalf("uninterrupted runner: %v, stderr: %s", err, c.errb.String())
	}
	if res, err := result(lines); err != nil || len(res.Files) != fileCount {
		t.Fatalf("uninterrupted runner: %v, %q", err, lines)
	}
	checkComplete(t, ctx, connect(t, dsn), specs)
	return full, firstStart
}

// makePlans draws the kill plans: two thirds spread evenly over the run
// (one random delay per stratum, in random order), the rest in turn:
// before the first file starts, just after entering a non-transactional
// file, just after finishing a file, just after entering a transactional
// file. Half the plans, at random, have the server check for the lost
// client.
func makePlans(rng *rand.Rand, trials int, full, firstStart time.Duration, specs []spec) []killPlan {
	timed := trials * 2 / 3
	var plans []killPlan
	for k := range timed {
		lo := full * time.Duration(k) / time.Duration(timed)
		plans = append(plans, killPlan{delay: lo + time.Duration(rng.Int64N(int64(full)/int64(timed)+1))})
	}
	var tx, notx []string
	for _, s := range specs {
		if s.tx {
			tx = append(tx, s.version)
		} else {
			notx = append(notx, s.version)
		}
	}
	within := func(d time.Duration) time.Duration { return time.Duration(rng.Int64N(int64(d) + 1)) }
	for k := range trials - timed {
		var p killPlan
		switch k % 4 {
		case 0:
			p = killPlan{delay: within(firstStart)}
		case 1:
			p = killPlan{trigger: "start " + notx[rng.IntN(len(notx))], delay: within(140 * time.Millisecond)} // two ~50 ms index builds and a pause
		case 2:
			p = killPlan{trigger: "done " + specs[rng.IntN(len(specs)-1)].version, delay: within(pauseAfterFile / 2)}
		default:
			p = killPlan{trigger: "start " + tx[rng.IntN(len(tx))], delay: within(30 * time.Millisecond)}
		}
		plans = append(plans, p)
	}
	for i := range plans {
		plans[i].check = rng.IntN(2) == 0
	}
	rng.Shuffle(len(plans), func(i, j int) { plans[i], plans[j] = plans[j], plans[i] })
	return plans
}

// crashTrial runs one trial and returns where the kill landed and whether
// it left a dirty version.
func crashTrial(t *testing.T, dir string, specs []spec, p killPlan) trialOutcome {
	ctx := testCtx(t, 2*time.Minute)
	dsn := pgtest.NewDB(t)
	o := childOpts{pause: pauseAfterFile}
	if p.check {
		o.check = checkInterval
	}
	c := startChild(t, dsn, dir, o)
	if p.trigger == "" {
		time.Sleep(time.Until(c.start.Add(p.delay)))
	} else if c.await(p.trigger, time.Minute) {
		time.Sleep(p.delay)
	}
	c.kill()
	lines, err := c.wait()
	var ee *exec.ExitError
	exited := err == nil
	if !exited && (!errors.As(err, &ee) || !killed(ee)) {
		t.Fatalf("runner failed on its own: %v, stderr: %s", err, c.errb.String())
	}
	conn := connect(t, dsn)
	waitGone(t, ctx, conn)

	ks := checkKillState(t, ctx, conn, specs)
	at := killPoint(t, lines, ks, specs, exited)
	if t.Failed() {
		t.FailNow()
	}

	out := trialOutcome{at: at, dirty: ks.dirty != nil}
	r := newRunner(t, conn, dir, runOptions(migrate.LockingAuto))
	if ks.dirty != nil {
		before := readHistory(t, ctx, conn)
		res, err := r.Up(ctx)
		want := "migrate force " + ks.dirty.version
		if err == nil || !strings.Contains(err.Error(), "is dirty") || !strings.Contains(err.Error(), want) || (res != nil && len(res.Files) > 0) {
			t.Fatalf("up over dirty %s: ran %+v, error %v; want a refusal naming %q", ks.dirty.version, res, err, want)
		}
		if after := readHistory(t, ctx, conn); !maps.Equal(before, after) {
			t.Fatalf("the refused up changed the history: %+v, then %+v", before, after)
		}
		out.dropped = finishByHand(t, ctx, conn, ks.dirty)
		if err := r.Force(ctx, ks.dirty.version); err != nil {
			t.Fatal(err)
		}
	}
	res, err := r.Up(ctx)
	if err != nil {
		t.Fatalf("up after the kill: %v", err)
	}
	done := ks.applied
	if ks.dirty != nil {
		done++
	}
	var ran, want []string
	for _, f := range res.Files {
		ran = append(ran, f.Version)
	}
	for _, s := range specs[done:] {
		want = append(want, s.version)
	}
	if !slices.Equal(ran, want) {
		t.Errorf("up after the kill ran %v, want the rest: %v", ran, want)
	}
	checkComplete(t, ctx, conn, specs)
	return out
}

// killed reports whether the process ended by SIGKILL.
func killed(ee *exec.ExitError) bool {
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// killPoint says where the kill landed, and checks the progress lines
// against the history: a file reported done is recorded, a recorded one
// was started.
func killPoint(t *testing.T, lines []string, ks killState, specs []spec, exited bool) string {
	t.Helper()
	var started, finished []string
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "start "); ok {
			started = append(started, v)
		}
		if v, ok := strings.CutPrefix(l, "done "); ok {
			finished = append(finished, v)
		}
	}
	recorded := ks.applied
	if ks.dirty != nil {
		recorded++
	}
	if len(finished) > ks.applied || recorded > len(started) {
		t.Errorf("the runner reported %d files started and %d done, the history holds %d clean and dirty=%v", len(started), len(finished), ks.applied, ks.dirty != nil)
	}
	if ks.dirty != nil && (len(started) == 0 || started[len(started)-1] != ks.dirty.version) {
		t.Errorf("dirty %s is not the file the runner was in (started %v)", ks.dirty.version, started)
	}
	last := ""
	if len(lines) > 0 {
		last = lines[len(lines)-1]
	}
	byVersion := specByVersion(specs)
	switch {
	case exited:
		return atExited
	case len(started) == 0:
		return atBeforeFirst
	case strings.HasPrefix(last, "start "):
		s := byVersion[started[len(started)-1]]
		switch {
		case ks.applied == len(started):
			return atBetween // committed, not yet reported
		case s.tx:
			return atMidTx
		}
		return atMidNoTx
	case len(finished) == len(specs):
		return atAfterLast
	}
	return atBetween
}

// finishByHand is what a person does with a dirty non-transactional
// file: look at each statement's effect in the database, drop what an
// interrupted statement left half-built (an invalid index), and run the
// statements whose effect is missing. Forcing the version comes next. It
// returns how many invalid indexes it dropped.
func finishByHand(t *testing.T, ctx context.Context, conn *pgx.Conn, s *spec) int {
	t.Helper()
	dropped := 0
	for _, p := range s.probes {
		got, note, err := p.look(ctx, conn)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case got == partial && p.kind == probeIndex:
			if _, err := conn.Exec(ctx, "DROP INDEX CONCURRENTLY "+p.name); err != nil {
				t.Fatal(err)
			}
			dropped++
		case got == partial:
			t.Fatalf("dirty %s: %s is %s (%s), which no statement of the file can leave", s.version, p, got, note)
		case got == complete:
			continue
		}
		if _, err := conn.Exec(ctx, p.sql); err != nil {
			t.Fatalf("finishing %s by hand: %v", s.version, err)
		}
	}
	return dropped
}
