package migrate

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Dir is a loaded migrations directory: its layout and its migrations in
// the order they apply.
type Dir struct {
	// Path is the directory (or single file) as the caller gave it.
	Path   string
	Layout Layout
	// Migrations are sorted by version (numerically), then name.
	Migrations []Migration
}

// Migration is one migration: a version, its up part and, when the layout
// has one, its down part.
type Migration struct {
	// Version is the numeric version prefix with its zeros kept
	// ("061", "20240403113607"); Diesel's dashes are dropped and Flyway's
	// underscores become dots. Empty for a lone file with no version.
	Version string
	// Name is the descriptive part of the name ("cascade-cleanup").
	Name string
	// Path is the migration's file, or its directory for Prisma and
	// Diesel, relative to the migrations directory, slash-separated.
	Path string
	Up   Section
	// Down is nil when the layout or the migration has no down part.
	Down *Section
}

// Section is the up or down part of a migration, already split into
// statements.
type Section struct {
	// File is the file holding the section: the directory as the caller
	// gave it joined with the file's relative path
	// ("examples/app/migrations/003_posts.sql").
	File       string
	Statements []Statement
	// NoTransaction is true when the migration asks to run outside a
	// transaction (goose "NO TRANSACTION", dbmate "transaction:false",
	// Diesel's run_in_transaction = false).
	NoTransaction bool
}

// Load reads the migrations at path, a directory or a single .sql file, in
// the given layout (LayoutAuto to detect it). Every file is read and split
// into statements now, so a malformed file fails here, before anything is
// applied. A directory whose layout cannot be decided yields a
// *LayoutError; a file that fits no convention of the layout, or whose
// content is malformed, yields a *FileError naming it.
func Load(p string, layout Layout) (*Dir, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %w", err)
	}
	if !fi.IsDir() {
		return loadFile(os.DirFS(filepath.Dir(p)), filepath.Base(p), p, layout)
	}
	return LoadFS(os.DirFS(p), p, layout)
}

// LoadFS is Load for a directory held in fsys (its root), such as an
// embed.FS sub-tree. root is only used to name files in sections,
// statements and errors; it may be empty.
func LoadFS(fsys fs.FS, root string, layout Layout) (*Dir, error) {
	l, err := newLoader(fsys, root)
	if err != nil {
		return nil, err
	}
	if layout == LayoutAuto {
		if layout, err = l.detect(); err != nil {
			return nil, err
		}
	}
	load, ok := loaders[layout]
	if !ok {
		return nil, fmt.Errorf("loading migrations from %s: %w", l.name(), unknownLayout(string(layout)))
	}
	migs, err := load(l)
	if err != nil {
		return nil, err
	}
	if len(migs) == 0 {
		return nil, &LayoutError{Dir: l.name(), Msg: fmt.Sprintf("no %s migrations found", layout)}
	}
	sortMigrations(migs)
	return &Dir{Path: root, Layout: layout, Migrations: migs}, nil
}

// Through returns the migrations up to and including the given version
// (compared numerically, so "60" finds "060"). It is an error when no
// migration has that version, so a typo cannot silently apply everything.
func (d *Dir) Through(version string) ([]Migration, error) {
	if err := ValidVersion(version); err != nil {
		return nil, err
	}
	var out []Migration
	found := false
	for _, m := range d.Migrations {
		if CompareVersions(m.Version, version) <= 0 {
			out = append(out, m)
			found = found || CompareVersions(m.Version, version) == 0
		}
	}
	if !found {
		return nil, fmt.Errorf("%s: no migration has version %s", d.Path, version)
	}
	return out, nil
}

// sortMigrations orders by version, then name, then path, so that equal
// versions (two files numbered 013) still apply in a stable order.
func sortMigrations(migs []Migration) {
	sort.SliceStable(migs, func(i, j int) bool {
		a, b := migs[i], migs[j]
		if c := CompareVersions(a.Version, b.Version); c != 0 {
			return c < 0
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Path < b.Path
	})
}

// loadFile loads a single SQL file as one migration. Its sections follow
// goose or dbmate annotations when it has them.
func loadFile(fsys fs.FS, base, display string, layout Layout) (*Dir, error) {
	data, err := fs.ReadFile(fsys, base)
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %w", err)
	}
	src := newSource(display, string(data))
	if layout == LayoutAuto {
		switch {
		case gooseMarker.MatchString(src.body()):
			layout = LayoutGoose
		case dbmateMark.MatchString(src.body()):
			layout = LayoutDbmate
		default:
			layout = LayoutFlat
		}
	}
	m := Migration{Path: base, Name: strings.TrimSuffix(base, ".sql")}
	if v, n, ok := parseFlatName(base); ok {
		m.Version, m.Name = v, n
	}
	switch layout {
	case LayoutFlat:
		m.Up.File = display
		m.Up.Statements, err = src.split(0, len(src.text))
	case LayoutGoose:
		m.Up, m.Down, err = parseGoose(src)
	case LayoutDbmate:
		m.Up, m.Down, err = parseDbmate(src)
	default:
		return nil, fmt.Errorf("loading %s: the %s layout needs a directory, not a file", display, layout)
	}
	if err != nil {
		return nil, err
	}
	return &Dir{Path: display, Layout: layout, Migrations: []Migration{m}}, nil
}

// loader holds one directory's listing and reads its files on demand,
// caching them so detection and loading read each file once.
type loader struct {
	fsys    fs.FS
	root    string
	entries []fs.DirEntry // top level, ignored names left out
	cache   map[string]*source
}

func newLoader(fsys fs.FS, root string) (*loader, error) {
	all, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("reading migrations directory %s: %w", root, err)
	}
	l := &loader{fsys: fsys, root: root, cache: map[string]*source{}}
	for _, e := range all {
		if !ignored(e.Name()) {
			l.entries = append(l.entries, e)
		}
	}
	return l, nil
}

// name is the directory's name for messages.
func (l *loader) name() string {
	if l.root == "" {
		return "."
	}
	return l.root
}

// display returns the path of rel (slash-separated, relative to the
// directory) as the user will see it.
func (l *loader) display(rel string) string {
	if l.root == "" {
		return rel
	}
	return filepath.Join(l.root, filepath.FromSlash(rel))
}

// read returns the source of the file at rel.
func (l *loader) read(rel string) (*source, error) {
	if s, ok := l.cache[rel]; ok {
		return s, nil
	}
	data, err := fs.ReadFile(l.fsys, rel)
	if err != nil {
		return nil, fmt.Errorf("reading migration %s: %w", l.display(rel), err)
	}
	s := newSource(l.display(rel), string(data))
	l.cache[rel] = s
	return s, nil
}

// subdir lists a sub-directory, ignored names left out.
func (l *loader) subdir(dir string) ([]fs.DirEntry, error) {
	all, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading migration directory %s: %w", l.display(dir), err)
	}
	var out []fs.DirEntry
	for _, e := range all {
		if !ignored(e.Name()) {
			out = append(out, e)
		}
	}
	return out, nil
}

// mismatch is the error for an entry that fits no convention of layout.
func (l *loader) mismatch(rel string, layout Layout) error {
	return &FileError{
		File: l.display(rel),
		Msg:  fmt.Sprintf("matches no %s migration convention: expected %s", layout, expectations[layout]),
	}
}

// detect decides the directory's layout from its entries' names and, for
// plain numbered .sql files, their goose or dbmate annotations.
func (l *loader) detect() (Layout, error) {
	cands := map[Layout]string{}
	note := func(layout Layout, rel string) {
		if _, ok := cands[layout]; !ok {
			cands[layout] = l.display(rel)
		}
	}
	for _, e := range l.entries {
		name := e.Name()
		switch {
		case e.IsDir():
			sub, err := l.subdir(name)
			if err != nil {
				return "", err
			}
			for _, s := range sub {
				switch s.Name() {
				case "migration.sql":
					note(LayoutPrisma, path.Join(name, s.Name()))
				case "up.sql":
					note(LayoutDiesel, path.Join(name, s.Name()))
				}
			}
		case strings.HasSuffix(name, ".up.sql"), strings.HasSuffix(name, ".down.sql"):
			note(LayoutGolangMigrate, name)
		case strings.HasSuffix(name, ".sql"):
			src, err := l.read(name)
			if err != nil {
				return "", err
			}
			switch {
			case gooseMarker.MatchString(src.body()):
				note(LayoutGoose, name)
			case dbmateMark.MatchString(src.body()):
				note(LayoutDbmate, name)
			default:
				if _, _, ok := parseFlatName(name); ok {
					note(LayoutFlat, name)
				}
			}
		}
	}
	// Plain numbered files beside goose, dbmate or golang-migrate files are
	// files of that layout missing their annotations or suffix: loading
	// names them.
	for _, l := range []Layout{LayoutGoose, LayoutDbmate, LayoutGolangMigrate} {
		if _, ok := cands[l]; ok {
			delete(cands, LayoutFlat)
		}
	}
	switch len(cands) {
	case 0:
		msg := "no migrations found"
		if len(l.entries) > 0 {
			msg += fmt.Sprintf(" (%s matches no layout)", l.display(l.entries[0].Name()))
		}
		return "", &LayoutError{Dir: l.name(), Msg: msg + ": expected one of the layouts " + layoutNames()}
	case 1:
		for layout := range cands {
			return layout, nil
		}
	}
	return "", &LayoutError{Dir: l.name(), Msg: "ambiguous migration layout", Candidates: cands}
}

// layoutNames lists the concrete layouts' names.
func layoutNames() string {
	var names []string
	for _, l := range Layouts() {
		names = append(names, string(l))
	}
	return strings.Join(names, ", ")
}

// loaders maps each layout to the function that loads a directory in it.
var loaders = map[Layout]func(*loader) ([]Migration, error){
	LayoutFlat:          loadFlat,
	LayoutGolangMigrate: loadGolangMigrate,
	LayoutGoose:         loadGoose,
	LayoutDbmate:        loadDbmate,
	LayoutPrisma:        loadPrisma,
	LayoutDiesel:        loadDiesel,
}
