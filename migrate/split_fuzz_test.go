package migrate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSplit checks the splitter's invariants on arbitrary input: it never
// panics; a failure is a *FileError at a real position; statements are
// non-empty slices of the source, in order and without overlap, at the line
// and column their offset implies; and the text between them holds no SQL.
func FuzzSplit(f *testing.F) {
	for _, seed := range []string{
		"select 1; select 2",
		"select 'a;b', \"x;y\", E'it\\'s;' /* ; /* nested ; */ */ -- ;\n;select 2",
		"create function f() returns int as $b$ begin return 1; end; $b$ language plpgsql;",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END; select 1",
		"select 'ünï';\r\nselect 'ß'",
		"\uFEFF-- +goose Up\nselect 1;\uFEFF;",
		"select 'unterminated",
		"/* open",
		"(((;;;)));",
		"\x00",
	} {
		f.Add(seed)
	}
	// The fixtures make realistic seeds.
	_ = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".sql") {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(string(data))
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := Split("f.sql", src)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FileError", err, err)
			}
			if fe.File != "f.sql" || fe.Line < 1 || fe.Column < 1 || fe.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("error at impossible position: %+v", fe)
			}
			return
		}
		end := 0
		for i, s := range stmts {
			if s.SQL == "" || s.Offset < end || s.Offset+len(s.SQL) > len(src) {
				t.Fatalf("statement %d: offset %d, length %d out of order or range (previous ends at %d, source %d bytes)", i, s.Offset, len(s.SQL), end, len(src))
			}
			if src[s.Offset:s.Offset+len(s.SQL)] != s.SQL {
				t.Fatalf("statement %d: text %q is not the source at offset %d", i, s.SQL, s.Offset)
			}
			if gap, err := Split("gap", src[end:s.Offset]); err != nil || len(gap) != 0 {
				t.Fatalf("statement %d: text before it %q holds statements %v (err %v)", i, src[end:s.Offset], gap, err)
			}
			before := strings.TrimPrefix(src[:s.Offset], utf8BOM)
			line := strings.Count(before, "\n") + 1
			col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
			if s.Line != line || s.Column != col {
				t.Fatalf("statement %d at offset %d: position %d:%d, want %d:%d", i, s.Offset, s.Line, s.Column, line, col)
			}
			end = s.Offset + len(s.SQL)
		}
		if gap, err := Split("gap", src[end:]); err != nil || len(gap) != 0 {
			t.Fatalf("text after the last statement %q holds statements %v (err %v)", src[end:], gap, err)
		}
	})
}
