package policies

import (
	"strings"

	"konektor/wsdl/isds"
)

// Code syntax of the identifiers the policy speaks (iszr-rpp note §4.1,
// RegTypy). The checks are hand-written, not regular expressions: the RPP
// import runs them on about a million records.

// maxCodeLen bounds every code (ZadostInfo/Ovm allows 36 characters).
const maxCodeLen = 36

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// prefixedNumber reports whether s is one of the prefixes followed by 1-9
// digits.
func prefixedNumber(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(s, p); ok && len(rest) <= 9 && allDigits(rest) {
			return true
		}
	}
	return false
}

// validAgenda reports whether s is an agenda code: A\d+ (X\d+ in the ISZR
// test environment).
func validAgenda(s string) bool { return prefixedNumber(s, "A", "X") }

// validRole reports whether s is a činnostní role code: CR\d+ (XR\d+ in the
// ISZR test environment).
func validRole(s string) bool { return prefixedNumber(s, "CR", "XR") }

// validCategory reports whether s is an OVM or SPUU category: KO\d+, KU\d+.
func validCategory(s string) bool { return prefixedNumber(s, "KO", "KU") }

// validOVM reports whether s is an OVM identifier: 8 digits, optionally a
// dot and digits (SPUU, e.g. 70099618.9999).
func validOVM(s string) bool {
	if len(s) > maxCodeLen {
		return false
	}
	id, suffix, dotted := strings.Cut(s, ".")
	if len(id) != 8 || !allDigits(id) {
		return false
	}
	return !dotted || (len(suffix) <= 9 && allDigits(suffix))
}

// validAIS reports whether s is an AIS code (reg:KodAisType, 1…9 999 999)
// written without leading zeros.
func validAIS(s string) bool {
	return len(s) >= 1 && len(s) <= 7 && allDigits(s) && s[0] != '0'
}

// validService reports whether s is an eGON service code: E\d+ with an
// optional lower-case letter (E35a).
func validService(s string) bool {
	if len(s) < 2 || len(s) > 15 || s[0] != 'E' {
		return false
	}
	rest := s[1:]
	if last := rest[len(rest)-1]; last >= 'a' && last <= 'z' {
		rest = rest[:len(rest)-1]
	}
	return len(rest) <= 9 && allDigits(rest)
}

// validIszrItem reports whether s is a SeznamUdaju token: an XML-name-like
// ASCII word (Prijmeni, AdresaPobytu, ...).
func validIszrItem(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// validRppItem reports whether s is an RPP údaj code <agenda>-<object>-<n>.
func validRppItem(s string) bool {
	if len(s) > maxCodeLen {
		return false
	}
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if len(p) > 9 || !allDigits(p) {
			return false
		}
	}
	return true
}

// validLevel reports whether s is a data-access level R, RH or W.
func validLevel(s string) bool {
	return s == LevelRead || s == LevelReadHistory || s == LevelWrite
}

// validBox reports whether s is a data box id (dbID): 7 characters
// [a-z2-9] whose last is the check character ISDS computes.
func validBox(s string) bool { return isds.ValidBoxID(s) }

// validOperation reports whether s names an operation of a regional
// service: "*" or a word of letters, digits, '_', '-', '.'.
func validOperation(s string) bool {
	if s == "*" {
		return true
	}
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return true
}

// Numeric keys. Every code the policy speaks is a short prefix plus digits,
// so it packs into a uint64 without allocation; Decide parses the request's
// codes into keys and never hashes strings for them. The digit count is
// part of the key, so "A0101" and "A101" stay distinct.

// digitsKey packs up to 9 digits and their count: count<<30 | value.
func digitsKey(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return uint64(len(s))<<30 | v, true
}

// prefixedKey packs one of the prefixes (its index + 1) and the digits.
func prefixedKey(s string, prefixes ...string) (uint64, bool) {
	for i, p := range prefixes {
		if len(s) > len(p) && s[:len(p)] == p {
			d, ok := digitsKey(s[len(p):])
			return uint64(i+1)<<34 | d, ok
		}
	}
	return 0, false
}

func agendaKey(s string) (uint64, bool)   { return prefixedKey(s, "A", "X") }
func roleKey(s string) (uint64, bool)     { return prefixedKey(s, "CR", "XR") }
func categoryKey(s string) (uint64, bool) { return prefixedKey(s, "KO", "KU") }

// ovmKey packs 8 digits and an optional ".suffix" of up to 9 digits.
func ovmKey(s string) (uint64, bool) {
	if len(s) < 8 {
		return 0, false
	}
	id, ok := digitsKey(s[:8])
	if !ok || len(s) == 9 || (len(s) > 9 && s[8] != '.') {
		return 0, false
	}
	k := (id & (1<<30 - 1)) << 34
	if len(s) > 9 {
		suf, ok := digitsKey(s[9:])
		if !ok {
			return 0, false
		}
		k |= suf
	}
	return k, true
}

// aisKey packs an AIS code (1…9 999 999, no leading zero).
func aisKey(s string) (uint64, bool) {
	if !validAIS(s) {
		return 0, false
	}
	return digitsKey(s)
}

// serviceKey packs an eGON service code: digits<<8 | optional letter.
func serviceKey(s string) (uint64, bool) {
	if !validService(s) {
		return 0, false
	}
	rest, letter := s[1:], uint64(0)
	if last := rest[len(rest)-1]; last >= 'a' && last <= 'z' {
		rest, letter = rest[:len(rest)-1], uint64(last)
	}
	d, ok := digitsKey(rest)
	return d<<8 | letter, ok
}
