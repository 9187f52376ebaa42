package report

import (
	"net/url"
	"path/filepath"
	"strings"
)

// sarifFileURI turns a migration file path into a SARIF artifact
// location: a relative reference resolved against %SRCROOT% whenever
// possible (a relative path, or an absolute one below srcRoot), else an
// absolute file URI. Paths are percent-encoded segment by segment, so
// spaces, '%', '#', '?' and non-ASCII names stay valid URI references.
func sarifFileURI(file, srcRoot string) (uri, uriBaseID string) {
	if !filepath.IsAbs(file) {
		return sarifEscapePath(filepath.ToSlash(filepath.Clean(file)), true), sarifSrcRoot
	}
	if filepath.IsAbs(srcRoot) {
		if rel, err := filepath.Rel(srcRoot, file); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return sarifEscapePath(filepath.ToSlash(rel), true), sarifSrcRoot
		}
	}
	return sarifAbsoluteURI(file), ""
}

// sarifRootURI is srcRoot as an absolute file URI ending in a slash, as
// originalUriBaseIds requires; ok is false when srcRoot is not an
// absolute path.
func sarifRootURI(srcRoot string) (uri string, ok bool) {
	if !filepath.IsAbs(srcRoot) {
		return "", false
	}
	uri = sarifAbsoluteURI(srcRoot)
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri, true
}

// sarifAbsoluteURI is an absolute path as a file:// URI; Windows drive
// paths (C:/x) get the leading slash RFC 8089 wants.
func sarifAbsoluteURI(path string) string {
	p := filepath.ToSlash(filepath.Clean(path))
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return "file://" + sarifEscapePath(p, false)
}

// sarifEscapePath percent-encodes each segment of a slash-separated path.
// In a relative reference a colon must be encoded too (relative), or
// "a:b/c.sql" would read as a URI with scheme "a".
func sarifEscapePath(p string, relative bool) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		s = url.PathEscape(s)
		if relative {
			s = strings.ReplaceAll(s, ":", "%3A")
		}
		segs[i] = s
	}
	return strings.Join(segs, "/")
}
