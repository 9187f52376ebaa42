package rowgen

import (
	"regexp/syntax"
	"strings"
)

// exampleFor returns a string matching the POSIX-ish regular expression
// pattern as found in CHECK (col ~ '^[A-Z]{2}$') constraints, varied by
// seed so repeated calls give different strings where the pattern allows.
// ok is false when the pattern is not one Go's parser understands.
func exampleFor(pattern string, seed int64) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	if !gen(&b, re.Simplify(), &seed) {
		return "", false
	}
	return b.String(), true
}

func gen(b *strings.Builder, re *syntax.Regexp, seed *int64) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
		return true
	case syntax.OpCharClass:
		// Pick the seed-th rune of the class (ranges are pairs lo, hi),
		// staying within printable ASCII where possible.
		var size int64
		for i := 0; i < len(re.Rune); i += 2 {
			size += int64(min(re.Rune[i+1], 0x7e) - re.Rune[i] + 1)
		}
		if size <= 0 {
			return false
		}
		k := *seed % size
		*seed /= size
		for i := 0; i < len(re.Rune); i += 2 {
			n := int64(min(re.Rune[i+1], 0x7e) - re.Rune[i] + 1)
			if n <= 0 {
				continue
			}
			if k < n {
				b.WriteRune(re.Rune[i] + rune(k))
				return true
			}
			k -= n
		}
		return false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
		return true
	case syntax.OpCapture:
		return gen(b, re.Sub[0], seed)
	case syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpPlus:
		return gen(b, re.Sub[0], seed)
	case syntax.OpRepeat:
		for i := 0; i < re.Min; i++ {
			if !gen(b, re.Sub[0], seed) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !gen(b, s, seed) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		return gen(b, re.Sub[0], seed)
	}
	return false
}
