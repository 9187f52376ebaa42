package pgtemp

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeBinDir creates dir holding executables named names.
func fakeBinDir(t *testing.T, dir string, names ...string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// isolate clears every source FindBinDir consults except those a test sets.
func isolate(t *testing.T) {
	t.Setenv("PG_BIN", "")
	t.Setenv("PATH", t.TempDir())
	old := debianBinGlob
	debianBinGlob = filepath.Join(t.TempDir(), "*", "bin")
	t.Cleanup(func() { debianBinGlob = old })
}

func TestNotFoundMessage(t *testing.T) {
	isolate(t)
	_, err := FindBinDir("")
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("got %v, want *NotFoundError", err)
	}
	want := `PostgreSQL server binaries (initdb, postgres) not found: install the "postgresql" package (apt-get install -y postgresql) or set PG_BIN`
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
}

func TestFindBinDirOrder(t *testing.T) {
	all := []string{"initdb", "postgres", "pg_ctl"}
	root := t.TempDir()
	explicit := fakeBinDir(t, filepath.Join(root, "explicit"), all...)
	env := fakeBinDir(t, filepath.Join(root, "env"), all...)
	onPath := fakeBinDir(t, filepath.Join(root, "path"), all...)

	t.Run("explicit wins", func(t *testing.T) {
		isolate(t)
		t.Setenv("PG_BIN", env)
		t.Setenv("PATH", onPath)
		got, err := FindBinDir(explicit)
		if err != nil || got != explicit {
			t.Errorf("got %q, %v; want %q", got, err, explicit)
		}
	})
	t.Run("PG_BIN before PATH", func(t *testing.T) {
		isolate(t)
		t.Setenv("PG_BIN", env)
		t.Setenv("PATH", onPath)
		got, err := FindBinDir("")
		if err != nil || got != env {
			t.Errorf("got %q, %v; want %q", got, err, env)
		}
	})
	t.Run("bad explicit dir does not fall back", func(t *testing.T) {
		isolate(t)
		t.Setenv("PATH", onPath)
		partial := fakeBinDir(t, filepath.Join(t.TempDir(), "partial"), "initdb", "postgres")
		_, err := FindBinDir(partial)
		var nf *NotFoundError
		if !errors.As(err, &nf) || !cmp.Equal(nf.Searched, []string{partial}) {
			t.Errorf("got %v; want NotFoundError searching only %s", err, partial)
		}
	})
	t.Run("bad PG_BIN does not fall back", func(t *testing.T) {
		isolate(t)
		t.Setenv("PG_BIN", filepath.Join(root, "missing"))
		t.Setenv("PATH", onPath)
		if _, err := FindBinDir(""); err == nil {
			t.Error("want an error for a PG_BIN without binaries")
		}
	})
	t.Run("PATH", func(t *testing.T) {
		isolate(t)
		t.Setenv("PATH", onPath)
		got, err := FindBinDir("")
		if err != nil || got != onPath {
			t.Errorf("got %q, %v; want %q", got, err, onPath)
		}
	})
	t.Run("PATH symlink to versioned dir", func(t *testing.T) {
		isolate(t)
		real := fakeBinDir(t, filepath.Join(t.TempDir(), "lib", "15", "bin"), all...)
		links := t.TempDir()
		if err := os.Symlink(filepath.Join(real, "initdb"), filepath.Join(links, "initdb")); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", links)
		got, err := FindBinDir("")
		if err != nil || got != real {
			t.Errorf("got %q, %v; want %q", got, err, real)
		}
	})
	t.Run("newest Debian version, numerically", func(t *testing.T) {
		isolate(t)
		lib := t.TempDir()
		debianBinGlob = filepath.Join(lib, "*", "bin")
		for _, v := range []string{"9.6", "10", "9", "13"} {
			fakeBinDir(t, filepath.Join(lib, v, "bin"), all...)
		}
		fakeBinDir(t, filepath.Join(lib, "16", "bin"), "initdb") // client-only leftovers
		fakeBinDir(t, filepath.Join(lib, "devel", "bin"), all...)
		got, err := FindBinDir("")
		if want := filepath.Join(lib, "13", "bin"); err != nil || got != want {
			t.Errorf("got %q, %v; want %q", got, err, want)
		}
		want := []string{"16", "13", "10", "9.6", "9", "devel"}
		var order []string
		for _, d := range debianBinDirs() {
			order = append(order, filepath.Base(filepath.Dir(d)))
		}
		if diff := cmp.Diff(want, order); diff != "" {
			t.Errorf("search order (-want +got):\n%s", diff)
		}
	})
	t.Run("not executable", func(t *testing.T) {
		isolate(t)
		dir := fakeBinDir(t, filepath.Join(t.TempDir(), "bin"), all...)
		if err := os.Chmod(filepath.Join(dir, "postgres"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := FindBinDir(dir); err == nil {
			t.Error("want an error when postgres is not executable")
		}
	})
}
