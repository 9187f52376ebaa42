package migrate

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAdoptSource(t *testing.T) {
	for name, want := range map[string]AdoptSource{
		"goose": AdoptGoose, "Goose": AdoptGoose,
		"golang-migrate": AdoptGolangMigrate, "GOLANG-MIGRATE": AdoptGolangMigrate,
		"dbmate": AdoptDbmate,
	} {
		got, err := ParseAdoptSource(name)
		if err != nil || got != want {
			t.Errorf("ParseAdoptSource(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, name := range []string{"", "migrate", "flyway"} {
		_, err := ParseAdoptSource(name)
		want := fmt.Sprintf("unknown migration runner %q to adopt from: expected one of goose, golang-migrate, dbmate", name)
		if err == nil || err.Error() != want {
			t.Errorf("ParseAdoptSource(%q) error = %v, want %s", name, err, want)
		}
	}
}

func TestAdoptDefaultTable(t *testing.T) {
	for s, want := range map[AdoptSource]string{
		AdoptGoose: "goose_db_version", AdoptGolangMigrate: "schema_migrations", AdoptDbmate: "schema_migrations",
	} {
		if got := s.DefaultTable(); got != want {
			t.Errorf("%s.DefaultTable() = %q, want %q", s, got, want)
		}
	}
}

func TestMatchVersions(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		recorded, dir              []string
		wantApplied, wantUnmatched []string
	}{
		{"empty", nil, []string{"1"}, nil, nil},
		{"zero-padded files", []string{"10", "2", "1"}, []string{"00001", "00002", "00003", "00010"},
			[]string{"00001", "00002", "00010"}, nil},
		{"missing files sorted numerically", []string{"9", "10", "1"}, []string{"1"},
			[]string{"1"}, []string{"9", "10"}},
		{"two spellings of one version", []string{"1", "01"}, []string{"001"}, []string{"001"}, nil},
		{"dotted", []string{"1.2"}, []string{"1.1", "1.2", "1.10"}, []string{"1.2"}, nil},
		{"long timestamps", []string{"20240403113607"}, []string{"20240403113607", "99999999999999999999"},
			[]string{"20240403113607"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			applied, unmatched := matchVersions(tc.recorded, tc.dir)
			adoptCheck(t, applied, unmatched, tc.wantApplied, tc.wantUnmatched)
		})
	}
}

func TestVersionsThrough(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		last                       string
		dir                        []string
		wantApplied, wantUnmatched []string
	}{
		{"numeric not lexical", "10", []string{"9", "10", "11", "100"}, []string{"9", "10"}, nil},
		{"zero-padded files", "2", []string{"003", "001", "002"}, []string{"001", "002"}, nil},
		{"last file missing", "5", []string{"1", "6"}, []string{"1"}, []string{"5"}},
		{"below every file", "0", []string{"1"}, nil, []string{"0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			applied, unmatched := versionsThrough(tc.last, tc.dir)
			if d := cmp.Diff(tc.wantApplied, applied); d != "" {
				t.Errorf("applied (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantUnmatched, unmatched); d != "" {
				t.Errorf("unmatched (-want +got):\n%s", d)
			}
		})
	}
}
