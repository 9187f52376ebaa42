// Command purgebench measures deleting one user who owns a million rows,
// the purge issue's benchmark: PostgreSQL's own cascading DELETE against
// package purge's batched, leaves-first deletion, while a concurrent
// writer works on other users' rows of the same tables.
//
//	go run ./bench/cmd/purgebench                          # 1,000,000 rows, 25 tables
//	go run ./bench/cmd/purgebench -rows 100000 -rounds 1   # a quick run
//	go run ./bench/cmd/purgebench -rows 100000 -batch 500,2000,10000
//
// It starts a throwaway PostgreSQL server (pgtemp; or uses -dsn, a role
// that may create databases) and loads a template database: users with
// organisations, members, invitations, tags, projects, a folder tree
// (self-referencing), documents, versions and their reviews (a composite
// foreign key), tags, subscriptions, threaded comments, reactions,
// attachments in chunks, tasks and their items, events, notifications, an
// audit log and more (-tables), every referencing column indexed, most
// keys ON DELETE CASCADE and four ON DELETE SET NULL (other users' rows
// that the target user last edited, invited, reviewed or was assigned
// keep their rows). The target user owns about -rows rows; -others other
// users own -others-ratio times as many between them.
//
// Each round clones the template once per contender (CREATE DATABASE ...
// TEMPLATE, so every contender starts from identical data), VACUUM
// ANALYZEs the clone, runs the writer alone for -idle (its idle latency),
// then runs the contender with the writer still going: native, one
// DELETE FROM users WHERE id = $1 (its one transaction is the whole
// deletion); purge, purge.Run with each -batch size, timed from inspecting
// the catalog to its last commit; chunked, a hand-written application-style
// deletion (the user's organisations one per transaction, then the
// per-user tables in batches, then the user) as a point of comparison.
// The order rotates per round. The longest transaction is measured twice,
// on the client (a pgx tracer timing each transaction from its first
// statement to its commit) and on the server (pg_stat_activity's
// xact_start polled every -sample). The writer is a process of its own
// (this executable, re-run), so that purge's client-side work does not
// share a Go runtime with it. Its transactions are short ones a web
// application makes (a comment and the document's last editor,
// an event and the project's last editor, a task item, a version, an
// invitation's resend), on rows the deletion keeps, among them rows it
// nulls.
//
// After each contender it checks the deletion: the user is gone, no
// column references it, every contender of the round deleted the same
// number of rows from every table. It prints total time, longest
// transaction, the writer's worst and p99 latency, rows deleted and the
// verdict against the targets. The server is stopped on exit,
// Ctrl-C included.
//
// On a small shared machine the writer's worst latency also measures the
// machine: the report gives the writer's worst latency alone (idle max),
// the load average around each contender, and the longest lock wait of a
// writer as the sampler saw it, the part of a stall the contender's locks
// cause. For a miss, -statements N prints the most expensive statements
// (pg_stat_statements, the foreign keys' trigger queries included), the
// writer's slowest transaction is traced to what its backend did and
// which contender transactions overlapped it, and -keep (with -dsn)
// leaves the template database behind to EXPLAIN in a copy of it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ondelete/ondelete/bench/internal/benchfmt"
)

// config is the parsed command line.
type config struct {
	dsn          string
	rows         int64
	tables       int
	others       int
	othersRatio  float64
	batches      []int
	purgeWorkers []int // purge's Options.Workers, each a contender
	rounds       int
	writers      int
	idle         time.Duration
	sampleEvery  time.Duration
	contenders   []string
	seed         uint64
	settings     benchfmt.Settings
	statements   int
	keep, reuse  bool
	// prefix starts the databases' names (defaultPrefix; tests make it
	// unique).
	prefix string
}

// Contender names of -contenders.
const (
	contNative  = "native"
	contPurge   = "purge"
	contChunked = "chunked"
)

func main() {
	if os.Getenv(writerEnv) == "1" {
		if err := writerMain(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "purgebench writer:", err)
			os.Exit(1)
		}
		return
	}
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "purgebench:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "purgebench:", err)
		os.Exit(1)
	}
}

// parseFlags reads and validates the command line.
func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("purgebench", flag.ContinueOnError)
	cfg := &config{settings: benchfmt.Settings{}, prefix: defaultPrefix}
	var batches, purgeWorkers, contenders string
	fs.StringVar(&cfg.dsn, "dsn", "", "an existing server to use (a role that may create databases); default: a throwaway server")
	fs.Int64Var(&cfg.rows, "rows", 1_000_000, "rows the target user owns, about")
	fs.IntVar(&cfg.tables, "tables", len(coreTables), fmt.Sprintf("tables in the schema, at least %d (more add plain child tables)", len(coreTables)))
	fs.IntVar(&cfg.others, "others", 50, "other users, whose rows the writer works on")
	fs.Float64Var(&cfg.othersRatio, "others-ratio", 1, "rows of all other users together ÷ the target's rows")
	fs.StringVar(&batches, "batch", "0", "purge batch sizes, comma-separated (0: purge's default); each is a contender")
	fs.StringVar(&purgeWorkers, "purge-workers", "1", "purge's workers (batches at once, each on a pooled connection of its own), comma-separated; each is a contender")
	fs.IntVar(&cfg.rounds, "rounds", 1, "rounds; each runs every contender once on a fresh clone, in an order rotated per round")
	fs.IntVar(&cfg.writers, "writers", 2, "concurrent writers, one connection each, in a process of their own as an application's would be")
	fs.DurationVar(&cfg.idle, "idle", 3*time.Second, "how long the writer runs alone before each contender (its idle latency)")
	fs.DurationVar(&cfg.sampleEvery, "sample", 5*time.Millisecond, "poll pg_stat_activity for the contender's open transaction this often")
	fs.StringVar(&contenders, "contenders", "native,purge,chunked", "contenders, comma-separated: native, purge, chunked")
	fs.Uint64Var(&cfg.seed, "seed", 7, "seed of the writer's random choices")
	fs.IntVar(&cfg.statements, "statements", 0, "print each contender's N most expensive statements (pg_stat_statements, nested ones included; the throwaway server preloads it)")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the template database on the -dsn server, to inspect the data (EXPLAIN a contender's statements in a copy of it)")
	fs.BoolVar(&cfg.reuse, "reuse", false, "measure on the template a -keep run left on the -dsn server (same -rows, -tables, -others) instead of loading one; keeps it")
	fs.Var(cfg.settings, "set", "server setting name=value for the throwaway server (repeatable; over the defaults "+defaultSettings.String()+")")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if cfg.batches, err = parseInts(batches); err != nil {
		return nil, fmt.Errorf("-batch: %w", err)
	}
	if cfg.purgeWorkers, err = parseInts(purgeWorkers); err != nil || slices.Contains(cfg.purgeWorkers, 0) {
		return nil, fmt.Errorf("-purge-workers: want whole numbers 1 or more, got %q", purgeWorkers)
	}
	for _, c := range strings.Split(contenders, ",") {
		c = strings.TrimSpace(c)
		switch c {
		case contNative, contPurge, contChunked:
			if slices.Contains(cfg.contenders, c) {
				return nil, fmt.Errorf("-contenders names %s twice", c)
			}
			cfg.contenders = append(cfg.contenders, c)
		default:
			return nil, fmt.Errorf("-contenders: unknown contender %q, want native, purge or chunked", c)
		}
	}
	switch {
	case cfg.rows < 1000:
		return nil, fmt.Errorf("-rows is %d, want at least 1000", cfg.rows)
	case cfg.tables < len(coreTables):
		return nil, fmt.Errorf("-tables is %d, want at least %d", cfg.tables, len(coreTables))
	case cfg.others < 5:
		return nil, fmt.Errorf("-others is %d, want at least 5", cfg.others)
	case cfg.othersRatio <= 0:
		return nil, fmt.Errorf("-others-ratio is %g, want more than 0", cfg.othersRatio)
	case cfg.rounds < 1:
		return nil, fmt.Errorf("-rounds is %d, want at least 1", cfg.rounds)
	case cfg.writers < 0:
		return nil, fmt.Errorf("-writers is %d, want 0 or more", cfg.writers)
	case cfg.idle <= 0 && cfg.writers > 0:
		return nil, fmt.Errorf("-idle is %s, want more than 0", cfg.idle)
	case (cfg.keep || cfg.reuse) && cfg.dsn == "":
		return nil, fmt.Errorf("-keep and -reuse need -dsn: a throwaway server goes away whole")
	case cfg.statements < 0:
		return nil, fmt.Errorf("-statements is %d, want 0 or more", cfg.statements)
	case cfg.sampleEvery <= 0:
		return nil, fmt.Errorf("-sample is %s, want more than 0", cfg.sampleEvery)
	case cfg.dsn != "" && len(cfg.settings) > 0:
		return nil, fmt.Errorf("-set configures the throwaway server; with -dsn, configure the server itself")
	}
	return cfg, nil
}

// parseInts reads a comma-separated list of sizes, each 0 or more.
func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("want whole numbers 0 or more, got %q", f)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// defaultSettings size the throwaway server for a few gigabytes of data:
// pgtemp's 32MB of shared buffers would make the figures a measure of the
// page cache, and a checkpoint in the middle of a contender would land on
// one side only.
var defaultSettings = benchfmt.Settings{"shared_buffers": "1GB", "max_wal_size": "8GB", "checkpoint_timeout": "1h"}
