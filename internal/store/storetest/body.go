package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"konektor/internal/store"
)

// body returns a sample (already "encrypted") body.
func body(seq int64, kind string) store.AccessBody {
	return store.AccessBody{Seq: seq, Kind: kind, KeyID: "k1",
		Nonce: []byte(fmt.Sprintf("nonce-%d", seq)), Data: []byte(fmt.Sprintf("\x00\xff ciphertext of %s %d", kind, seq))}
}

func mustAppendBodies(t *testing.T, s store.Store, entries []store.AccessEntry, bodies []store.AccessBody) {
	t.Helper()
	if err := s.AppendAccessWithBodies(context.Background(), entries, bodies); err != nil {
		t.Fatalf("AppendAccessWithBodies: %v", err)
	}
}

func wantBodies(t *testing.T, s store.Store, seq int64, want ...store.AccessBody) {
	t.Helper()
	got, err := s.AccessBodies(context.Background(), seq)
	if err != nil {
		t.Fatalf("AccessBodies(%d): %v", seq, err)
	}
	if len(got) != len(want) {
		t.Fatalf("entry %d has %d bodies, want %d", seq, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || g.Kind != w.Kind || g.KeyID != w.KeyID || !bytes.Equal(g.Nonce, w.Nonce) || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("body %d of entry %d = %+v, want %+v", i, seq, g, w)
		}
	}
}

var bodyCases = []testCase{
	{"stored-with-entries", func(t *testing.T, s store.Store) {
		req, resp := body(2, store.BodyRequest), body(2, store.BodyResponse)
		mustAppendBodies(t, s, samples(1, 3), []store.AccessBody{resp, req, body(3, store.BodyResponse)})
		sameEntries(t, scanAll(t, s, 0), samples(1, 3))
		wantBodies(t, s, 1)
		wantBodies(t, s, 2, req, resp)
		wantBodies(t, s, 3, body(3, store.BodyResponse))
	}},
	{"empty-body", func(t *testing.T, s store.Store) {
		b := store.AccessBody{Seq: 1, Kind: store.BodyRequest, KeyID: "k"}
		mustAppendBodies(t, s, samples(1, 1), []store.AccessBody{b})
		got, err := s.AccessBodies(context.Background(), 1)
		if err != nil || len(got) != 1 || len(got[0].Data) != 0 || len(got[0].Nonce) != 0 {
			t.Fatalf("AccessBodies = %+v, %v; want one empty body", got, err)
		}
	}},
	{"without-bodies-is-append", func(t *testing.T, s store.Store) {
		mustAppendBodies(t, s, samples(1, 2), nil)
		wantLast(t, s, 2)
	}},
	{"bad-bodies-store-nothing", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 1))
		huge := body(3, store.BodyRequest)
		huge.Data = make([]byte, store.MaxBodyData+1)
		for _, c := range []struct {
			name   string
			bodies []store.AccessBody
		}{
			{"seq-outside-batch", []store.AccessBody{body(1, store.BodyRequest)}},
			{"seq-after-batch", []store.AccessBody{body(4, store.BodyRequest)}},
			{"unknown-kind", []store.AccessBody{body(2, "attachment")}},
			{"duplicate", []store.AccessBody{body(2, store.BodyRequest), body(2, store.BodyRequest)}},
			{"invalid-key-id", []store.AccessBody{{Seq: 2, Kind: store.BodyRequest, KeyID: "\xff"}}},
			{"too-large", []store.AccessBody{huge}},
		} {
			t.Run(c.name, func(t *testing.T) {
				err := s.AppendAccessWithBodies(context.Background(), samples(2, 2), c.bodies)
				if !errors.Is(err, store.ErrInvalid) {
					t.Fatalf("AppendAccessWithBodies = %v, want ErrInvalid", err)
				}
				wantLast(t, s, 1)
			})
		}
	}},
	{"conflict-stores-no-bodies", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 3))
		err := s.AppendAccessWithBodies(context.Background(), samples(3, 1), []store.AccessBody{body(3, store.BodyRequest)})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("AppendAccessWithBodies over seq 3 = %v, want ErrConflict", err)
		}
		wantBodies(t, s, 3)
		err = s.AppendAccessWithBodies(context.Background(), samples(5, 1), []store.AccessBody{body(5, store.BodyRequest)})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("AppendAccessWithBodies leaving a gap = %v, want ErrConflict", err)
		}
		wantBodies(t, s, 5)
	}},
}
