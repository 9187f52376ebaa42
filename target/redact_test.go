package target

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	cases := []struct{ text, dsn string }{
		{"cannot connect to postgres://app:s3cr3t@db/prod", ""},
		{"failed: host=db user=app password=s3cr3t dbname=x", ""},
		{"failed: host=db password = 's3 cr3t' dbname=x", ""},
		{"server said s3cr3t is wrong", "postgres://app:s3cr3t@db/prod"},
		{"server said s3cr3t is wrong", "host=db password=s3cr3t"},
	}
	for _, c := range cases {
		got := Redact(c.text, c.dsn)
		if strings.Contains(got, "s3cr3t") || strings.Contains(got, "cr3t'") {
			t.Errorf("Redact(%q) = %q still holds the password", c.text, got)
		}
	}
	if got := Redact("postgres://app@db/prod", ""); got != "postgres://app@db/prod" {
		t.Errorf("no password: got %q", got)
	}
}
