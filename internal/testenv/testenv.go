// Package testenv locates what tests read from outside their package: the
// repository root and the shared corpus of real public schemas (which is
// never copied into the repository).
package testenv

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the nearest directory above the working directory that
// holds go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// CorpusPath returns a path inside the shared corpus: $ONDELETE_CORPUS,
// else ../shared/corpus beside the repository. When it is missing the test
// is skipped, or failed under CI=true, where the corpus must be present.
func CorpusPath(t testing.TB, rel ...string) string {
	t.Helper()
	root := os.Getenv("ONDELETE_CORPUS")
	if root == "" {
		root = filepath.Join(RepoRoot(t), "..", "shared", "corpus")
	}
	p := filepath.Join(append([]string{root}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus not found (set ONDELETE_CORPUS): %v", err)
		}
		t.Skipf("corpus not found (set ONDELETE_CORPUS): %v", err)
	}
	return p
}

// CopyDir copies the directory tree src into dst (created as needed), so
// a test can add files to a fixture without touching the original.
func CopyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copying %s: %v", src, err)
	}
}
