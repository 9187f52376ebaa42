package pgtemp

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestWithDatabase(t *testing.T) {
	tests := []struct{ dsn, name, want string }{
		{"postgres://u@h:5/old?sslmode=disable", "new db", "postgres://u@h:5/new%20db?sslmode=disable"},
		{"postgresql://u@h/", `we"ird/x`, "postgresql://u@h/we%22ird%2Fx"},
		{"host=h user=u dbname=old", `it's\`, `host=h user=u dbname=old dbname='it\'s\\'`},
	}
	for _, tt := range tests {
		got, err := WithDatabase(tt.dsn, tt.name)
		if err != nil {
			t.Errorf("WithDatabase(%q, %q): %v", tt.dsn, tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("WithDatabase(%q, %q) = %q, want %q", tt.dsn, tt.name, got, tt.want)
		}
		// The driver must read back exactly the name we asked for.
		cfg, err := pgx.ParseConfig(got)
		if err != nil {
			t.Errorf("pgx cannot parse %q: %v", got, err)
			continue
		}
		if cfg.Database != tt.name {
			t.Errorf("pgx reads database %q from %q, want %q", cfg.Database, got, tt.name)
		}
	}
}

func TestRedactDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u:s3cret@h:5/db", "postgres://u:xxxxx@h:5/db"},
		{"postgres://u@h/db?password=s3cret&sslmode=disable", "postgres://u@h/db?password=xxxxx&sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"host=h password=s3cret user=u", "host=h password=xxxxx user=u"},
		{`host=h password='s3 \'cret' user=u`, "host=h password=xxxxx user=u"},
		{"host=h password = s3cret", "host=h password = xxxxx"},
		{"host=h user=u", "host=h user=u"},
	}
	for _, tt := range tests {
		if got := RedactDSN(tt.in); got != tt.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
