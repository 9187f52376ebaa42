package pgtemp

import (
	"fmt"
	"os"
	"path/filepath"
)

// maxSocketDirLen keeps "<dir>/.s.PGSQL.<port>" under the 107-byte limit of
// a unix socket path (sun_path), with room for a five-digit port.
const maxSocketDirLen = 107 - len("/.s.PGSQL.65535") - 1

// makeTempDir creates the server's private directory. It lives under
// os.TempDir() unless that path is too long for a unix socket or, when the
// server runs as another user, not traversable by that user (e.g. TMPDIR
// under /root); then /tmp is used.
func makeTempDir(o *owner) (string, error) {
	base := os.TempDir()
	const probeLen = len("/pgtemp-1234567890")
	if len(base)+probeLen > maxSocketDirLen || (o != nil && !worldTraversable(base)) {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "pgtemp-")
	if err != nil {
		return "", fmt.Errorf("creating temporary directory: %w", err)
	}
	if len(dir) > maxSocketDirLen {
		_ = os.Remove(dir)
		return "", fmt.Errorf("temporary directory %s is too long for a unix socket path: set TMPDIR to a shorter path", dir)
	}
	if err := o.chown(dir); err != nil {
		_ = os.Remove(dir)
		return "", err
	}
	return dir, nil
}

// worldTraversable reports whether every directory from / down to dir lets
// other users through (o+x), which an unprivileged server user needs to
// reach its data directory.
func worldTraversable(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for p := abs; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if p == filepath.Dir(p) {
			return true
		}
	}
}
