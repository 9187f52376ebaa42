package migrate

import (
	"fmt"
	"strings"
)

// CompareVersions orders two migration versions numerically: "9" < "10" and
// "061" == "61", where a lexical sort would get both wrong. Versions are
// dot-separated runs of decimal digits ("20240403113607", "3", "1.2");
// components compare as numbers of any length, and a version that is a
// prefix of another sorts first ("1" < "1.1"). It returns -1, 0 or +1.
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := compareDigits(as[i], bs[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(as) < len(bs):
		return -1
	case len(as) > len(bs):
		return 1
	}
	return 0
}

// compareDigits compares two decimal digit strings by value without
// converting them, so 14-digit timestamps and longer never overflow.
func compareDigits(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	switch {
	case len(a) != len(b):
		if len(a) < len(b) {
			return -1
		}
		return 1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ValidVersion reports an error unless v is a version CompareVersions
// understands: dot-separated non-empty runs of ASCII digits.
func ValidVersion(v string) error {
	for _, part := range strings.Split(v, ".") {
		if part == "" {
			return fmt.Errorf("invalid migration version %q: expected digits, optionally dot-separated", v)
		}
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return fmt.Errorf("invalid migration version %q: expected digits, optionally dot-separated", v)
			}
		}
	}
	return nil
}
