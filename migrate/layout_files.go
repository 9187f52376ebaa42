package migrate

import (
	"fmt"
	"regexp"
)

// sqlFiles calls fn for every top-level entry, after checking it is a file
// whose name matches re; anything else is a mismatch of layout. fn gets the
// file name and re's submatches.
func (l *loader) sqlFiles(layout Layout, re *regexp.Regexp, fn func(name string, m []string) error) error {
	for _, e := range l.entries {
		name := e.Name()
		m := re.FindStringSubmatch(name)
		if e.IsDir() || m == nil {
			return l.mismatch(name, layout)
		}
		if err := fn(name, m); err != nil {
			return err
		}
	}
	return nil
}

// loadFlat loads numbered plain SQL files: each file is one up migration.
func loadFlat(l *loader) ([]Migration, error) {
	var migs []Migration
	for _, e := range l.entries {
		name := e.Name()
		version, title, ok := parseFlatName(name)
		if e.IsDir() || !ok {
			return nil, l.mismatch(name, LayoutFlat)
		}
		up, err := l.wholeFile(name)
		if err != nil {
			return nil, err
		}
		migs = append(migs, Migration{Version: version, Name: title, Path: name, Up: up})
	}
	return migs, nil
}

// wholeFile returns the file at rel as one section.
func (l *loader) wholeFile(rel string) (Section, error) {
	src, err := l.read(rel)
	if err != nil {
		return Section{}, err
	}
	stmts, err := src.split(0, len(src.text))
	if err != nil {
		return Section{}, err
	}
	return Section{File: src.file, Statements: stmts}, nil
}

// loadGolangMigrate loads golang-migrate's N_name.up.sql / N_name.down.sql
// pairs. A down file without its up file is an error: it would mean the
// up file was renamed or deleted.
func loadGolangMigrate(l *loader) ([]Migration, error) {
	type key struct{ version, name string }
	byKey := map[key]*Migration{}
	downs := map[key]string{}
	var order []key
	err := l.sqlFiles(LayoutGolangMigrate, gomigName, func(name string, m []string) error {
		k := key{m[1], m[2]}
		sec, err := l.wholeFile(name)
		if err != nil {
			return err
		}
		mig, ok := byKey[k]
		if !ok {
			mig = &Migration{Version: m[1], Name: m[2]}
			byKey[k] = mig
			order = append(order, k)
		}
		if m[3] == "up" {
			mig.Path, mig.Up = name, sec
		} else {
			mig.Down, downs[k] = &sec, name
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	migs := make([]Migration, 0, len(order))
	for _, k := range order {
		mig := byKey[k]
		if mig.Path == "" {
			return nil, &FileError{File: l.display(downs[k]), Msg: fmt.Sprintf("down migration without an up migration: expected %s_%s.up.sql beside it", k.version, k.name)}
		}
		migs = append(migs, *mig)
	}
	return migs, nil
}

// loadGoose loads goose SQL migrations, each file holding annotated Up and
// optional Down sections.
func loadGoose(l *loader) ([]Migration, error) {
	return l.sectioned(LayoutGoose, gooseName, parseGoose)
}

// loadDbmate loads dbmate migrations, each file holding "migrate:up" and
// optional "migrate:down" sections.
func loadDbmate(l *loader) ([]Migration, error) {
	return l.sectioned(LayoutDbmate, dbmateName, parseDbmate)
}

// sectioned loads a layout whose files each hold both an up and a down
// section, split by parse.
func (l *loader) sectioned(layout Layout, re *regexp.Regexp, parse func(*source) (Section, *Section, error)) ([]Migration, error) {
	var migs []Migration
	err := l.sqlFiles(layout, re, func(name string, m []string) error {
		src, err := l.read(name)
		if err != nil {
			return err
		}
		up, down, err := parse(src)
		if err != nil {
			return err
		}
		migs = append(migs, Migration{Version: m[1], Name: m[2], Path: name, Up: up, Down: down})
		return nil
	})
	return migs, err
}
