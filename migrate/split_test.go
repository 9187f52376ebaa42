package migrate

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stmtPos is the part of a Statement the table tests compare.
type stmtPos struct {
	SQL          string
	Line, Column int
	Offset       int
}

func positions(stmts []Statement) []stmtPos {
	out := make([]stmtPos, len(stmts))
	for i, s := range stmts {
		out[i] = stmtPos{s.SQL, s.Line, s.Column, s.Offset}
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []stmtPos
	}{
		{
			name: "simple",
			src:  "select 1;select 2;",
			want: []stmtPos{{"select 1", 1, 1, 0}, {"select 2", 1, 10, 9}},
		},
		{
			name: "no trailing semicolon, comments and blank statements dropped",
			src:  "-- header\n\nselect 1; ;;\n  /* c */ select 2 -- tail\n",
			want: []stmtPos{{"select 1", 3, 1, 11}, {"select 2", 4, 11, 34}},
		},
		{
			name: "semicolons in literals, identifiers and comments",
			src:  "select 'a;b', \"x;y\", E'it\\'s;' /* ; /* nested ; */ ; */ -- ;\n;select 2",
			want: []stmtPos{
				{"select 'a;b', \"x;y\", E'it\\'s;'", 1, 1, 0},
				{"select 2", 2, 2, 62},
			},
		},
		{
			name: "dollar quoting",
			src:  "create function f() returns int as $body$ begin return 1; end; $body$ language plpgsql;\nselect $$;$$;",
			want: []stmtPos{
				{"create function f() returns int as $body$ begin return 1; end; $body$ language plpgsql", 1, 1, 0},
				{"select $$;$$", 2, 1, 88},
			},
		},
		{
			name: "begin atomic body stays whole",
			src: "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  SELECT 2;\nEND;\n" +
				"CREATE PROCEDURE p() BEGIN ATOMIC SELECT 1; END; select 3;",
			want: []stmtPos{
				{"CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  SELECT 2;\nEND", 1, 1, 0},
				{"CREATE PROCEDURE p() BEGIN ATOMIC SELECT 1; END", 6, 1, 135},
				{"select 3", 6, 50, 184},
			},
		},
		{
			name: "plpgsql BEGIN in a DO block is not atomic",
			src:  "begin; select 1; commit;",
			want: []stmtPos{{"begin", 1, 1, 0}, {"select 1", 1, 8, 7}, {"commit", 1, 18, 17}},
		},
		{
			name: "semicolon inside parentheses does not split",
			src:  "create rule r as on insert to t do instead (insert into u values (1); insert into u values (2)); select 1;",
			want: []stmtPos{
				{"create rule r as on insert to t do instead (insert into u values (1); insert into u values (2))", 1, 1, 0},
				{"select 1", 1, 98, 97},
			},
		},
		{
			name: "columns count characters, offsets count bytes",
			src:  "select 'ünï';\r\nselect 'ß'; select 3",
			want: []stmtPos{{"select 'ünï'", 1, 1, 0}, {"select 'ß'", 2, 1, 17}, {"select 3", 2, 13, 30}},
		},
		{
			name: "byte-order mark",
			src:  "\uFEFFselect 1;\nselect 2",
			want: []stmtPos{{"select 1", 1, 1, 3}, {"select 2", 2, 1, 13}},
		},
		{
			name: "empty input",
			src:  "  -- nothing\n/* at all */",
			want: []stmtPos{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmts, err := Split("x.sql", tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, positions(stmts)); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
			for _, s := range stmts {
				if s.File != "x.sql" {
					t.Errorf("File = %q", s.File)
				}
			}
		})
	}
}

func TestSplitLexicalErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"unterminated string", "select 1;\nselect 'ab", 2, 8, "unterminated quoted string"},
		{"unterminated comment", "select 1;\n  /* open", 2, 3, "unterminated /* comment"},
		{"unterminated dollar quote", "select $x$ abc", 1, 8, "unterminated dollar-quoted string"},
		{"NUL byte", "select 1;\nselect 'é\x00'", 2, 10, "NUL byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Split("m.sql", tt.src)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error = %v, want *FileError", err)
			}
			if fe.File != "m.sql" || fe.Line != tt.line || fe.Column != tt.col || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("error = %+v, want m.sql:%d:%d: %s...", fe, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		sql  string
		kind Kind
		noTx bool
	}{
		{"CREATE INDEX CONCURRENTLY i ON t (a)", KindSchema, true},
		{"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)", KindSchema, true},
		{"CREATE INDEX i ON t (a)", KindSchema, false},
		{"DROP INDEX CONCURRENTLY i", KindSchema, true},
		{"DROP INDEX i", KindSchema, false},
		{"REINDEX INDEX CONCURRENTLY i", KindSchema, true},
		{"REINDEX (CONCURRENTLY) TABLE t", KindSchema, true},
		{"REINDEX TABLE t", KindSchema, false},
		{"REINDEX DATABASE d", KindSchema, true},
		{"VACUUM t", KindSchema, true},
		{"VACUUM (ANALYZE) t", KindSchema, true},
		{"ANALYZE t", KindSchema, false},
		{"CREATE DATABASE d", KindSchema, true},
		{"DROP DATABASE d", KindSchema, true},
		{"ALTER SYSTEM SET work_mem = '1MB'", KindSchema, true},
		{"ALTER TABLE t ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES u", KindSchema, false},
		{"ALTER TYPE e ADD VALUE 'x'", KindSchema, false},
		{"INSERT INTO t VALUES (1)", KindDML, false},
		{"UPDATE t SET a = 1", KindDML, false},
		{"DELETE FROM t", KindDML, false},
		{"SELECT 1", KindDML, false},
		{"WITH x AS (SELECT 1) SELECT * FROM x", KindDML, false},
		{"COPY t FROM STDIN", KindDML, false},
		{"BEGIN", KindTransaction, false},
		{"COMMIT", KindTransaction, false},
		{"SET search_path = ''", KindSchema, false},
		{"INSERT INTO t VALUES (1); CREATE TABLE u (a int)", KindSchema, false},
		{"INSERT INTO t VALUES (1); SELECT 1", KindDML, false},
		// Not parseable: the token fallback still finds these.
		{"CREATE INDEX CONCURRENTLY i ON t USING frobnicate (a) WITH WITH", KindUnparsed, true},
		{"VACUUM FROBNICATE FROBNICATE", KindUnparsed, true},
		{"CREATE TABLE t (a STRING, INDEX (a))", KindUnparsed, false},
	}
	for _, tt := range tests {
		kind, noTx := classify(tt.sql, 10)
		if kind != tt.kind || noTx != tt.noTx {
			t.Errorf("classify(%q) = %v, %v; want %v, %v", tt.sql, kind, noTx, tt.kind, tt.noTx)
		}
	}
}

// TestSplitHugeExpression: a left-deep expression deep enough to overflow
// the C stack of pg_query's tree serialisation must not reach the parser.
func TestSplitHugeExpression(t *testing.T) {
	src := "CREATE INDEX CONCURRENTLY i ON t ((" + strings.Repeat("a+", 40000) + "1));\nselect 1"
	stmts, err := Split("big.sql", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 || stmts[0].Kind != KindUnparsed || !stmts[0].NoTransaction || stmts[1].Kind != KindDML {
		t.Errorf("statements: %d, first %v/%v", len(stmts), stmts[0].Kind, stmts[0].NoTransaction)
	}
}

func TestCompareVersions(t *testing.T) {
	ordered := []string{"0", "1", "001.5", "2", "9", "10", "061", "99999999999999999999999", "100000000000000000000000"}
	for i := range ordered {
		for j := range ordered {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := CompareVersions(ordered[i], ordered[j]); got != want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	if CompareVersions("61", "061") != 0 || CompareVersions("1.1", "1") != 1 {
		t.Error("leading zeros or dotted versions compare wrongly")
	}
	for _, bad := range []string{"", "1.", "a", "1-2"} {
		if ValidVersion(bad) == nil {
			t.Errorf("ValidVersion(%q) = nil, want an error", bad)
		}
	}
}
