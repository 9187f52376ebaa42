package plan

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/ondelete/ondelete/migrate"
)

// Files lays the plan's migrations out as the next files of directory d,
// in d's own convention (see migrate.Dir.Next), one migration after the
// other. Timestamped layouts get one second per migration from now, so
// the files sort in run order. Nothing is written: pass the result to
// migrate.WriteFiles.
func Files(p *Plan, d *migrate.Dir, now time.Time) ([]migrate.File, error) {
	next := *d
	next.Migrations = append([]migrate.Migration(nil), d.Migrations...)
	var out []migrate.File
	for i, m := range p.Migrations {
		s := SessionFor(d, m)
		if p.Dialect == CockroachDB {
			s = cockroachSession
		}
		files, err := next.Next(migrate.NewMigration{
			Name:          m.Name,
			Up:            m.Script(false, s),
			Down:          m.Script(true, s),
			NoTransaction: !m.Transactional,
		}, now.Add(time.Duration(i)*time.Second))
		if err != nil {
			return nil, fmt.Errorf("laying out migration %s: %w", m.Name, err)
		}
		out = append(out, files...)
		next.Migrations = append(next.Migrations, placeholder(files[0].Path))
	}
	return out, nil
}

// SessionFor says how d's runner will run migration m, and so how its
// script sets timeouts (see Session). Flat directories without Flyway's
// "V" prefix are assumed to run with psql or ondelete's runner, statement
// by statement in autocommit; every other layout's runner wraps a file in
// a transaction unless told not to, and most send a file as one query.
func SessionFor(d *migrate.Dir, m Migration) Session {
	split := d.Layout == migrate.LayoutGoose || (d.Layout == migrate.LayoutFlat && !flyway(d))
	switch {
	case m.Transactional && split && d.Layout != migrate.LayoutGoose:
		return ExplicitTransaction
	case m.Transactional:
		if d.Layout == migrate.LayoutPrisma {
			return ExplicitTransaction // Prisma runs a migration without a transaction
		}
		return InTransaction
	case split:
		return Autocommit
	case m.NeedsOwnQuery():
		return Bare
	}
	// A non-transactional migration without such a statement still runs
	// as one query, an implicit transaction: SET LOCAL holds for it.
	return InTransaction
}

// flyway reports whether a flat directory uses Flyway's V<version>__ names.
func flyway(d *migrate.Dir) bool {
	for _, m := range d.Migrations {
		if strings.HasPrefix(path.Base(m.Path), "V") {
			return true
		}
	}
	return false
}

// placeholder stands for a migration Files has just laid out, so the next
// one is numbered after it. Prisma and Diesel migrations are directories.
func placeholder(file string) migrate.Migration {
	p := file
	if dir := path.Dir(file); dir != "." {
		p = dir
	}
	version := strings.TrimPrefix(path.Base(p), "V")
	if i := strings.IndexFunc(version, func(r rune) bool { return (r < '0' || r > '9') && r != '-' }); i >= 0 {
		version = version[:i]
	}
	return migrate.Migration{Path: p, Version: strings.ReplaceAll(strings.TrimRight(version, "-"), "-", "")}
}
