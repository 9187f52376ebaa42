package synth

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden pins the DDL of one small schema. Benchmarks and other
// packages' golden files rely on a seed meaning the same schema forever; a
// change here must be deliberate (go test -run TestGolden -update).
func TestGolden(t *testing.T) {
	opts := DefaultOptions(2025, 12, 20)
	opts.Schemas = 3
	opts.WeirdNameRate = 0.3
	opts.CompositeKeyRate = 0.3
	opts.CompositeRate = 0.3
	opts.SelfReferenceRate = 0.1
	got := Generate(opts).Script()
	path := filepath.Join("testdata", "golden.sql")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file: %v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("generated DDL differs from %s; if the change is deliberate, run go test -run TestGolden -update", path)
	}
}
