package pgtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// currentDB connects to dsn and returns the database name it lands in.
func currentDB(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	defer conn.Close(ctx)
	var name string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatalf("querying: %v", err)
	}
	return name
}

func TestNewDBIsFreshAndDropped(t *testing.T) {
	ctx := context.Background()
	var first string
	var admin string
	t.Run("sub", func(t *testing.T) {
		dsn := NewDB(t)
		first = currentDB(t, dsn)
		if !strings.HasPrefix(first, "t_testnewdbisfreshanddropped_sub_") {
			t.Errorf("database name %q does not derive from the test name", first)
		}
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		// Left open on purpose: cleanup must drop the database anyway.
		if _, err := conn.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		admin, err = adminDSN()
		if err != nil {
			t.Fatal(err)
		}
	})
	dsn := NewDB(t)
	if got := currentDB(t, dsn); got == first {
		t.Fatalf("second NewDB returned the same database %q", got)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tables int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("fresh database has %d tables in public", tables)
	}
	aconn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer aconn.Close(ctx)
	var exists bool
	if err := aconn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", first).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %q of the finished subtest was not dropped", first)
	}
}

func TestNewDBParallel(t *testing.T) {
	seen := make(chan string, 8)
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			t.Run(string(rune('a'+i)), func(t *testing.T) {
				t.Parallel()
				seen <- currentDB(t, NewDB(t))
			})
		}
	})
	close(seen)
	names := map[string]bool{}
	for n := range seen {
		if names[n] {
			t.Errorf("database %q handed out twice", n)
		}
		names[n] = true
	}
	if len(names) != 8 {
		t.Errorf("got %d distinct databases, want 8", len(names))
	}
}

func TestExistingServerDSN(t *testing.T) {
	if os.Getenv(DSNEnv) != "" {
		t.Skip(DSNEnv + " already set")
	}
	admin, err := adminDSN()
	if err != nil {
		t.Skip(err)
	}
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		t.Fatal(err)
	}
	// The keyword/value form, as a user might export it.
	t.Setenv(DSNEnv, fmt.Sprintf("host=%s port=%d user=%s dbname=postgres sslmode=disable", cfg.Host, cfg.Port, cfg.User))
	dsn := NewDB(t)
	if !strings.HasPrefix(dsn, "host=") {
		t.Errorf("NewDB did not derive its DSN from %s: %q", DSNEnv, dsn)
	}
	if got := currentDB(t, dsn); !strings.HasPrefix(got, "t_testexistingserverdsn_") {
		t.Errorf("connected to %q, want a fresh test database", got)
	}
}

func TestDBName(t *testing.T) {
	long := strings.Repeat("Sub/Test With Spaces-", 10)
	a, b := dbName(long), dbName(long)
	if a == b {
		t.Errorf("dbName is not unique: %q twice", a)
	}
	if len(a) > 63 {
		t.Errorf("dbName(%q) = %q: %d bytes, PostgreSQL truncates names at 63", long, a, len(a))
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			t.Errorf("dbName(%q) = %q contains %q", long, a, r)
			break
		}
	}
}
