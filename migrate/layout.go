package migrate

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Layout names a convention for laying out a migrations directory: how
// files are named, which part of a file is the up migration, and how the
// migrations are ordered.
type Layout string

// The layouts Load recognises. LayoutAuto asks Load to detect the layout.
const (
	LayoutAuto Layout = ""
	// LayoutFlat: numbered or timestamped plain SQL files, the whole file
	// being the up migration: 001-initial.sql, 20240403113607_replace_fk.sql,
	// and Flyway's V3__add_users.sql.
	LayoutFlat Layout = "flat"
	// LayoutGolangMigrate: golang-migrate's 1_create_users.up.sql and
	// 1_create_users.down.sql pairs.
	LayoutGolangMigrate Layout = "golang-migrate"
	// LayoutGoose: goose's 00001_create_users.sql files with
	// "-- +goose Up" / "-- +goose Down" sections.
	LayoutGoose Layout = "goose"
	// LayoutDbmate: dbmate's 20151129054053_create_users.sql files with
	// "-- migrate:up" / "-- migrate:down" sections.
	LayoutDbmate Layout = "dbmate"
	// LayoutPrisma: Prisma Migrate's 20230404095503_init/migration.sql
	// directories (migration_lock.toml is ignored).
	LayoutPrisma Layout = "prisma"
	// LayoutDiesel: Diesel's 2024-01-01-000000_create_users/up.sql and
	// down.sql directories (00000000000000_diesel_initial_setup included).
	LayoutDiesel Layout = "diesel"
)

// Layouts returns every concrete layout, in the order used for messages.
func Layouts() []Layout {
	return []Layout{LayoutFlat, LayoutGolangMigrate, LayoutGoose, LayoutDbmate, LayoutPrisma, LayoutDiesel}
}

// ParseLayout returns the layout with the given name ("auto" or "" for
// detection), so a command-line flag can force one.
func ParseLayout(name string) (Layout, error) {
	if name == "" || strings.EqualFold(name, "auto") {
		return LayoutAuto, nil
	}
	for _, l := range Layouts() {
		if strings.EqualFold(name, string(l)) {
			return l, nil
		}
	}
	return "", unknownLayout(name)
}

// unknownLayout is the error for a layout name that is not one of ours.
func unknownLayout(name string) error {
	return fmt.Errorf("unknown migration layout %q: expected one of auto, %s", name, layoutNames())
}

// String returns the layout's name; "auto" for LayoutAuto.
func (l Layout) String() string {
	if l == LayoutAuto {
		return "auto"
	}
	return string(l)
}

// The file and directory naming conventions. Each captures the version and
// the descriptive name.
var (
	flatName    = regexp.MustCompile(`^([0-9]+)(?:[-_](.*))?\.sql$`)
	flywayName  = regexp.MustCompile(`^V([0-9]+(?:[._][0-9]+)*)__(.+)\.sql$`)
	gomigName   = regexp.MustCompile(`^([0-9]+)_(.*)\.(up|down)\.sql$`)
	gooseName   = regexp.MustCompile(`^([0-9]+)_(.*)\.sql$`)
	dbmateName  = regexp.MustCompile(`^([0-9]+)[-_]?(.*)\.sql$`)
	prismaName  = regexp.MustCompile(`^([0-9]+)_(.+)$`)
	dieselName  = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}|[0-9]+)_(.+)$`)
	gooseMarker = regexp.MustCompile(`(?im)^--\s*\+goose\s+up\b`)
	dbmateMark  = regexp.MustCompile(`(?m)^--\s*migrate:up\b`)
)

// expectations describe each layout's naming, for error messages.
var expectations = map[Layout]string{
	LayoutFlat:          "<number>[-_]<name>.sql (like 001-initial.sql or 20240403113607_replace_fk.sql) or V<number>__<name>.sql",
	LayoutGolangMigrate: "<number>_<name>.up.sql or <number>_<name>.down.sql",
	LayoutGoose:         "<number>_<name>.sql with a '-- +goose Up' section",
	LayoutDbmate:        "<number>_<name>.sql with a '-- migrate:up' section",
	LayoutPrisma:        "a <timestamp>_<name>/ directory holding migration.sql",
	LayoutDiesel:        "a <timestamp>_<name>/ directory holding up.sql (and down.sql)",
}

// ignored reports whether a directory entry is never a migration: hidden
// files (.keep, .gitkeep, .DS_Store) and READMEs.
func ignored(name string) bool {
	upper := strings.ToUpper(name)
	if strings.HasPrefix(name, ".") || upper == "README" || strings.HasPrefix(upper, "README.") {
		return true
	}
	// Documentation and configuration kept beside migrations (a policy
	// file, notes) never holds SQL to apply. Diesel's metadata.toml is read
	// by the Diesel loader.
	if name == "metadata.toml" {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".txt", ".yaml", ".yml", ".json", ".toml":
		return true
	}
	return false
}

// parseFlatName returns the version and name of a flat-layout file name.
func parseFlatName(name string) (version, title string, ok bool) {
	if m := flatName.FindStringSubmatch(name); m != nil {
		return m[1], m[2], true
	}
	if m := flywayName.FindStringSubmatch(name); m != nil {
		return strings.ReplaceAll(m[1], "_", "."), m[2], true
	}
	return "", "", false
}

// sortedKeys returns a map's keys in order, for deterministic errors.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
