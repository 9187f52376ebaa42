package migrate

import (
	"errors"
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	pgparser "github.com/pganalyze/pg_query_go/v6/parser"
)

// Statement is one SQL statement of a migration file, with where it starts
// so that errors and foreign-key sources can point at the exact line.
type Statement struct {
	// SQL is the statement text exactly as written, from its first token to
	// its last, without the terminating semicolon. It is what is sent to the
	// server, so a server error position maps back into the file.
	SQL string
	// File is the file name the statement was split from, as given to Split
	// (for loaded migrations: the directory as the user gave it joined with
	// the file's relative path).
	File string
	// Line and Column are the 1-based position of the statement's first
	// character. Column counts characters (Unicode code points), as
	// PostgreSQL's error positions do, not bytes.
	Line   int
	Column int
	// Offset is the byte offset of the statement's first character in the
	// file: File's content[Offset:Offset+len(SQL)] == SQL.
	Offset int
	// NoTransaction is true when PostgreSQL refuses to run the statement
	// inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, CREATE
	// DATABASE, ALTER SYSTEM, ...). A runner that wraps migrations in
	// transactions must run such statements on their own.
	NoTransaction bool
	// Kind tells whether the statement only touches rows, controls a
	// transaction, or may change the schema.
	Kind Kind
}

// Pos returns the statement's start as file:line:column, the form editors
// and compilers use.
func (s *Statement) Pos() string {
	return fmt.Sprintf("%s:%d:%d", s.File, s.Line, s.Column)
}

// Split splits the SQL text src of the named file into statements, using
// PostgreSQL's own lexer (through pg_query), so semicolons inside string
// literals (including E-prefixed escape strings), quoted identifiers, dollar-quoted bodies
// and nested block comments never split a statement. Bodies written as
// BEGIN ATOMIC ... END (SQL-standard function bodies) stay whole, as psql
// keeps them. Comments and empty statements between statements are dropped.
//
// file is only used to label the statements and errors. A lexical error
// (an unterminated quote or comment, a NUL byte) is returned as a
// *FileError with the line and column where it occurs.
func Split(file, src string) ([]Statement, error) {
	return newSource(file, src).split(0, len(src))
}

// source is one file's text with a line index, shared by the layouts and the
// splitter so every statement gets consistent positions.
type source struct {
	file  string
	text  string
	lines []int // byte offset of the start of each line
}

// utf8BOM is the byte-order mark some editors put at the start of a file.
const utf8BOM = "\uFEFF"

// newSource indexes text. A leading byte-order mark is not SQL (the server
// would take it as part of an identifier): the first line starts after it,
// so it is neither split nor counted in columns.
func newSource(file, text string) *source {
	lines := []int{0}
	if strings.HasPrefix(text, utf8BOM) {
		lines[0] = len(utf8BOM)
	}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			lines = append(lines, i+1)
		}
	}
	return &source{file: file, text: text, lines: lines}
}

// body is the text after any byte-order mark.
func (s *source) body() string { return s.text[s.lines[0]:] }

// position returns the 1-based line and character column of byte offset off.
func (s *source) position(off int) (line, col int) {
	// The last line start <= off.
	lo, hi := 0, len(s.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, len([]rune(s.text[s.lines[lo]:off])) + 1
}

// errorAt returns a *FileError located at byte offset off.
func (s *source) errorAt(off int, format string, args ...any) *FileError {
	line, col := s.position(off)
	return &FileError{File: s.file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// token is a lexical token of the source, with absolute byte offsets.
type token struct {
	start, end int
	tok        pg_query.Token
}

// tokens lexes text[start:end] and returns its tokens with offsets into the
// whole text, comments excluded.
func (s *source) tokens(start, end int) ([]token, error) {
	start = max(start, s.lines[0])
	end = max(end, start)
	chunk := s.text[start:end]
	// The lexer takes a C string: a NUL byte would silently end the input.
	// PostgreSQL rejects NUL bytes in query text too.
	if i := strings.IndexByte(chunk, 0); i >= 0 {
		return nil, s.errorAt(start+i, "NUL byte in SQL text")
	}
	res, err := pg_query.Scan(chunk)
	if err != nil {
		var perr *pgparser.Error
		off := start
		if errors.As(err, &perr) && perr.Cursorpos > 0 {
			off = start + charToByte(chunk, perr.Cursorpos-1)
		}
		return nil, s.errorAt(off, "%s", lexMessage(err))
	}
	toks := make([]token, 0, len(res.Tokens))
	for _, t := range res.Tokens {
		if t.Token == pg_query.Token_SQL_COMMENT || t.Token == pg_query.Token_C_COMMENT {
			continue
		}
		toks = append(toks, token{start: start + int(t.Start), end: start + int(t.End), tok: t.Token})
	}
	return toks, nil
}

// split splits text[start:end] into statements at top-level semicolons.
func (s *source) split(start, end int) ([]Statement, error) {
	toks, err := s.tokens(start, end)
	if err != nil {
		return nil, err
	}
	var stmts []Statement
	var b boundary
	first := -1 // index of the current statement's first token
	for i, t := range toks {
		if first < 0 {
			if t.tok == pg_query.Token_ASCII_59 {
				continue // empty statement
			}
			first = i
			b = boundary{}
		}
		if b.terminates(toks, i) {
			stmts = append(stmts, s.statement(toks[first:i]))
			first = -1
		}
	}
	if first >= 0 {
		stmts = append(stmts, s.statement(toks[first:]))
	}
	return stmts, nil
}

// block returns text[start:end] as a single statement (a goose
// StatementBegin/StatementEnd block), trimmed of surrounding whitespace,
// comments and one trailing semicolon. ok is false when the block holds no
// SQL.
func (s *source) block(start, end int) (stmt Statement, ok bool, err error) {
	toks, err := s.tokens(start, end)
	if err != nil {
		return Statement{}, false, err
	}
	if len(toks) > 0 && toks[len(toks)-1].tok == pg_query.Token_ASCII_59 {
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 {
		return Statement{}, false, nil
	}
	return s.statement(toks), true, nil
}

// statement builds the Statement spanning toks and classifies it.
func (s *source) statement(toks []token) Statement {
	start, end := toks[0].start, toks[len(toks)-1].end
	line, col := s.position(start)
	st := Statement{SQL: s.text[start:end], File: s.file, Line: line, Column: col, Offset: start}
	st.Kind, st.NoTransaction = classify(st.SQL, len(toks))
	return st
}

// boundary tracks what decides whether a semicolon ends a statement:
// parenthesis depth, and the BEGIN ATOMIC ... END nesting of a CREATE
// FUNCTION or PROCEDURE whose body is written in SQL, where semicolons
// separate the body's statements. It mirrors what psql does.
type boundary struct {
	parens   int
	atomic   int  // BEGIN ATOMIC / CASE nesting inside a routine body
	routine  bool // the statement is CREATE [OR REPLACE] FUNCTION|PROCEDURE
	position int  // number of tokens seen in the statement
}

// terminates consumes toks[i] and reports whether it is the semicolon that
// ends the current statement.
func (b *boundary) terminates(toks []token, i int) bool {
	t := toks[i].tok
	b.position++
	switch {
	case b.position <= 4 && (t == pg_query.Token_FUNCTION || t == pg_query.Token_PROCEDURE):
		// CREATE FUNCTION, CREATE OR REPLACE FUNCTION.
		b.routine = b.position >= 2 && toks[i-b.position+1].tok == pg_query.Token_CREATE
	case t == pg_query.Token_ASCII_40:
		b.parens++
	case t == pg_query.Token_ASCII_41:
		if b.parens > 0 {
			b.parens--
		}
	case b.routine && t == pg_query.Token_BEGIN_P && i+1 < len(toks) && toks[i+1].tok == pg_query.Token_ATOMIC:
		b.atomic++
	case b.atomic > 0 && t == pg_query.Token_CASE:
		b.atomic++
	case b.atomic > 0 && t == pg_query.Token_END_P:
		b.atomic--
	case t == pg_query.Token_ASCII_59:
		return b.parens == 0 && b.atomic == 0
	}
	return false
}

// lexMessage is the lexer's message without its "at or near" excerpt: the
// error already carries the position, and the excerpt runs to the end of
// the input, line breaks and all.
func lexMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, " at or near "); i > 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

// charToByte returns the byte offset of the n-th (0-based) character of s,
// clamped to len(s). PostgreSQL reports positions in characters.
func charToByte(s string, n int) int {
	if n <= 0 {
		return 0
	}
	i := 0
	for off := range s {
		if i == n {
			return off
		}
		i++
	}
	return len(s)
}
