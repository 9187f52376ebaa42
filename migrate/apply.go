package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
)

// Applier applies the up parts of migrations. Build one with NewApplier;
// it holds only its validated configuration and may be reused.
type Applier struct {
	cfg config
}

// NewApplier validates opts and returns an Applier. Without options it
// absorbs DefaultAbsorb and reports nothing.
func NewApplier(opts ...Option) (*Applier, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	return &Applier{cfg: cfg}, nil
}

// Apply is NewApplier(opts...) followed by its Apply.
func Apply(ctx context.Context, conn *pgx.Conn, migs []Migration, opts ...Option) (*Result, error) {
	a, err := NewApplier(opts...)
	if err != nil {
		return nil, err
	}
	return a.Apply(ctx, conn, migs)
}

// Result is what Apply did.
type Result struct {
	// Files is the number of migrations whose up part ran to the end.
	Files int
	// Statements is the number of statements that succeeded; absorbed
	// statements are counted in Absorbed instead.
	Statements int
	// Absorbed lists, in order, the statements whose error was absorbed as
	// "already applied".
	Absorbed []Absorption
	// Sources maps every foreign key created or changed by an applied
	// statement (and still present) to that statement's file and line.
	Sources map[catalog.ConstraintKey]catalog.Source
}

// AbsorbedCount returns how many absorptions had the given SQLSTATE.
func (r *Result) AbsorbedCount(code string) int {
	n := 0
	for _, a := range r.Absorbed {
		if a.Code == code {
			n++
		}
	}
	return n
}

// Absorption is one statement error taken to mean "already applied". It is
// located like a StatementError: at the server's error position, else at
// the statement's start.
type Absorption struct {
	File   string
	Line   int
	Column int
	// Code is the SQLSTATE and Message the server's message.
	Code    string
	Message string
}

// Apply runs the up part of each migration in order, statement by
// statement, in autocommit on conn, so statements that cannot run in a
// transaction (CREATE INDEX CONCURRENTLY) work and a file's own BEGIN and
// COMMIT behave as written. A statement failing with an absorbed SQLSTATE
// is recorded and skipped, unless it failed inside the file's own
// transaction block (which PostgreSQL has then aborted). Any other error
// stops Apply with a *StatementError located in the file; a file that ends
// inside an open transaction block is rolled back and reported as a
// *FileError. The returned Result describes what ran, also on error.
//
// Apply leaves session state the migrations set (search_path, SET ...) on
// conn, as psql would.
func (a *Applier) Apply(ctx context.Context, conn *pgx.Conn, migs []Migration) (*Result, error) {
	res := &Result{Sources: map[catalog.ConstraintKey]catalog.Source{}}
	if conn.PgConn().TxStatus() != 'I' {
		return res, errors.New("applying migrations: the connection is inside a transaction block; Apply needs autocommit")
	}
	fks, err := newFKTracker(ctx, conn)
	if err != nil {
		return res, fmt.Errorf("applying migrations: %w", err)
	}
	defer func() { res.Sources = fks.sources() }()
	for i := range migs {
		m := &migs[i]
		for j := range m.Up.Statements {
			if err := a.run(ctx, conn, m, &m.Up.Statements[j], res, fks); err != nil {
				rollback(ctx, conn)
				return res, err
			}
		}
		if conn.PgConn().TxStatus() != 'I' {
			rollback(ctx, conn)
			return res, &FileError{File: m.Up.File, Msg: "migration ends inside an open transaction block (missing COMMIT); rolled back"}
		}
		res.Files++
	}
	return res, nil
}

// run executes one statement and records its outcome.
func (a *Applier) run(ctx context.Context, conn *pgx.Conn, m *Migration, st *Statement, res *Result, fks *fkTracker) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("applying migrations: stopped before %s: %w", st.Pos(), err)
	}
	txBefore := conn.PgConn().TxStatus()
	start := time.Now()
	tag, err := conn.Exec(ctx, st.SQL)
	ev := Event{Migration: m, Statement: st, Elapsed: time.Since(start)}
	if err == nil {
		res.Statements++
		err = fks.observe(ctx, conn, st, txBefore, tag)
		ev.Err = err
		a.report(ev)
		return err
	}
	serr := statementError(st, err)
	// In a failed transaction block the error is not harmless: everything
	// after it fails too until the block ends.
	if a.cfg.absorb[serr.Code] && conn.PgConn().TxStatus() == 'I' {
		ab := Absorption{File: serr.File, Line: serr.Line, Column: serr.Column, Code: serr.Code, Message: serr.Message}
		res.Absorbed = append(res.Absorbed, ab)
		ev.Absorbed = &ab
		a.report(ev)
		return nil
	}
	ev.Err = serr
	a.report(ev)
	return serr
}

func (a *Applier) report(ev Event) {
	if a.cfg.onStatement != nil {
		a.cfg.onStatement(ev)
	}
}

// rollback ends a transaction block a migration left open or failed in, so
// the connection stays usable. It runs even when ctx is cancelled.
func rollback(ctx context.Context, conn *pgx.Conn) {
	if conn.IsClosed() || conn.PgConn().TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, _ = conn.Exec(ctx, "ROLLBACK")
}

// statementError builds the *StatementError for err, locating it at the
// server's error position when there is one.
func statementError(st *Statement, err error) *StatementError {
	serr := &StatementError{File: st.File, Line: st.Line, Column: st.Column, Statement: *st, Err: err, Message: err.Error()}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		serr.Code, serr.Message, serr.Detail = pe.Code, pe.Message, pe.Detail
		if pe.Position > 0 {
			serr.Line, serr.Column = locate(st, int(pe.Position))
		}
	}
	return serr
}

// locate translates a PostgreSQL error position (1-based, in characters
// of the statement text) into a file line and column.
func locate(st *Statement, pos int) (line, col int) {
	before := st.SQL[:charToByte(st.SQL, pos-1)]
	nl := strings.Count(before, "\n")
	if nl == 0 {
		return st.Line, st.Column + utf8.RuneCountInString(before)
	}
	return st.Line + nl, utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
}
