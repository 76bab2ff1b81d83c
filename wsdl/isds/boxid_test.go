package isds

import (
	"errors"
	"testing"
)

func TestBoxID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		ok   bool
	}{
		{"manual-example", "aydaadk", true},
		{"captured-sender", "mw7dqvw", true},
		{"captured-recipient", "vqbab52", true},
		{"captured-ovm", "9nqab6b", true},
		{"captured-fo", "ga2dqwf", true},
		{"administrator", BoxAdministrator, true},
		{"operator", BoxOperator, true},
		{"old-manual-example-fails", "ximacm6", false},
		{"other-old-example-fails", "jyg3h5s", false},
		{"wrong-check-character", "aydaadm", false},
		{"digit-one", "aydaa1k", false},
		{"letter-l", "aydaalk", false},
		{"upper-case", "AYDAADK", false},
		{"six-characters", "aydaad", false},
		{"eight-characters", "aydaadkk", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckBoxID(tc.id)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckBoxID(%q) = %v, want ok=%v", tc.id, err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrBoxID) {
				t.Fatalf("error %v is not ErrBoxID", err)
			}
			if ValidBoxID(tc.id) != tc.ok {
				t.Fatalf("ValidBoxID(%q) disagrees", tc.id)
			}
		})
	}
}

func TestBoxIDCompletes(t *testing.T) {
	got, err := BoxID("aydaad")
	if err != nil || got != "aydaadk" {
		t.Fatalf("BoxID(aydaad) = %q, %v", got, err)
	}
	if _, err := BoxID("aydaa0"); err == nil {
		t.Fatal("BoxID accepted a 0")
	}
	// Every completion is valid, and changing any one character breaks it.
	for _, six := range []string{"abcdef", "zzzzzz", "234567", "mstdem", "kraj2x"} {
		id, err := BoxID(six)
		if err != nil || !ValidBoxID(id) {
			t.Fatalf("BoxID(%s) = %q, %v", six, id, err)
		}
		for i := 0; i < 7; i++ {
			for _, c := range []byte(boxAlphabet) {
				if c == id[i] {
					continue
				}
				b := []byte(id)
				b[i] = c
				if ValidBoxID(string(b)) {
					t.Fatalf("%s with position %d changed to %c still valid", id, i, c)
				}
			}
		}
	}
}
