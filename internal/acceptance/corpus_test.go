package acceptance

import (
	"os"
	"path/filepath"
	"testing"
)

// repoRoot finds the module root by walking up to go.mod.
func repoRoot(t testing.TB) string {
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
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// corpusDir returns the shared corpus: $ONDELETE_CORPUS, else
// ../shared/corpus beside the repository. Missing corpus skips the test,
// except under CI=true where it fails.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ONDELETE_CORPUS")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus not found at %s (set ONDELETE_CORPUS): %v", dir, err)
		}
		t.Skipf("corpus not found at %s (set ONDELETE_CORPUS)", dir)
	}
	return dir
}
