package redis

import (
	"bytes"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"konektor/gateway/cache"
)

var codecCases = []struct {
	name string
	e    cache.Entry
}{
	{"empty", cache.Entry{}},
	{"body-only", cache.Entry{Body: []byte("<OdpovedInfo/>")}},
	{"headers", cache.Entry{Body: []byte("x"), Header: map[string]string{"Content-Type": "text/xml", "X-Empty": ""}}},
	{"binary-body", cache.Entry{Body: []byte{0, 1, 2, 0xff, 0xfe}}},
	{"large-body", cache.Entry{Body: bytes.Repeat([]byte("ab"), 40000)}},
}

func stamp(e cache.Entry) cache.Entry {
	return cache.Stamp(e, time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC), cache.TTL{Fresh: 90 * time.Second, Stale: time.Hour})
}

func TestCodecRoundTrip(t *testing.T) {
	for _, tc := range codecCases {
		t.Run(tc.name, func(t *testing.T) {
			in := stamp(tc.e)
			b := encodeEntry(nil, in)
			if len(b) > encodedSize(in) {
				t.Errorf("encoded %d bytes, encodedSize promised at most %d", len(b), encodedSize(in))
			}
			if overhead := len(b) - cache.Size(in); overhead > 32+4*len(in.Header) {
				t.Errorf("encoding overhead %d bytes is not compact", overhead)
			}
			out, err := decodeEntry(b)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Body, in.Body) || !maps.Equal(out.Header, in.Header) {
				t.Errorf("value = %q %v, want %q %v", out.Body, out.Header, in.Body, in.Header)
			}
			if !out.StoredAt.Equal(in.StoredAt) || !out.FreshUntil.Equal(in.FreshUntil) || !out.StaleUntil.Equal(in.StaleUntil) {
				t.Errorf("times = %v %v %v, want %v %v %v", out.StoredAt, out.FreshUntil, out.StaleUntil, in.StoredAt, in.FreshUntil, in.StaleUntil)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	valid := encodeEntry(nil, stamp(cache.Entry{Body: []byte("b"), Header: map[string]string{"K": "V"}}))
	tests := []struct {
		name    string
		in      []byte
		want    error
		wantMsg string
	}{
		{"empty", nil, ErrCorrupt, "empty value"},
		{"other-version", []byte{2, 0}, errUnknownVersion, "version 2"},
		{"truncated-stored-at", []byte{1, 0x80}, ErrCorrupt, "stored-at"},
		{"truncated-fresh", []byte{1, 0}, ErrCorrupt, "fresh period"},
		{"duration-out-of-range", []byte{1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, ErrCorrupt, "fresh period out of range"},
		{"header-count-too-large", []byte{1, 0, 0, 0, 100, 0, 0}, ErrCorrupt, "header count 100"},
		{"header-name-past-end", []byte{1, 0, 0, 0, 1, 5, 'a'}, ErrCorrupt, "header name length 5"},
		{"header-value-past-end", []byte{1, 0, 0, 0, 1, 1, 'a', 9, 'b'}, ErrCorrupt, "header value length 9"},
		{"duplicate-header", []byte{1, 0, 0, 0, 2, 1, 'a', 0, 1, 'a', 0}, ErrCorrupt, "repeats a name"},
		{"truncated-valid", valid[:6], ErrCorrupt, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeEntry(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("decodeEntry = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("decodeEntry = %q, want it to mention %q", err, tc.wantMsg)
			}
		})
	}
}

func FuzzDecodeEntry(f *testing.F) {
	for _, tc := range codecCases {
		f.Add(encodeEntry(nil, stamp(tc.e)))
	}
	f.Add([]byte{1, 0, 0, 0, 2, 1, 'a', 0, 1, 'a', 0})
	f.Add([]byte{1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEntry(b)
		if err != nil {
			if e.Body != nil || e.Header != nil {
				t.Fatal("decodeEntry returned a partial entry with an error")
			}
			return
		}
		if cache.Size(e) > len(b) {
			t.Fatalf("decoded %d bytes of value from %d bytes of input", cache.Size(e), len(b))
		}
		// What decodes must re-encode to something that decodes the same.
		again, err := decodeEntry(encodeEntry(nil, e))
		if err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
		if !bytes.Equal(again.Body, e.Body) || !maps.Equal(again.Header, e.Header) ||
			!again.StoredAt.Equal(e.StoredAt) || !again.FreshUntil.Equal(e.FreshUntil) || !again.StaleUntil.Equal(e.StaleUntil) {
			t.Fatal("re-encoded entry decodes differently")
		}
	})
}
