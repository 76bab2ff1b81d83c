package isds

import (
	"errors"
	"fmt"
	"strings"
)

// boxAlphabet are the characters of a box ID (no l, o, 0, 1), in the order
// of their values 0–31 for the check character.
const boxAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// System boxes: the administrator (sender of system messages) and the
// operator (commercial notices).
const (
	BoxAdministrator = "aaaaaaa"
	BoxOperator      = "zzzzzzq"
)

// ErrBoxID marks a malformed box ID.
var ErrBoxID = errors.New("isds: malformed box ID")

// checkChar is the Luhn mod 32 check character of six box-ID characters:
// values at odd (0-based) positions are doubled, each value n adds
// n/32 + n%32, and the check is (32 - sum%32) % 32.
func checkChar(six string) (byte, error) {
	if len(six) != 6 {
		return 0, fmt.Errorf("%w: %q is not 6 characters", ErrBoxID, six)
	}
	sum := 0
	for i := 0; i < 6; i++ {
		v := strings.IndexByte(boxAlphabet, six[i])
		if v < 0 {
			return 0, fmt.Errorf("%w: %q contains %q", ErrBoxID, six, six[i])
		}
		if i%2 == 1 {
			v *= 2
		}
		sum += v/32 + v%32
	}
	return boxAlphabet[(32-sum%32)%32], nil
}

// BoxID completes six characters with their check character.
func BoxID(six string) (string, error) {
	c, err := checkChar(six)
	if err != nil {
		return "", err
	}
	return six + string(c), nil
}

// CheckBoxID returns nil when id is a well-formed box ID: seven characters
// of the box alphabet whose last is the check character of the others.
func CheckBoxID(id string) error {
	if len(id) != 7 {
		return fmt.Errorf("%w: %q has %d characters, want 7", ErrBoxID, id, len(id))
	}
	c, err := checkChar(id[:6])
	if err != nil {
		return err
	}
	if id[6] != c {
		return fmt.Errorf("%w: %q has check character %q, want %q", ErrBoxID, id, id[6], c)
	}
	return nil
}

// ValidBoxID reports whether id is a well-formed box ID.
func ValidBoxID(id string) bool { return CheckBoxID(id) == nil }
