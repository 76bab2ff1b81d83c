package audit

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateKey(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys", "subject.key")
	k1, err := LoadOrCreateKey(path, 32)
	if err != nil || len(k1) != 32 {
		t.Fatalf("LoadOrCreateKey = %d bytes, %v", len(k1), err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", fi.Mode(), err)
	}
	k2, err := LoadOrCreateKey(path, 32)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("the second load gave another key")
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, in string
		ok       bool
	}{
		{"std-padded", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", true},
		{"url-unpadded-with-newline", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", true},
		{"too-short", "AAECAw==", false},
		{"not-base64", "!!!", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, err := ParseKey(c.in, 32)
			if c.ok != (err == nil) || !c.ok && !errors.Is(err, ErrKeyFile) {
				t.Fatalf("ParseKey = %d bytes, %v", len(k), err)
			}
		})
	}
}
