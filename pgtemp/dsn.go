package pgtemp

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// WithDatabase returns dsn with its database replaced by name. It accepts
// both DSN forms libpq and pgx accept: postgres:// URLs and keyword/value
// strings ("host=... dbname=...").
func WithDatabase(dsn, name string) (string, error) {
	if isURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parsing DSN %s: %w", RedactDSN(dsn), errorWithoutURL(err))
		}
		u.Path, u.RawPath = dbPath(name)
		return u.String(), nil
	}
	// In keyword/value form a later keyword overrides an earlier one.
	return strings.TrimSpace(dsn) + " dbname=" + quoteKeywordValue(name), nil
}

// dbPath returns the URL path for database name, escaping "/" too so that
// no client mistakes part of the name for a path separator.
func dbPath(name string) (path, rawPath string) {
	return "/" + name, "/" + url.PathEscape(name)
}

// RedactDSN returns dsn with any password replaced by "xxxxx", for logs and
// error messages. It handles URLs (user:password@host, ?password=) and
// keyword/value strings (password=...).
func RedactDSN(dsn string) string {
	if isURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "(unparsable DSN)"
		}
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return kvPassword.ReplaceAllString(dsn, "${1}xxxxx")
}

// kvPassword matches a password in a keyword/value DSN: quoted (with
// backslash escapes) or bare.
var kvPassword = regexp.MustCompile(`(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]*)`)

// isURL reports whether dsn is in URL form.
func isURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// quoteKeywordValue quotes a keyword/value DSN value.
func quoteKeywordValue(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// errorWithoutURL strips the URL (and so any password) that url.Parse puts
// in its errors.
func errorWithoutURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
