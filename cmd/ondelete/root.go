package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ondelete/ondelete/report"
	"github.com/ondelete/ondelete/target"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "ondelete",
		Short: "Foreign-key delete semantics under control for PostgreSQL",
		Long: `ondelete inspects every foreign key of a PostgreSQL database and draws the
deletion graph from a root table: what deleting one row cascades to, sets to
NULL, or is blocked by, however many hops away.

Without --dsn (or DATABASE_URL), commands start a throwaway PostgreSQL from the
local installation and apply the --migrations directory to it.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return fmt.Errorf("%w (see --help)", err)
	})
	root.AddCommand(newInspectCmd(), newGraphCmd(), newInitCmd(), newCheckCmd(), newPlanCmd(), newMigrateCmd(), newVerifyCmd(), newExplainCmd(), newPurgeCmd())
	return root
}

// dbFlags are the connection flags every database command shares.
type dbFlags struct {
	dsn        string
	migrations string
	layout     string
	absorb     []string
	schemas    []string
}

func (f *dbFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.dsn, "dsn", "", "PostgreSQL connection string (default $DATABASE_URL); without it a throwaway server is used")
	fs.StringVar(&f.migrations, "migrations", "", "migrations directory to apply to the throwaway server (or to locate sources with --dsn)")
	fs.StringVar(&f.layout, "layout", "", "migration layout: flat, golang-migrate, goose, dbmate, prisma, diesel (default: detect)")
	fs.StringSliceVar(&f.absorb, "absorb", nil, "SQLSTATEs that mean \"already applied\" while applying migrations (default 42710,42P07,42701)")
	fs.StringSliceVar(&f.schemas, "schema", nil, "only inspect these schemas (repeatable; default: all non-system schemas)")
}

// options turns the flags into target options, reading DATABASE_URL when
// --dsn is absent. Progress lines go to stderr only when it is a terminal:
// in scripts and CI stderr carries nothing but the one-line error.
func (f *dbFlags) options(cmd *cobra.Command) target.Options {
	var progress io.Writer
	if isTerminal(cmd.ErrOrStderr()) {
		progress = cmd.ErrOrStderr()
	}
	dsn := f.dsn
	if dsn == "" {
		dsn = os.Getenv("DATABASE_URL")
	}
	lastDSN = dsn
	return target.Options{
		DSN:        dsn,
		Migrations: f.migrations,
		Layout:     f.layout,
		Absorb:     f.absorb,
		Schemas:    f.schemas,
		Progress:   progress,
	}
}

// isTerminal reports whether w (a reader or writer) is a terminal: progress lines go only
// there, so scripts and CI see nothing but results and one-line errors.
func isTerminal(w any) bool {
	fd, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(fd.Fd()))
}

// styleFor decides colour for the command's output (report.ColorEnabled:
// a terminal, NO_COLOR unset).
func styleFor(cmd *cobra.Command) report.Style {
	return report.Style{Color: report.ColorEnabled(cmd.OutOrStdout())}
}

// checkFormat validates a --format value against the allowed ones.
func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return fmt.Errorf("unknown --format %q: use one of %v", format, allowed)
}
