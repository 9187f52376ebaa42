package pgtemp

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// requiredBinaries are the programs a server directory must hold. pg_ctl is
// not run (postgres is started directly so that we own its process), but its
// presence is what distinguishes a server bin directory from a client-only
// one on distributions that split the packages.
var requiredBinaries = []string{"initdb", "postgres", "pg_ctl"}

// debianBinGlob is where Debian and Ubuntu install the server binaries; they
// are not on PATH there. A variable so tests can point it at a fake tree.
var debianBinGlob = "/usr/lib/postgresql/*/bin"

// FindBinDir returns the directory holding initdb, postgres and pg_ctl. It
// looks, in order, at explicit (Options.BinDir), $PG_BIN, the directory of
// initdb on PATH (following symlinks, as /usr/local/bin links into a
// versioned directory), and the newest /usr/lib/postgresql/<version>/bin.
// An explicit directory or $PG_BIN that lacks the binaries is an error
// rather than a fallback, so a typo never silently picks another version.
func FindBinDir(explicit string) (string, error) {
	if explicit != "" {
		return checkExplicit(explicit)
	}
	if env := os.Getenv("PG_BIN"); env != "" {
		return checkExplicit(env)
	}
	var searched []string
	if initdb, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(initdb)
		searched = append(searched, dir)
		if hasBinaries(dir) {
			return dir, nil
		}
		if real, err := filepath.EvalSymlinks(initdb); err == nil {
			rdir := filepath.Dir(real)
			searched = append(searched, rdir)
			if hasBinaries(rdir) {
				return rdir, nil
			}
		}
	} else {
		searched = append(searched, "PATH")
	}
	for _, dir := range debianBinDirs() {
		searched = append(searched, dir)
		if hasBinaries(dir) {
			return dir, nil
		}
	}
	return "", &NotFoundError{Searched: searched}
}

// checkExplicit validates a directory the user named.
func checkExplicit(dir string) (string, error) {
	if hasBinaries(dir) {
		return dir, nil
	}
	return "", &NotFoundError{Searched: []string{dir}}
}

// hasBinaries reports whether dir holds every required executable.
func hasBinaries(dir string) bool {
	for _, name := range requiredBinaries {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// debianBinDirs returns the Debian bin directories, newest version first.
// Versions compare numerically ("10" after "9"), and "9.6" sorts by its
// parts.
func debianBinDirs() []string {
	dirs, _ := filepath.Glob(debianBinGlob)
	slices.SortStableFunc(dirs, func(a, b string) int {
		return slices.Compare(versionOf(b), versionOf(a))
	})
	return dirs
}

// versionOf extracts the numeric parts of <version> in
// /usr/lib/postgresql/<version>/bin; a non-numeric version yields nil, which
// slices.Compare puts before every real version, so it is tried last.
func versionOf(binDir string) []int {
	v := filepath.Base(filepath.Dir(binDir))
	var parts []int
	for _, p := range strings.Split(v, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		parts = append(parts, n)
	}
	return parts
}
