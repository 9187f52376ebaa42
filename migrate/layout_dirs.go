package migrate

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// migrationDirs calls fn for every top-level directory whose name matches
// re, with its entries; a top-level file is a mismatch unless skip allows it.
func (l *loader) migrationDirs(layout Layout, re *regexp.Regexp, skip func(string) bool, fn func(dir string, m []string, files map[string]bool) error) error {
	for _, e := range l.entries {
		name := e.Name()
		if !e.IsDir() && skip(name) {
			continue
		}
		m := re.FindStringSubmatch(name)
		if !e.IsDir() || m == nil {
			return l.mismatch(name, layout)
		}
		sub, err := l.subdir(name)
		if err != nil {
			return err
		}
		files := map[string]bool{}
		for _, s := range sub {
			files[s.Name()] = !s.IsDir()
		}
		if err := fn(name, m, files); err != nil {
			return err
		}
	}
	return nil
}

// loadPrisma loads Prisma Migrate's <timestamp>_<name>/migration.sql
// directories. Prisma's migration_lock.toml is not a migration.
func loadPrisma(l *loader) ([]Migration, error) {
	var migs []Migration
	skip := func(name string) bool { return name == "migration_lock.toml" }
	err := l.migrationDirs(LayoutPrisma, prismaName, skip, func(dir string, m []string, files map[string]bool) error {
		for _, name := range sortedKeys(files) {
			if name != "migration.sql" || !files[name] {
				return &FileError{File: l.display(path.Join(dir, name)), Msg: "unexpected entry in a Prisma migration directory: expected only migration.sql"}
			}
		}
		if !files["migration.sql"] {
			return &FileError{File: l.display(dir), Msg: "Prisma migration directory without migration.sql"}
		}
		up, err := l.wholeFile(path.Join(dir, "migration.sql"))
		if err != nil {
			return err
		}
		migs = append(migs, Migration{Version: m[1], Name: m[2], Path: dir, Up: up})
		return nil
	})
	return migs, err
}

// loadDiesel loads Diesel's <version>_<name>/ directories holding up.sql,
// optionally down.sql and metadata.toml. The version is either Diesel's
// 2024-01-01-000000 form (dashes dropped for ordering) or plain digits, as
// in 00000000000000_diesel_initial_setup, which is a migration like any
// other.
func loadDiesel(l *loader) ([]Migration, error) {
	var migs []Migration
	never := func(string) bool { return false }
	err := l.migrationDirs(LayoutDiesel, dieselName, never, func(dir string, m []string, files map[string]bool) error {
		for _, name := range sortedKeys(files) {
			switch {
			case !files[name]:
			case name == "up.sql", name == "down.sql", name == "metadata.toml":
				continue
			}
			return &FileError{File: l.display(path.Join(dir, name)), Msg: "unexpected entry in a Diesel migration directory: expected up.sql, down.sql and metadata.toml"}
		}
		if !files["up.sql"] {
			return &FileError{File: l.display(dir), Msg: "Diesel migration directory without up.sql"}
		}
		mig := Migration{Version: strings.ReplaceAll(m[1], "-", ""), Name: m[2], Path: dir}
		var err error
		if mig.Up, err = l.wholeFile(path.Join(dir, "up.sql")); err != nil {
			return err
		}
		if files["down.sql"] {
			down, err := l.wholeFile(path.Join(dir, "down.sql"))
			if err != nil {
				return err
			}
			mig.Down = &down
		}
		if files["metadata.toml"] {
			noTx, err := l.dieselNoTransaction(path.Join(dir, "metadata.toml"))
			if err != nil {
				return err
			}
			mig.Up.NoTransaction = noTx
			if mig.Down != nil {
				mig.Down.NoTransaction = noTx
			}
		}
		migs = append(migs, mig)
		return nil
	})
	return migs, err
}

// dieselRunInTransaction matches the one metadata.toml key that matters.
var dieselRunInTransaction = regexp.MustCompile(`^\s*run_in_transaction\s*=\s*(\S+)\s*$`)

// dieselNoTransaction reads Diesel's metadata.toml and reports whether it
// sets run_in_transaction = false. Other keys are Diesel's own business.
func (l *loader) dieselNoTransaction(rel string) (bool, error) {
	src, err := l.read(rel)
	if err != nil {
		return false, err
	}
	noTx := false
	err = src.eachLine(func(ln line) error {
		text, _, _ := strings.Cut(ln.text, "#")
		m := dieselRunInTransaction.FindStringSubmatch(text)
		if m == nil {
			return nil
		}
		switch m[1] {
		case "false":
			noTx = true
		case "true":
			noTx = false
		default:
			return &FileError{File: src.file, Line: ln.num, Msg: fmt.Sprintf("run_in_transaction = %s: expected true or false", m[1])}
		}
		return nil
	})
	return noTx, err
}
