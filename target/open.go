package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp"
)

// Options says which database to open.
type Options struct {
	// DSN names an existing server. When empty, a throwaway PostgreSQL is
	// started and Migrations is applied to it.
	DSN string
	// Migrations is a migrations directory (or single .sql file). Without a
	// DSN it builds the throwaway database; with a DSN it is applied to a
	// throwaway server only to learn where each foreign key was created
	// (the DSN's database is never written to).
	Migrations string
	// Layout forces a migration layout by name; empty detects it.
	Layout string
	// Absorb replaces the SQLSTATEs taken to mean "already applied";
	// nil keeps migrate.DefaultAbsorb.
	Absorb []string
	// Schemas limits inspection (see catalog.Options).
	Schemas []string
	// Progress receives one line per step (starting a server, applying
	// migrations); nil discards them.
	Progress io.Writer
}

// ErrNoDatabase is returned when neither a DSN nor a migrations directory
// was given and none was found in the usual places.
var ErrNoDatabase = errors.New("no database: pass --dsn (or set DATABASE_URL), or --migrations DIR to build one in a throwaway PostgreSQL")

// DefaultMigrationDirs are the directories tried, in order, when a command
// gets neither a DSN nor --migrations.
var DefaultMigrationDirs = []string{"db/migrations", "migrations"}

// Target is an open database: a connection plus what was learnt while
// building it.
type Target struct {
	// Conn is the connection to inspect or query.
	Conn *pgx.Conn
	// Sources maps foreign keys to the migration statement that created or
	// last changed them; empty without --migrations.
	Sources map[catalog.ConstraintKey]catalog.Source
	// Applied is what applying the migrations did, nil without them.
	Applied *migrate.Result
	// Embedded is true when Conn points at a throwaway server.
	Embedded bool

	server *pgtemp.Server
	opts   Options
}

// Open connects to the database described by opts. The caller must Close
// the Target; a throwaway server is stopped and removed then (and, should
// the process die first, by pgtemp's watchdog).
func Open(ctx context.Context, opts Options) (_ *Target, err error) {
	if opts.DSN == "" && opts.Migrations == "" {
		for _, d := range DefaultMigrationDirs {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				opts.Migrations = d
				break
			}
		}
		if opts.Migrations == "" {
			return nil, ErrNoDatabase
		}
	}
	t := &Target{opts: opts}
	defer func() {
		if err != nil {
			t.Close()
		}
	}()
	var dir *migrate.Dir
	var applier *migrate.Applier
	if opts.Migrations != "" {
		// Load and validate everything before starting a server, so bad
		// input fails fast and nothing is half-applied.
		if dir, err = loadDir(opts); err != nil {
			return nil, err
		}
		if applier, err = newApplier(opts); err != nil {
			return nil, err
		}
	}
	if opts.DSN != "" {
		if t.Conn, err = Connect(ctx, opts.DSN); err != nil {
			return nil, err
		}
		if dir != nil {
			if err := t.learnSources(ctx, dir, applier); err != nil {
				return nil, err
			}
		}
		return t, nil
	}
	conn, err := t.startServer(ctx)
	if err != nil {
		return nil, err
	}
	t.Conn, t.Embedded = conn, true
	if err := t.apply(ctx, conn, dir, applier); err != nil {
		return nil, err
	}
	return t, nil
}

// Close closes the connection and stops a throwaway server.
func (t *Target) Close() error {
	var errs []error
	if t.Conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, t.Conn.Close(ctx))
		cancel()
		t.Conn = nil
	}
	if t.server != nil {
		errs = append(errs, t.server.Stop())
		t.server = nil
	}
	return errors.Join(errs...)
}

// Snapshot opens the database, inspects it and closes it again: what the
// inspect and graph commands need.
func Snapshot(ctx context.Context, opts Options) (*catalog.Snapshot, error) {
	t, err := Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	return t.Inspect(ctx)
}

// Inspect reads the catalog of the target and attaches migration sources.
func (t *Target) Inspect(ctx context.Context) (*catalog.Snapshot, error) {
	snap, err := catalog.Inspect(ctx, t.Conn, catalog.Options{Schemas: t.opts.Schemas})
	if err != nil {
		return nil, err
	}
	snap.AttachSources(t.Sources)
	return snap, nil
}

func loadDir(opts Options) (*migrate.Dir, error) {
	layout := migrate.LayoutAuto
	if opts.Layout != "" {
		l, err := migrate.ParseLayout(opts.Layout)
		if err != nil {
			return nil, err
		}
		layout = l
	}
	return migrate.Load(filepath.Clean(opts.Migrations), layout)
}

func newApplier(opts Options) (*migrate.Applier, error) {
	var mopts []migrate.Option
	if opts.Absorb != nil {
		mopts = append(mopts, migrate.WithAbsorb(opts.Absorb...))
	}
	return migrate.NewApplier(mopts...)
}

// Connect opens a connection for dsn with application_name "ondelete"
// unless the DSN sets one (so other sessions see who holds a lock), and
// errors that name the server but never its password.
func Connect(ctx context.Context, dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parsing connection string: %s", Redact(err.Error(), dsn))
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "ondelete"
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %s", describe(cfg), Redact(err.Error(), dsn))
	}
	return conn, nil
}

// describe names a server without its password: user@host:port/database.
func describe(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

// startServer starts the throwaway server and connects to a fresh database.
func (t *Target) startServer(ctx context.Context) (*pgx.Conn, error) {
	t.progress("starting a throwaway PostgreSQL")
	srv, err := pgtemp.Start(ctx, pgtemp.Options{})
	if err != nil {
		return nil, fmt.Errorf("starting throwaway PostgreSQL: %w", err)
	}
	t.server = srv
	dsn, err := srv.CreateDatabase(ctx, "ondelete")
	if err != nil {
		return nil, fmt.Errorf("creating throwaway database: %w", err)
	}
	return Connect(ctx, dsn)
}

// learnSources applies the migrations to a throwaway server only to record
// where each foreign key comes from; the DSN's database is left alone.
func (t *Target) learnSources(ctx context.Context, dir *migrate.Dir, applier *migrate.Applier) error {
	conn, err := t.startServer(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return t.apply(ctx, conn, dir, applier)
}

func (t *Target) apply(ctx context.Context, conn *pgx.Conn, dir *migrate.Dir, applier *migrate.Applier) error {
	t.progress(fmt.Sprintf("applying %d migrations from %s (%s layout)", len(dir.Migrations), dir.Path, dir.Layout))
	res, err := applier.Apply(ctx, conn, dir.Migrations)
	if err != nil {
		return fmt.Errorf("applying migrations: %w", err)
	}
	t.Applied, t.Sources = res, res.Sources
	if n := len(res.Absorbed); n > 0 {
		t.progress(fmt.Sprintf("applied %d statements; absorbed %d as already applied", res.Statements, n))
	}
	return nil
}

func (t *Target) progress(line string) {
	if t.opts.Progress != nil {
		fmt.Fprintln(t.opts.Progress, "ondelete: "+line)
	}
}
