// Command compare measures ondelete's inspect plus graph against the
// information_schema query hand-written foreign-key drift tests run, on the
// same throwaway database in the same run, and prints the two side by side.
//
//	go run ./bench/cmd/compare                 # 5,000 tables, 10,000 FKs, 5 runs
//	go run ./bench/cmd/compare -runs 9 -drift-runs 3 -drift all -drift-timeout 30m
//
// It starts a throwaway PostgreSQL server (pgtemp), loads a synthetic
// schema (internal/synth) and ANALYZEs it, picks the root with the biggest
// deletion graph, then runs every side -runs times (the drift queries
// -drift-runs times, since they are slow), interleaved: one run of each
// side per round, each on a fresh connection as a CLI invocation or a test
// run has. It prints min, median and max per side, the
// ratio of the medians and the memory inspect plus graph used. The server
// is stopped on exit, Ctrl-C included.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ondelete/ondelete/bench"
)

// config is the parsed command line.
type config struct {
	tables, fks, runs int
	driftRuns         int
	seed              uint64
	drift             []bench.DriftQuery
	driftTimeout      time.Duration
	allRoots          bool
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// parseFlags reads and validates the command line.
func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	cfg := &config{}
	fs.IntVar(&cfg.tables, "tables", bench.Tables, "number of tables in the synthetic schema")
	fs.IntVar(&cfg.fks, "fks", bench.ForeignKeys, "number of foreign keys in the synthetic schema")
	fs.Uint64Var(&cfg.seed, "seed", bench.Seed, "seed of the synthetic schema")
	fs.IntVar(&cfg.runs, "runs", 5, "timed runs per side, interleaved")
	fs.IntVar(&cfg.driftRuns, "drift-runs", 0, "timed runs per drift query, in the first rounds (0: as many as -runs)")
	drift := fs.String("drift", bench.DriftQueries[0].Name, "drift queries to run: comma-separated names ("+driftNames()+") or all")
	fs.DurationVar(&cfg.driftTimeout, "drift-timeout", 0, "cancel a drift query run after this long and report it as slower (0: no limit)")
	fs.BoolVar(&cfg.allRoots, "all-roots", true, "also time inspect plus a graph for every referenced table")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.runs < 1 {
		return nil, fmt.Errorf("-runs is %d, want at least 1", cfg.runs)
	}
	if cfg.driftRuns < 0 {
		return nil, fmt.Errorf("-drift-runs is %d, want 0 or more", cfg.driftRuns)
	}
	if cfg.driftRuns == 0 || cfg.driftRuns > cfg.runs {
		cfg.driftRuns = cfg.runs
	}
	if cfg.driftTimeout < 0 {
		return nil, fmt.Errorf("-drift-timeout is %s, want 0 or more", cfg.driftTimeout)
	}
	qs, err := selectDrift(*drift)
	if err != nil {
		return nil, err
	}
	cfg.drift = qs
	return cfg, nil
}

// selectDrift resolves the -drift list.
func selectDrift(list string) ([]bench.DriftQuery, error) {
	if list == "all" {
		return bench.DriftQueries, nil
	}
	var qs []bench.DriftQuery
	for _, name := range strings.Split(list, ",") {
		found := false
		for _, q := range bench.DriftQueries {
			if q.Name == strings.TrimSpace(name) {
				qs, found = append(qs, q), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("-drift: unknown query %q (known: %s)", name, driftNames())
		}
	}
	return qs, nil
}

func driftNames() string {
	names := make([]string, len(bench.DriftQueries))
	for i, q := range bench.DriftQueries {
		names[i] = q.Name
	}
	return strings.Join(names, ", ")
}
