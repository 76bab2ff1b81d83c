package sim

import (
	"strings"
	"unicode"
)

// fold lowers s and strips Czech diacritics, for the searches ČÚZK does
// "case-insensitive and without diacritics".
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		if a, ok := plain[r]; ok {
			r = a
		}
		b.WriteRune(r)
	}
	return b.String()
}

var plain = map[rune]rune{
	'á': 'a', 'ä': 'a', 'č': 'c', 'ď': 'd', 'é': 'e', 'ě': 'e', 'ë': 'e', 'í': 'i', 'ľ': 'l', 'ĺ': 'l',
	'ň': 'n', 'ó': 'o', 'ô': 'o', 'ö': 'o', 'ř': 'r', 'ŕ': 'r', 'š': 's', 'ť': 't', 'ú': 'u', 'ů': 'u',
	'ü': 'u', 'ý': 'y', 'ž': 'z',
}

// like matches s against an SQL LIKE pattern (% any run, _ one character),
// case-insensitive and without diacritics, as the code-list conditions
// "obsahuje" do.
func like(pattern, s string) bool {
	return likeRunes([]rune(fold(pattern)), []rune(fold(s)))
}

func likeRunes(p, s []rune) bool {
	// Iterative matcher with one backtrack point per %, linear in practice
	// and never exponential.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '_' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '%':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}

// prefixFold reports whether s starts with prefix, case-insensitive and
// without diacritics.
func prefixFold(s, prefix string) bool { return strings.HasPrefix(fold(s), fold(prefix)) }

// equalFold compares case-insensitive and without diacritics, ignoring
// surrounding space.
func equalFold(a, b string) bool {
	return fold(strings.TrimSpace(a)) == fold(strings.TrimSpace(b))
}

// ascii transliterates s to ASCII (for the PDF's standard fonts).
func ascii(s string) string {
	var b strings.Builder
	for _, r := range s {
		if a, ok := plain[unicode.ToLower(r)]; ok {
			if unicode.IsUpper(r) {
				a = unicode.ToUpper(a)
			}
			r = a
		}
		if r > 126 {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}
