// Command runnervsgoose measures the overhead per migration of ondelete's
// migration runner against goose (github.com/pressly/goose/v3) applying the
// same files in the same run, with a baseline that executes the same
// statements directly, one transaction per file.
//
//	go run ./bench/cmd/runnervsgoose                    # 500 migrations, 5 rounds
//	go run ./bench/cmd/runnervsgoose -migrations 1000 -rounds 9 -dsn "$ADMIN_DSN"
//
// It writes -migrations small goose-format files (one CREATE TABLE and one
// INSERT each, with a Down section) that both runners read, starts a
// throwaway PostgreSQL server (pgtemp) unless -dsn names one, then runs
// rounds. In each round every side applies all files to a fresh database
// of its own, in an order rotated per round: goose.Up with its default
// table; ondelete's Runner.Up with its defaults (advisory lock, default
// absorbed SQLSTATEs, savepoint per statement); ondelete with absorption
// off and with no lock, which isolate those two costs; and the baseline.
// Connecting and creating the database are not timed; reading the files
// is, for both runners (goose reads them inside Up). An untimed warm-up
// round counts the statements each side sends per migration (a pgx
// tracer), which is where a runner's overhead goes: round trips.
//
// It prints min, median and max per side, the overhead per migration over
// the baseline and the ratio to goose. The server is stopped on exit,
// Ctrl-C included.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
)

// config is the parsed command line.
type config struct {
	migrations int
	rounds     int
	dsn        string
	variants   bool
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "runnervsgoose:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "runnervsgoose:", err)
		os.Exit(1)
	}
}

// parseFlags reads and validates the command line.
func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("runnervsgoose", flag.ContinueOnError)
	cfg := &config{}
	fs.IntVar(&cfg.migrations, "migrations", 500, "number of migration files")
	fs.IntVar(&cfg.rounds, "rounds", 5, "timed rounds; each side applies every file once per round")
	fs.StringVar(&cfg.dsn, "dsn", "", "an existing server to use (a role that may create databases); default: a throwaway server")
	fs.BoolVar(&cfg.variants, "variants", true, "also time ondelete without absorption and without a lock")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.migrations < 1 || cfg.migrations > 99999 {
		return nil, fmt.Errorf("-migrations is %d, want 1 to 99999", cfg.migrations)
	}
	if cfg.rounds < 1 {
		return nil, fmt.Errorf("-rounds is %d, want at least 1", cfg.rounds)
	}
	return cfg, nil
}
