package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
)

func TestKeyIsFixedLengthHex(t *testing.T) {
	for _, parts := range [][][]byte{nil, {{}}, {[]byte("E03")}, {make([]byte, 1<<16)}} {
		k := Key(parts...)
		if len(k) != KeyLen {
			t.Errorf("len(Key(%d parts)) = %d, want %d", len(parts), len(k), KeyLen)
		}
		if _, err := hex.DecodeString(k); err != nil {
			t.Errorf("Key is not hex: %q", k)
		}
	}
	if Key([]byte("a")) != Key([]byte("a")) {
		t.Error("Key is not deterministic")
	}
}

func TestKeyPartBoundaries(t *testing.T) {
	tests := []struct {
		name string
		a, b [][]byte
	}{
		{"split-moves", [][]byte{[]byte("ab"), []byte("c")}, [][]byte{[]byte("a"), []byte("bc")}},
		{"joined-vs-split", [][]byte{[]byte("abc")}, [][]byte{[]byte("a"), []byte("bc")}},
		{"trailing-empty-part", [][]byte{[]byte("a")}, [][]byte{[]byte("a"), {}}},
		{"leading-empty-part", [][]byte{[]byte("a")}, [][]byte{{}, []byte("a")}},
		{"no-parts-vs-one-empty", nil, [][]byte{{}}},
		{"order-matters", [][]byte{[]byte("a"), []byte("b")}, [][]byte{[]byte("b"), []byte("a")}},
		// A part that contains what looks like a length prefix must not
		// collide with two parts.
		{"embedded-length-prefix", [][]byte{[]byte("a"), []byte("b")}, [][]byte{append([]byte("a"), 0, 0, 0, 0, 0, 0, 0, 1, 'b')}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if Key(tc.a...) == Key(tc.b...) {
				t.Fatalf("Key(%q) == Key(%q)", tc.a, tc.b)
			}
		})
	}
}

// scope is the authorisation scope the pipeline feeds into the key.
type scope struct{ ovm, agenda, role, items string }

func scopedKey(s scope) string {
	return Key([]byte("iszr"), []byte("E03"), []byte("<canonical body/>"),
		[]byte(s.ovm), []byte(s.agenda), []byte(s.role), []byte(s.items))
}

func TestKeyDiffersByAuthorisationScope(t *testing.T) {
	base := scope{ovm: "00064581", agenda: "A343", role: "CR1234", items: "adresa,jmeno"}
	tests := []struct {
		name  string
		other scope
	}{
		{"other-ovm", scope{"00231151", base.agenda, base.role, base.items}},
		{"other-agenda", scope{base.ovm, "A1001", base.role, base.items}},
		{"other-role", scope{base.ovm, base.agenda, "CR9999", base.items}},
		{"fewer-items", scope{base.ovm, base.agenda, base.role, "adresa"}},
		{"more-items", scope{base.ovm, base.agenda, base.role, "adresa,jmeno,datumNarozeni"}},
		// Shifting characters between scope fields must not collide.
		{"shifted-boundary", scope{base.ovm + "A", "343", base.role, base.items}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if scopedKey(base) == scopedKey(tc.other) {
				t.Fatalf("agencies with scopes %+v and %+v share a key", base, tc.other)
			}
		})
	}
}

func BenchmarkKey(b *testing.B) {
	body := make([]byte, 2<<10)
	b.ReportAllocs()
	for b.Loop() {
		Key([]byte("iszr"), []byte("E03"), body, []byte("00064581"), []byte("A343"), []byte("CR1234"), []byte("adresa,jmeno"))
	}
}

// TestKeyHasherMatchesKey pins the derivation: the hasher's parts, given as
// bytes, strings or joined lists, give the key Key gives, and Key itself
// still gives the key it gave before the hasher existed.
func TestKeyHasherMatchesKey(t *testing.T) {
	long := strings.Repeat("x", 1000)
	cases := [][]string{nil, {""}, {"", ""}, {"iszr", "E36", "RuianCtiAdresu"}, {long, "a", long + "b"}}
	for _, parts := range cases {
		var bs [][]byte
		k := NewKeyHasher()
		for _, p := range parts {
			bs = append(bs, []byte(p))
			k.PartString(p)
		}
		if got, want := k.Sum(), Key(bs...); got != want {
			t.Errorf("PartString %q: %s, Key %s", parts, got, want)
		}
		if got, want := keyBefore(bs...), Key(bs...); got != want {
			t.Errorf("Key changed for %q: %s, was %s", parts, want, got)
		}
	}
	for _, items := range [][]string{nil, {}, {""}, {"a"}, {"a", "b"}, {"", "x", ""}, {long, long}} {
		for _, sep := range []string{" ", "", ", "} {
			k := NewKeyHasher()
			k.PartString("pre")
			k.PartJoined(items, sep)
			k.Part([]byte("post"))
			if got, want := k.Sum(), Key([]byte("pre"), []byte(strings.Join(items, sep)), []byte("post")); got != want {
				t.Errorf("PartJoined(%q, %q) differs from the joined part", items, sep)
			}
		}
	}
}

// keyBefore is Key as it was written before KeyHasher.
func keyBefore(parts ...[]byte) string {
	h := sha256.New()
	h.Write([]byte(keyDomain))
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}
