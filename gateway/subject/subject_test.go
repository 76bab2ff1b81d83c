package subject

import (
	"errors"
	"strings"
	"testing"
)

func testKey() []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = byte(i)
	}
	return k
}

func hasher(t testing.TB) *Hasher {
	t.Helper()
	h, err := New(testKey())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The expected values were computed independently with Python's hmac
// module from the package doc's rule.
func TestHashKnownAnswer(t *testing.T) {
	t.Parallel()
	h := hasher(t)
	for _, c := range []struct{ kind, id, want string }{
		{KindICO, "00064581", "ico:b8e9fea268851407e079c37e3440ff50"},
		{KindICO, "64581", "ico:b8e9fea268851407e079c37e3440ff50"},
		{KindICO, " 000 645 81 ", "ico:b8e9fea268851407e079c37e3440ff50"},
		{KindAIFO, "GBuiEbaf6wJ9eibQ5tbKbXvwzCE=", "aifo:29142bbe0a48a127cd24b4b8d6ad19d7"},
		{KindAIFO, "  GBuiEbaf6wJ9eibQ5tbKbXvwzCE=\n", "aifo:29142bbe0a48a127cd24b4b8d6ad19d7"},
	} {
		got, err := h.Hash(c.kind, c.id)
		if err != nil || got != c.want {
			t.Errorf("Hash(%s, %q) = %q, %v; want %q", c.kind, c.id, got, err, c.want)
		}
	}
}

func TestHashRefusesInvalidIdentifiers(t *testing.T) {
	t.Parallel()
	h := hasher(t)
	for _, c := range []struct{ name, kind, id string }{
		{"empty-ico", KindICO, ""},
		{"nine-digit-ico", KindICO, "123456789"},
		{"letters-in-ico", KindICO, "1234567a"},
		{"empty-aifo", KindAIFO, "  "},
		{"aifo-with-space", KindAIFO, "ab cd"},
		{"aifo-non-ascii", KindAIFO, "žluť"},
		{"aifo-too-long", KindAIFO, strings.Repeat("A", maxAIFO+1)},
		{"unknown-kind", "passport", "7001011234"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, err := h.Hash(c.kind, c.id); !errors.Is(err, ErrIdentifier) {
				t.Fatalf("Hash = %q, %v; want ErrIdentifier", got, err)
			}
		})
	}
}

func TestHashDependsOnKeyAndKind(t *testing.T) {
	t.Parallel()
	a := hasher(t)
	other := testKey()
	other[0] ^= 1
	b, err := New(other)
	if err != nil {
		t.Fatal(err)
	}
	ha, _ := a.Hash(KindICO, "12345678")
	hb, _ := b.Hash(KindICO, "12345678")
	hk, _ := a.Hash(KindAIFO, "12345678")
	if ha == hb || ha == hk || strings.Contains(ha, "12345678") {
		t.Fatalf("hashes %s %s %s: want key- and kind-dependent, without the identifier", ha, hb, hk)
	}
}

func TestNewRejectsShortKeys(t *testing.T) {
	t.Parallel()
	if _, err := New(make([]byte, 31)); !errors.Is(err, ErrKey) {
		t.Fatalf("New(31 bytes) = %v, want ErrKey", err)
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	h := hasher(t)
	ico, _ := h.Hash(KindICO, "00064581")
	aifo, _ := h.Hash(KindAIFO, "GBuiEbaf6wJ9eibQ5tbKbXvwzCE=")
	for _, c := range []struct{ name, input, want string }{
		{"digits-are-an-ico", "64581", ico},
		{"spaced-ico", "000 645 81", ico},
		{"czech-prefix", "IČO:00064581", ico},
		{"ico-prefix", "ico: 00064581", ico},
		{"aifo", "GBuiEbaf6wJ9eibQ5tbKbXvwzCE=", aifo},
		{"aifo-prefix", "AIFO:GBuiEbaf6wJ9eibQ5tbKbXvwzCE=", aifo},
		{"hash-passes-through", ico, ico},
		{"nine-digits-are-an-aifo", "123456789", ""},
		{"garbage", "a b", "error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := h.Search(c.input)
			switch c.want {
			case "error":
				if !errors.Is(err, ErrIdentifier) {
					t.Fatalf("Search(%q) = %q, %v; want ErrIdentifier", c.input, got, err)
				}
			case "":
				if err != nil || !IsHash(got) {
					t.Fatalf("Search(%q) = %q, %v; want some hash", c.input, got, err)
				}
			default:
				if err != nil || got != c.want {
					t.Fatalf("Search(%q) = %q, %v; want %q", c.input, got, err, c.want)
				}
			}
		})
	}
}

func TestIsHash(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"ico:b8e9fea268851407e079c37e3440ff50":  true,
		"aifo:29142bbe0a48a127cd24b4b8d6ad19d7": true,
		"ico:B8E9FEA268851407E079C37E3440FF50":  false,
		"xy:b8e9fea268851407e079c37e3440ff50":   false,
		"ico:b8e9":                              false,
		"ico:zz e9fea268851407e079c37e3440ff50": false,
		"b8e9fea268851407e079c37e3440ff50":      false,
	} {
		if got := IsHash(in); got != want {
			t.Errorf("IsHash(%q) = %v, want %v", in, got, want)
		}
	}
}

// What an auditor types is untrusted: Search either refuses it or returns a
// hash, never anything else, and never the input itself unless it is a hash.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"64581", "000 645 81", "ico: 1", "AIFO:GBuiEbaf6wJ9eibQ5tbKbXvwzCE=", "a b", "", "\x00", "ico:b8e9fea268851407e079c37e3440ff50"} {
		f.Add(s)
	}
	h, err := New(testKey())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := h.Search(in)
		if err != nil {
			if !errors.Is(err, ErrIdentifier) {
				t.Fatalf("Search(%q) error %v is not ErrIdentifier", in, err)
			}
			return
		}
		if !IsHash(got) {
			t.Fatalf("Search(%q) = %q, not a hash", in, got)
		}
	})
}

// TestDataBoxSubjects: data-box searches (ISDS) are keyed by the box ID or
// the person's name and date of birth, normalised so that an auditor's
// spelling finds the relay's.
func TestDataBoxSubjects(t *testing.T) {
	t.Parallel()
	h := hasher(t)
	box, err := h.Hash(KindDataBox, "MSTDEMD")
	if err != nil || !strings.HasPrefix(box, "dbid:") || !IsHash(box) {
		t.Fatalf("Hash(dbid) = %q, %v", box, err)
	}
	if again, _ := h.Hash(KindDataBox, " mstdemd "); again != box {
		t.Errorf("box IDs differ by case or space: %q %q", again, box)
	}
	person, err := h.Hash(KindPerson, "Novák|Jan  Pavel|1980-01-31")
	if err != nil || !strings.HasPrefix(person, "person:") || !IsHash(person) {
		t.Fatalf("Hash(person) = %q, %v", person, err)
	}
	if again, _ := h.Hash(KindPerson, " NOVÁK | jan pavel |1980-01-31"); again != person {
		t.Errorf("persons differ by case or space: %q %q", again, person)
	}
	if other, _ := h.Hash(KindPerson, "Novák|Jan Pavel|1980-01-30"); other == person {
		t.Error("the date of birth does not count")
	}
	noDate, err := h.Hash(KindPerson, "Novák|Jan Pavel")
	if err != nil || noDate == person {
		t.Errorf("without a date: %q, %v", noDate, err)
	}
	for _, c := range []struct{ input, want string }{
		{"dbid:mstdemd", box}, {"schránka: MSTDEMD", box},
		{"person:Novák|Jan Pavel|1980-01-31", person}, {"osoba:novák|jan pavel|1980-01-31", person},
	} {
		if got, err := h.Search(c.input); err != nil || got != c.want {
			t.Errorf("Search(%q) = %q, %v; want %q", c.input, got, err, c.want)
		}
	}
	for _, bad := range []struct{ kind, id string }{
		{KindDataBox, "mstdem"}, {KindDataBox, "mstdem1"}, {KindDataBox, "mstdeml"},
		{KindPerson, "Novák"}, {KindPerson, "|Jan|1980-01-01"}, {KindPerson, "a|b|c|d"},
	} {
		if _, err := h.Hash(bad.kind, bad.id); !errors.Is(err, ErrIdentifier) {
			t.Errorf("Hash(%s, %q) = %v, want ErrIdentifier", bad.kind, bad.id, err)
		}
	}
}
