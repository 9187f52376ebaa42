package migrate

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// NewMigration is a migration to add to a directory, written by a tool
// (ondelete plan) in the directory's own convention.
type NewMigration struct {
	// Name describes the change; it becomes the file name's slug.
	Name string
	// Up and Down are SQL scripts. Down may be empty.
	Up, Down string
	// NoTransaction asks the runner to run the file outside a transaction
	// (CREATE INDEX CONCURRENTLY), in the layout's own words where it has
	// them.
	NoTransaction bool
}

// File is a file to create, relative to the migrations directory.
type File struct {
	Path    string
	Content string
}

// timestampVersion is the version format of timestamped migrations.
const timestampVersion = "20060102150405"

// Next returns the files that add m after the last migration of d, named
// and laid out as d's existing files are: the same version width and
// separator for numbered files, a timestamp from now (UTC) for timestamped
// ones, up/down pairs, sections or directories as the layout has them.
// Layouts without down files (flat, Prisma) carry the down script as a
// comment, to run by hand.
func (d *Dir) Next(m NewMigration, now time.Time) ([]File, error) {
	if len(d.Migrations) == 0 {
		return nil, fmt.Errorf("%s: no migrations to follow: the next file's name cannot be derived (write the first one by hand)", d.Path)
	}
	last := d.Migrations[len(d.Migrations)-1]
	base := path.Base(last.Path)
	version, sep, err := nextVersion(d.Layout, last, base, now)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Path, err)
	}
	name := version + sep + slug(m.Name, sep)
	switch d.Layout {
	case LayoutFlat:
		if strings.HasPrefix(base, "V") {
			name = "V" + version + "__" + slug(m.Name, "_")
		}
		return []File{{Path: name + ".sql", Content: withDownComment(m.Up, m.Down)}}, nil
	case LayoutGolangMigrate:
		files := []File{{Path: name + ".up.sql", Content: ensureNewline(m.Up)}}
		if m.Down != "" {
			files = append(files, File{Path: name + ".down.sql", Content: ensureNewline(m.Down)})
		}
		return files, nil
	case LayoutGoose:
		var b strings.Builder
		if m.NoTransaction {
			b.WriteString("-- +goose NO TRANSACTION\n")
		}
		b.WriteString("-- +goose Up\n" + ensureNewline(m.Up))
		b.WriteString("\n-- +goose Down\n" + ensureNewline(m.Down))
		return []File{{Path: name + ".sql", Content: b.String()}}, nil
	case LayoutDbmate:
		opt := ""
		if m.NoTransaction {
			opt = " transaction:false"
		}
		content := "-- migrate:up" + opt + "\n" + ensureNewline(m.Up) + "\n-- migrate:down" + opt + "\n" + ensureNewline(m.Down)
		return []File{{Path: name + ".sql", Content: content}}, nil
	case LayoutPrisma:
		return []File{{Path: name + "/migration.sql", Content: withDownComment(m.Up, m.Down)}}, nil
	case LayoutDiesel:
		files := []File{{Path: name + "/up.sql", Content: ensureNewline(m.Up)}, {Path: name + "/down.sql", Content: ensureNewline(m.Down)}}
		if m.NoTransaction {
			files = append(files, File{Path: name + "/metadata.toml", Content: "run_in_transaction = false\n"})
		}
		return files, nil
	}
	return nil, fmt.Errorf("%s: cannot write migrations in layout %q", d.Path, d.Layout)
}

var leadingDigits = regexp.MustCompile(`^V?([0-9]+)`)

// nextVersion derives the next version and the separator after it from the
// last migration: a timestamp when the last version is one, else the last
// number plus one, zero-padded to the same width.
func nextVersion(layout Layout, last Migration, base string, now time.Time) (version, sep string, err error) {
	if layout == LayoutDiesel && len(base) > 17 && base[4] == '-' && base[17] == '_' {
		v := now.UTC().Format("2006-01-02-150405")
		if strings.ReplaceAll(v, "-", "") <= last.Version {
			return "", "", fmt.Errorf("the last migration %s is not older than now (%s): check the clock", base, v)
		}
		return v, "_", nil
	}
	m := leadingDigits.FindStringSubmatch(base)
	if m == nil {
		return "", "", fmt.Errorf("cannot read a version from %s", base)
	}
	digits := m[1]
	sep = "_"
	if strings.HasPrefix(base[len(m[0]):], "-") {
		sep = "-"
	}
	if isTimestamp(digits) {
		v := now.UTC().Format(timestampVersion)
		if v <= digits {
			return "", "", fmt.Errorf("the last migration %s is not older than now (%s): check the clock", base, v)
		}
		return v, sep, nil
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return "", "", fmt.Errorf("cannot number after %s: %w", base, err)
	}
	return fmt.Sprintf("%0*d", len(digits), n+1), sep, nil
}

// isTimestamp reports whether a version is a YYYYMMDDhhmmss timestamp.
func isTimestamp(v string) bool {
	if len(v) != len(timestampVersion) {
		return false
	}
	_, err := time.Parse(timestampVersion, v)
	return err == nil
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// slug turns a description into a file-name part joined by sep.
func slug(name, sep string) string {
	s := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(name), sep), sep)
	if s == "" {
		return "ondelete"
	}
	return s
}

func ensureNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// withDownComment appends the down script as comments, for layouts that
// have no down files.
func withDownComment(up, down string) string {
	out := ensureNewline(up)
	if strings.TrimSpace(down) == "" {
		return out
	}
	out += "\n-- Down (this layout has no down migrations; run by hand to roll back):\n"
	for _, line := range strings.Split(strings.TrimRight(down, "\n"), "\n") {
		out += "-- " + line + "\n"
	}
	return out
}

// ErrExists is wrapped when a file to write already exists: generated
// migrations never overwrite anything.
var ErrExists = errors.New("file exists")

// WriteFiles creates files under dir, never overwriting one. If any file
// cannot be created, the ones already created by this call are removed
// again, so nothing half-written is left behind.
func WriteFiles(dir string, files []File) error {
	var created []string
	fail := func(err error) error {
		for i := len(created) - 1; i >= 0; i-- {
			os.Remove(created[i])
		}
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if sub := filepath.Dir(p); sub != dir {
			if _, err := os.Stat(sub); os.IsNotExist(err) {
				if err := os.Mkdir(sub, 0o755); err != nil {
					return fail(fmt.Errorf("writing migrations: %w", err))
				}
				created = append(created, sub)
			}
		}
		fh, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			if os.IsExist(err) {
				return fail(fmt.Errorf("%s: %w: generated migrations never overwrite a file", p, ErrExists))
			}
			return fail(fmt.Errorf("writing migrations: %w", err))
		}
		created = append(created, p)
		_, werr := fh.WriteString(f.Content)
		if cerr := fh.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fail(fmt.Errorf("writing %s: %w", p, werr))
		}
	}
	return nil
}
