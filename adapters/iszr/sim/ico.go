package sim

import "strconv"

// validIco reports whether an IČO (1…99999999) passes the mod-11 check:
// the weighted sum of the first seven digits (weights 8…2) determines the
// eighth, c = (11 − sum mod 11) mod 10.
func validIco(ico int) bool {
	if ico < 1 || ico > 99999999 {
		return false
	}
	var d [8]int
	for i, n := 7, ico; i >= 0; i-- {
		d[i] = n % 10
		n /= 10
	}
	sum := 0
	for i := 0; i < 7; i++ {
		sum += d[i] * (8 - i)
	}
	return (11-sum%11)%10 == d[7]
}

// parseIco parses the 8-digit text form of an IČO.
func parseIco(s string) (int, bool) {
	if len(s) == 0 || len(s) > 8 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}
