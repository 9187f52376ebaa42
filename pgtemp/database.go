package pgtemp

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/ident"
)

// CreateDatabase creates an empty database on s and returns its DSN.
func (s *Server) CreateDatabase(ctx context.Context, name string) (dsn string, err error) {
	return CreateDatabaseAt(ctx, s.DSN("postgres"), name)
}

// DropDatabase drops database name on s, terminating its open sessions.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	return DropDatabaseAt(ctx, s.DSN("postgres"), name)
}

// CreateDatabaseAt creates an empty database called name on the server that
// adminDSN connects to (as a role allowed to create databases) and returns a
// DSN for it. It works on any server, so tests can use an existing one
// (ONDELETE_TEST_DSN) the same way as a Server.
//
// The database is copied from template0 with UTF8 and the C locale: unlike
// template1 nobody can have added objects to template0, and the C locale
// makes text ordering the same on every server.
func CreateDatabaseAt(ctx context.Context, adminDSN, name string) (string, error) {
	dsn, err := WithDatabase(adminDSN, name)
	if err != nil {
		return "", err
	}
	sql := "CREATE DATABASE " + ident.Quote(name) +
		" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
	if err := execAdmin(ctx, adminDSN, sql); err != nil {
		return "", fmt.Errorf("creating database %s: %w", ident.Display(name), err)
	}
	return dsn, nil
}

// DropDatabaseAt drops database name, if it exists, on the server that
// adminDSN connects to. WITH (FORCE) (PostgreSQL 13+) terminates sessions a
// test left open, so cleanup does not depend on every test closing its
// connections.
func DropDatabaseAt(ctx context.Context, adminDSN, name string) error {
	sql := "DROP DATABASE IF EXISTS " + ident.Quote(name) + " WITH (FORCE)"
	if err := execAdmin(ctx, adminDSN, sql); err != nil {
		return fmt.Errorf("dropping database %s: %w", ident.Display(name), err)
	}
	return nil
}

// execAdmin runs one statement on a short-lived connection. CREATE and DROP
// DATABASE cannot run in a transaction, so there is no pool or transaction
// here.
func execAdmin(ctx context.Context, adminDSN, sql string) error {
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", RedactDSN(adminDSN), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}
