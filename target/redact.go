package target

import (
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

var (
	urlPassword = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)
	kvPassword  = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)
)

// Redact removes passwords from text that may contain a connection string:
// the password of each dsn wherever it appears literally, the password part of
// any postgres:// URL, and any password=... keyword. ondelete never prints
// a password, even inside a driver's error message.
func Redact(text string, dsns ...string) string {
	for _, dsn := range dsns {
		if dsn == "" {
			continue
		}
		if cfg, err := pgconn.ParseConfig(dsn); err == nil && cfg.Password != "" {
			text = strings.ReplaceAll(text, cfg.Password, "xxxxx")
		}
	}
	text = urlPassword.ReplaceAllString(text, "${1}xxxxx@")
	return kvPassword.ReplaceAllString(text, "${1}xxxxx")
}
