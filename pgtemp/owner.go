package pgtemp

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// serverUser is the account the server runs as when we are root: PostgreSQL
// refuses to run as root, and Debian's package creates this user.
const serverUser = "postgres"

// owner is the identity initdb and postgres run as. A nil *owner means "run
// as ourselves".
type owner struct {
	name     string
	uid, gid uint32
}

// serverOwner returns nil when the current user may run PostgreSQL itself,
// and the unprivileged postgres user when we are root.
func serverOwner() (*owner, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL must run as the unprivileged %q user: %w", serverUser, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("parsing uid of user %q: %w", serverUser, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("parsing gid of user %q: %w", serverUser, err)
	}
	return &owner{name: serverUser, uid: uint32(uid), gid: uint32(gid)}, nil
}

// sysProcAttr returns the attributes for a server process: its own session
// (so a terminal Ctrl-C reaches only us, and we decide how it stops), the
// given parent-death signal, and the owner's credentials. Groups is set
// empty so root's supplementary groups are dropped.
func (o *owner) sysProcAttr(deathSig syscall.Signal) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setsid: true, Pdeathsig: deathSig}
	if o != nil {
		attr.Credential = &syscall.Credential{Uid: o.uid, Gid: o.gid, Groups: []uint32{}}
	}
	return attr
}

// chown hands path (and everything below it) to the owner; a no-op when we
// run the server as ourselves.
func (o *owner) chown(path string) error {
	if o == nil {
		return nil
	}
	return filepath.WalkDir(path, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := os.Lchown(p, int(o.uid), int(o.gid)); err != nil {
			return fmt.Errorf("handing %s to user %q: %w", p, o.name, err)
		}
		return nil
	})
}
