package synthdata

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/internal/synth"
	"github.com/ondelete/ondelete/pgtemp"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// Config is everything a seed's fixture is generated from.
type Config struct {
	Schema synth.Options
	Data   Options
}

// DefaultConfig returns the configuration Setup uses for seed: 15 to 40
// tables and 30 to 80 foreign keys over 1 to 3 schemas (drawn from the
// seed), with more
// self-references, composite keys and awkward names than synth's defaults,
// and DefaultOptions data.
func DefaultConfig(seed uint64) Config {
	rnd := newSource(seed ^ 0xc0f1_6000)
	tables := rnd.between(15, 40)
	fks := rnd.between(max(30, tables), min(80, 3*tables))
	s := synth.DefaultOptions(seed, tables, fks)
	s.Schemas = rnd.between(1, 3) // the third, "Audit Trail", needs quoting
	s.SelfReferenceRate = 0.12
	s.CompositeKeyRate = 0.25
	s.CompositeRate = 0.35
	s.WeirdNameRate = 0.12
	return Config{Schema: s, Data: DefaultOptions(seed)}
}

// Option changes a Config before Setup generates from it.
type Option func(*Config)

// AvoidBlockers shapes the data so that the root's DELETE usually
// succeeds (Options.KeepBlockerRate 0): for purge tests, which need many
// deletes that go through.
func AvoidBlockers() Option { return func(c *Config) { c.Data.KeepBlockerRate = 0 } }

// KeepBlockers leaves every would-be blocker in place
// (Options.KeepBlockerRate 1): the root's DELETE usually fails.
func KeepBlockers() Option { return func(c *Config) { c.Data.KeepBlockerRate = 1 } }

// Size sets the number of tables and foreign keys.
func Size(tables, foreignKeys int) Option {
	return func(c *Config) { c.Schema.Tables, c.Schema.ForeignKeys = tables, foreignKeys }
}

// Rows sets the bounds of rows per table.
func Rows(minRows, maxRows int) Option {
	return func(c *Config) { c.Data.MinRows, c.Data.MaxRows = minRows, maxRows }
}

// Fixture is one seed's database, loaded and ready.
type Fixture struct {
	// DSN connects to the database; it is dropped when the test ends.
	DSN    string
	Seed   uint64
	Config Config
	// Data holds the generated rows; Data.Schema is the loaded schema.
	Data *Data
	// Root is Data.Root(): the row whose DELETE the data was shaped for.
	Root Root
}

// Schema returns the loaded schema (with the defaults Generate added).
func (f *Fixture) Schema() synth.Schema { return f.Data.Schema }

// TableNames returns the fixture's tables in creation order: what to pass
// to Contents to compare only them (not, say, a purge's own tables).
func (f *Fixture) TableNames() []catalog.TableName {
	out := make([]catalog.TableName, len(f.Data.Tables))
	for i := range f.Data.Tables {
		out[i] = f.Data.Tables[i].Table
	}
	return out
}

// Connect opens a connection to the fixture's database, closed when the
// test ends.
func (f *Fixture) Connect(t testing.TB) *pgx.Conn { return Connect(t, f.DSN) }

// Clone copies the fixture's database (see Clone).
func (f *Fixture) Clone(t testing.TB) string { return Clone(t, f.DSN) }

// Setup generates seed's schema and data (DefaultConfig changed by opts),
// loads them into a fresh pgtest database and returns the fixture. The
// calling package needs pgtest's TestMain. Setup fails the test on any
// error; invalid options are reported as such.
func Setup(t testing.TB, seed uint64, opts ...Option) *Fixture {
	t.Helper()
	cfg := DefaultConfig(seed)
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.Schema.Validate(); err != nil {
		t.Fatalf("synthdata.Setup: %v", err)
	}
	if err := cfg.Data.Validate(); err != nil {
		t.Fatalf("synthdata.Setup: %v", err)
	}
	d := Generate(synth.Generate(cfg.Schema), cfg.Data)
	dsn := pgtest.NewDB(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("synthdata.Setup: connecting: %v", err)
	}
	defer conn.Close(ctx)
	if err := Load(ctx, conn, d); err != nil {
		t.Fatalf("synthdata.Setup: seed %d: %v", seed, err)
	}
	return &Fixture{DSN: dsn, Seed: seed, Config: cfg, Data: d, Root: d.Root()}
}

// Connect opens a connection to dsn, closed when the test ends.
func Connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to %s: %v", pgtemp.RedactDSN(dsn), err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// cloneTimeout bounds creating or dropping a clone.
const cloneTimeout = 30 * time.Second

// Clone creates a copy of the database dsn names (CREATE DATABASE ...
// TEMPLATE) on the same server and returns its DSN; the copy is dropped
// when the test ends. Nobody may be connected to the source meanwhile:
// close connections to it first. It lets one seed run the native DELETE in
// one copy and the code under test in another.
func Clone(t testing.TB, dsn string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cloneTimeout)
	defer cancel()
	src, err := currentDatabase(ctx, dsn)
	if err != nil {
		t.Fatalf("synthdata.Clone: %v", err)
	}
	admin, err := pgtemp.WithDatabase(dsn, "postgres")
	if err != nil {
		t.Fatalf("synthdata.Clone: %v", err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := clip(src, 40) + "_c" + hex.EncodeToString(rnd[:])
	clone, err := pgtemp.WithDatabase(dsn, name)
	if err != nil {
		t.Fatalf("synthdata.Clone: %v", err)
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("synthdata.Clone: connecting to %s: %v", pgtemp.RedactDSN(admin), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident.Quote(name)+" TEMPLATE "+ident.Quote(src)); err != nil {
		t.Fatalf("synthdata.Clone: copying database %s: %v", ident.Display(src), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cloneTimeout)
		defer cancel()
		if err := pgtemp.DropDatabaseAt(ctx, admin, name); err != nil {
			t.Errorf("synthdata.Clone: %v", err)
		}
	})
	return clone
}

// currentDatabase returns the name of the database dsn connects to.
func currentDatabase(ctx context.Context, dsn string) (string, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var name string
	err = conn.QueryRow(ctx, "SELECT current_database()").Scan(&name)
	return name, err
}

// clip cuts an ASCII database name to n bytes.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
