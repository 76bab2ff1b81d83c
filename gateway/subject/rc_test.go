package subject

import (
	"errors"
	"strings"
	"testing"
)

// TestRCSubjects: a rodné číslo (ČÚZK owner searches) hashes the same with
// or without its slash, and an auditor finds it by "rc:…", "rč:…" or the
// number written with the slash.
func TestRCSubjects(t *testing.T) {
	t.Parallel()
	h := hasher(t)
	// Computed independently with Python's hmac module from the package
	// doc's rule.
	const want = "rc:1a5f6edbb9f2a188a9ea4e5103c5049a"
	rc, err := h.Hash(KindRC, "7001011234")
	if err != nil || !strings.HasPrefix(rc, "rc:") || !IsHash(rc) {
		t.Fatalf("Hash(rc) = %q, %v", rc, err)
	}
	if rc != want {
		t.Errorf("Hash(rc) = %q, want %q", rc, want)
	}
	for _, in := range []string{"700101/1234", " 700101 / 1234 ", "7001011234"} {
		if got, _ := h.Hash(KindRC, strings.ReplaceAll(in, " / ", "/")); got != rc {
			t.Errorf("Hash(rc, %q) = %q, want %q", in, got, rc)
		}
	}
	for _, in := range []string{"rc:7001011234", "RČ: 700101/1234", "700101/1234"} {
		if got, err := h.Search(in); err != nil || got != rc {
			t.Errorf("Search(%q) = %q, %v; want %q", in, got, err, rc)
		}
	}
	old, err := h.Hash(KindRC, "530101/123")
	if err != nil || old == rc {
		t.Fatalf("nine-digit rodné číslo: %q, %v", old, err)
	}
	for _, bad := range []string{"70010112345", "70010", "700101/12a4", "", "7001/011234"} {
		if got, err := h.Hash(KindRC, bad); !errors.Is(err, ErrIdentifier) {
			t.Errorf("Hash(rc, %q) = %q, %v; want ErrIdentifier", bad, got, err)
		}
	}
}
