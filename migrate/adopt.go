package migrate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// AdoptSource names another migration runner whose history table ondelete
// can read, so that a database migrated by that runner can switch to
// ondelete's runner without re-running what it already applied.
type AdoptSource string

// The runners whose history ReadForeignHistory understands. Each records a
// different fact: goose a log of applies and rollbacks, golang-migrate only
// the last version reached, dbmate the set of applied versions.
const (
	// AdoptGoose reads goose's goose_db_version log.
	AdoptGoose AdoptSource = "goose"
	// AdoptGolangMigrate reads golang-migrate's one-row schema_migrations.
	AdoptGolangMigrate AdoptSource = "golang-migrate"
	// AdoptDbmate reads dbmate's schema_migrations set of versions.
	AdoptDbmate AdoptSource = "dbmate"
)

// AdoptSources returns every source, in the order used for messages.
func AdoptSources() []AdoptSource {
	return []AdoptSource{AdoptGoose, AdoptGolangMigrate, AdoptDbmate}
}

// ParseAdoptSource returns the source with the given name (any case), so a
// command-line flag (--from) can name one; the error lists the choices.
func ParseAdoptSource(name string) (AdoptSource, error) {
	for _, s := range AdoptSources() {
		if strings.EqualFold(name, string(s)) {
			return s, nil
		}
	}
	names := make([]string, 0, len(AdoptSources()))
	for _, s := range AdoptSources() {
		names = append(names, string(s))
	}
	return "", fmt.Errorf("unknown migration runner %q to adopt from: expected one of %s", name, strings.Join(names, ", "))
}

// String returns the source's name as users type it.
func (s AdoptSource) String() string { return string(s) }

// DefaultTable returns the history table the runner uses unless told
// otherwise; it is unqualified, so it is looked up on the search_path as the
// runner itself does.
func (s AdoptSource) DefaultTable() string {
	if s == AdoptGoose {
		return "goose_db_version"
	}
	return "schema_migrations"
}

// ReadForeignHistory reads which migrations of a directory another runner
// recorded as applied, from its history table: table, or the runner's
// default table (DefaultTable) when table is "". table is written in SQL
// identifier syntax and may be schema-qualified (app.goose_db_version,
// "Legacy"."Schema Migrations"); unqualified names are found on the
// search_path.
//
// dirVersions are the versions of the migrations directory, spelled as
// Migration.Version spells them. They are needed because golang-migrate
// records only the last version it reached (every file up to it counts as
// applied), and because goose stores versions as integers while files are
// often zero-padded ("00002" is recorded as 2).
//
// applied holds the directory's versions the runner applied, in the
// directory's spelling; unmatched holds versions the runner recorded as
// applied for which no file of the directory has the same version (compared
// with CompareVersions), in the runner's spelling: those files are missing,
// and the caller reports them rather than pretending they never ran. Both are
// sorted with CompareVersions and hold no duplicates.
//
// A missing table is a *NoForeignHistoryError; a golang-migrate table marked
// dirty is a *DirtyForeignHistoryError (a person must settle it with
// golang-migrate first); a table that is not shaped like the runner's or
// holds a value that is not a version is a *ForeignHistoryError.
func ReadForeignHistory(ctx context.Context, conn *pgx.Conn, from AdoptSource, table string, dirVersions []string) (applied, unmatched []string, err error) {
	from, err = ParseAdoptSource(string(from))
	if err != nil {
		return nil, nil, err
	}
	t, err := resolveForeignTable(ctx, conn, from, table)
	if err != nil {
		return nil, nil, err
	}
	if err := t.checkShape(ctx, conn); err != nil {
		return nil, nil, err
	}
	recorded, err := foreignReaders[from](ctx, conn, t)
	if err != nil {
		return nil, nil, err
	}
	if recorded.through != "" {
		applied, unmatched = versionsThrough(recorded.through, dirVersions)
		return applied, unmatched, nil
	}
	applied, unmatched = matchVersions(recorded.versions, dirVersions)
	return applied, unmatched, nil
}

// matchVersions maps each recorded version to the directory's spelling of
// it (CompareVersions equality, so 2 matches "00002"); recorded versions no
// file has go to unmatched. Both results are sorted and deduplicated.
func matchVersions(recorded, dirVersions []string) (applied, unmatched []string) {
	dir := sortedVersions(dirVersions)
	for _, v := range recorded {
		if i, found := slices.BinarySearchFunc(dir, v, CompareVersions); found {
			applied = append(applied, dir[i])
		} else {
			unmatched = append(unmatched, v)
		}
	}
	return sortedVersions(applied), sortedVersions(unmatched)
}

// versionsThrough returns the directory's versions up to and including
// last, golang-migrate's meaning of its one recorded version; last goes to
// unmatched when no file has it.
func versionsThrough(last string, dirVersions []string) (applied, unmatched []string) {
	found := false
	for _, v := range dirVersions {
		switch c := CompareVersions(v, last); {
		case c < 0:
			applied = append(applied, v)
		case c == 0:
			applied = append(applied, v)
			found = true
		}
	}
	if !found {
		unmatched = []string{last}
	}
	return sortedVersions(applied), unmatched
}

// sortedVersions returns a sorted copy of vs without versions that compare
// equal to an earlier one; nil when vs is empty.
func sortedVersions(vs []string) []string {
	if len(vs) == 0 {
		return nil
	}
	out := slices.Clone(vs)
	slices.SortStableFunc(out, CompareVersions)
	return slices.CompactFunc(out, func(a, b string) bool { return CompareVersions(a, b) == 0 })
}
