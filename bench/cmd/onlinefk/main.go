// Command onlinefk measures what changing a foreign key's ON DELETE action
// costs the writers of the referencing table, issue 5's benchmark:
//
//	go run ./bench/cmd/onlinefk                       # 5,000,000 child rows, 4 writers
//	go run ./bench/cmd/onlinefk -rows 500000 -only online
//
// It starts a throwaway PostgreSQL server (pgtemp; or uses -dsn), loads a
// parent table users and a child table orders whose user_id references it
// (ON DELETE NO ACTION, indexed), and starts -writers goroutines, each on
// its own connection, that insert and update orders rows in short
// autocommit statements and record every statement's latency. Under that
// load it measures three phases: an idle baseline (writers only), (a) the
// naive change, one ALTER TABLE that drops the key and adds it back with
// ON DELETE CASCADE, validating at once, and (b) the online plan that
// package plan generates for the same change, executed as a careful runner
// would (its lock_timeout and statement_timeout set per statement, a
// statement that gives up on its lock retried after a pause). It prints
// throughput, p50, p99 and maximum write latency and the longest pause
// between write completions for each phase, side by side, what the writers
// and the DDL waited on (pg_stat_activity, polled every -sample-waits), so
// a stall can be told apart from a lock, and the verdict against the
// issue's targets. -rate replaces the closed loop with a fixed offered
// load. The server is stopped on exit, Ctrl-C included.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/ondelete/ondelete/bench/internal/benchfmt"
)

// config is the parsed command line.
type config struct {
	dsn         string
	rows        int64
	parents     int64
	writers     int
	updateRatio float64
	rate        float64
	baseline    time.Duration
	lead, tail  time.Duration
	only        string
	lockTimeout time.Duration
	retryPause  time.Duration
	maxAttempts int
	seed        uint64
	sampleEvery time.Duration
	settings    benchfmt.Settings
}

// Phase selections of -only.
const (
	onlyBoth   = "both"
	onlyNaive  = "naive"
	onlyOnline = "online"
)

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "onlinefk:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "onlinefk:", err)
		os.Exit(1)
	}
}

// parseFlags reads and validates the command line.
func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("onlinefk", flag.ContinueOnError)
	cfg := &config{}
	fs.StringVar(&cfg.dsn, "dsn", "", "use this database instead of a throwaway server (the benchmark creates, then drops, schema "+schema+")")
	fs.Int64Var(&cfg.rows, "rows", 5_000_000, "rows in the child table")
	fs.Int64Var(&cfg.parents, "parents", 100_000, "rows in the parent table")
	fs.IntVar(&cfg.writers, "writers", 4, "concurrent writers, one connection each")
	fs.Float64Var(&cfg.rate, "rate", 0, "writes per second of all writers together, each write's latency counted from when it was due (0: as fast as they go)")
	fs.Float64Var(&cfg.updateRatio, "update-ratio", 0.5, "share of writes that update a random child row (the rest insert one)")
	fs.DurationVar(&cfg.baseline, "baseline", 10*time.Second, "length of the idle baseline")
	fs.DurationVar(&cfg.lead, "lead", 2*time.Second, "writes before each change starts (settling time, not measured)")
	fs.DurationVar(&cfg.tail, "tail", 2*time.Second, "writes after each change ends (not measured)")
	fs.StringVar(&cfg.only, "only", onlyBoth, "which change to measure: both, naive or online")
	fs.DurationVar(&cfg.lockTimeout, "lock-timeout", 0, "lock_timeout the online plan gives its DDL statements (0: the plan's default)")
	fs.DurationVar(&cfg.retryPause, "retry-pause", 250*time.Millisecond, "pause before retrying a statement that hit lock_timeout")
	fs.IntVar(&cfg.maxAttempts, "max-attempts", 20, "attempts per statement before the online plan gives up")
	fs.Uint64Var(&cfg.seed, "seed", 5, "seed of the writers' random choices")
	fs.DurationVar(&cfg.sampleEvery, "sample-waits", 10*time.Millisecond, "poll pg_stat_activity for the writers' wait events this often (0: don't)")
	cfg.settings = benchfmt.Settings{}
	fs.Var(cfg.settings, "set", "server setting name=value for the throwaway server (repeatable), e.g. -set shared_buffers=1GB")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case cfg.rows < 1:
		return nil, fmt.Errorf("-rows is %d, want at least 1", cfg.rows)
	case cfg.parents < 1:
		return nil, fmt.Errorf("-parents is %d, want at least 1", cfg.parents)
	case cfg.writers < 1:
		return nil, fmt.Errorf("-writers is %d, want at least 1", cfg.writers)
	case cfg.updateRatio < 0 || cfg.updateRatio > 1:
		return nil, fmt.Errorf("-update-ratio is %g, want 0 to 1", cfg.updateRatio)
	case cfg.rate < 0:
		return nil, fmt.Errorf("-rate is %g, want 0 or more", cfg.rate)
	case cfg.baseline <= 0:
		return nil, fmt.Errorf("-baseline is %s, want more than 0", cfg.baseline)
	case cfg.lead < 0 || cfg.tail < 0:
		return nil, fmt.Errorf("-lead and -tail must not be negative")
	case cfg.lockTimeout < 0:
		return nil, fmt.Errorf("-lock-timeout is %s, want 0 or more", cfg.lockTimeout)
	case cfg.retryPause < 0:
		return nil, fmt.Errorf("-retry-pause is %s, want 0 or more", cfg.retryPause)
	case cfg.sampleEvery < 0:
		return nil, fmt.Errorf("-sample-waits is %s, want 0 or more", cfg.sampleEvery)
	case len(cfg.settings) > 0 && cfg.dsn != "":
		return nil, fmt.Errorf("-set configures the throwaway server; with -dsn, configure the server itself")
	case cfg.maxAttempts < 1:
		return nil, fmt.Errorf("-max-attempts is %d, want at least 1", cfg.maxAttempts)
	}
	switch cfg.only {
	case onlyBoth, onlyNaive, onlyOnline:
	default:
		return nil, fmt.Errorf("-only is %q, want both, naive or online", cfg.only)
	}
	return cfg, nil
}
