package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/internal/store"
)

// RunCUZKHolds runs the conformance suite of store.CUZKHoldStore.
// newStore must return a fresh, empty, migrated store and arrange to close
// it.
func RunCUZKHolds(t *testing.T, newStore func(t *testing.T) store.CUZKHoldStore) {
	t.Helper()
	for _, c := range holdCases {
		t.Run("cuzkhold/"+c.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			c.run(t, s, s)
		})
	}
}

// RunCUZKHoldsShared runs the same cases on two handles of one database,
// as two konektor nodes sharing a store see it: newPair returns them
// (fresh, empty, migrated) and arranges to close them. Every case writes
// through one handle and checks through the other.
func RunCUZKHoldsShared(t *testing.T, newPair func(t *testing.T) (store.CUZKHoldStore, store.CUZKHoldStore)) {
	t.Helper()
	for _, c := range holdCases {
		t.Run("cuzkhold-shared/"+c.name, func(t *testing.T) {
			t.Parallel()
			a, b := newPair(t)
			c.run(t, a, b)
		})
	}
}

type holdCase struct {
	name string
	// run writes through a (and b where it says so) and reads through b.
	run func(t *testing.T, a, b store.CUZKHoldStore)
}

// hold returns a sample hold of account seen by node with secret fp.
func hold(account, node, fp string, n int) store.CUZKHold {
	return store.CUZKHold{Account: account, Since: base.Add(time.Duration(n) * 1500 * time.Microsecond),
		Reason: "FailedAuthentication", Node: node, SecretFP: fp}
}

// sameHold compares a stored hold with what was put, released or not.
func sameHold(t *testing.T, got, put store.CUZKHold, releasedAt time.Time, releasedBy string) {
	t.Helper()
	if got.Account != put.Account || !got.Since.Equal(store.StoredTime(put.Since)) || got.Since.Location() != time.UTC ||
		got.Reason != put.Reason || got.Node != put.Node || got.SecretFP != put.SecretFP ||
		!got.ReleasedAt.Equal(releasedAt) || got.ReleasedBy != releasedBy || got.Held() != releasedAt.IsZero() {
		t.Fatalf("hold\n got %+v\nwant %+v released at %v by %q", got, put, releasedAt, releasedBy)
	}
	if !releasedAt.IsZero() && got.ReleasedAt.Location() != time.UTC {
		t.Fatalf("released at %v, not UTC", got.ReleasedAt)
	}
}

func putHold(t *testing.T, s store.CUZKHoldStore, h store.CUZKHold, wantCreated bool) store.CUZKHold {
	t.Helper()
	got, created, err := s.PutCUZKHold(context.Background(), h)
	if err != nil {
		t.Fatalf("PutCUZKHold(%s): %v", h.Account, err)
	}
	if created != wantCreated {
		t.Fatalf("PutCUZKHold(%s): created %v, want %v (%+v)", h.Account, created, wantCreated, got)
	}
	return got
}

func getHold(t *testing.T, s store.CUZKHoldStore, account string) store.CUZKHold {
	t.Helper()
	h, err := s.GetCUZKHold(context.Background(), account)
	if err != nil {
		t.Fatalf("GetCUZKHold(%s): %v", account, err)
	}
	return h
}

const (
	fpRefused = "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
	fpFixed   = "sha256:f9e8d7c6b5a4938271605f4e3d2c1b0af9e8d7c6b5a4938271605f4e3d2c1b0a"
)

var holdCases = []holdCase{
	{"put-get-list", func(t *testing.T, a, b store.CUZKHoldStore) {
		ctx := context.Background()
		// Names in byte order: the list's order.
		for i, acct := range []string{"DEMO-WSDP", "ÚČET-KRAJE", "DEMO-WSDP-FREE"} {
			h := hold(acct, "uzel-a", fpRefused, i)
			sameHold(t, putHold(t, a, h, true), h, time.Time{}, "")
		}
		sameHold(t, getHold(t, b, "DEMO-WSDP-FREE"), hold("DEMO-WSDP-FREE", "uzel-a", fpRefused, 2), time.Time{}, "")
		list, err := b.ListCUZKHolds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 {
			t.Fatalf("ListCUZKHolds: %+v", list)
		}
		for i, want := range []store.CUZKHold{hold("DEMO-WSDP", "uzel-a", fpRefused, 0),
			hold("DEMO-WSDP-FREE", "uzel-a", fpRefused, 2), hold("ÚČET-KRAJE", "uzel-a", fpRefused, 1)} {
			sameHold(t, list[i], want, time.Time{}, "")
		}
		if _, err := b.GetCUZKHold(ctx, "NIKDO"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetCUZKHold of an account without a hold: %v", err)
		}
	}},
	{"empty-list", func(t *testing.T, _, b store.CUZKHoldStore) {
		if list, err := b.ListCUZKHolds(context.Background()); err != nil || len(list) != 0 {
			t.Fatalf("ListCUZKHolds of an empty store: %+v %v", list, err)
		}
	}},
	{"hold-in-force-is-kept", func(t *testing.T, a, b store.CUZKHoldStore) {
		first := hold("DEMO-WSDP", "uzel-a", fpRefused, 1)
		putHold(t, a, first, true)
		// Another node saw a refusal too (in flight before the hold): the
		// first hold stays, with its secret and time.
		got := putHold(t, b, hold("DEMO-WSDP", "uzel-b", fpFixed, 9), false)
		sameHold(t, got, first, time.Time{}, "")
		sameHold(t, getHold(t, b, "DEMO-WSDP"), first, time.Time{}, "")
	}},
	{"release-only-the-compared-secret", func(t *testing.T, a, b store.CUZKHoldStore) {
		ctx := context.Background()
		h := hold("DEMO-WSDP", "uzel-a", fpRefused, 1)
		putHold(t, a, h, true)
		at := base.Add(time.Hour + 7*time.Nanosecond)
		if ok, err := b.ReleaseCUZKHold(ctx, "DEMO-WSDP", fpFixed, "uzel-b", at); err != nil || ok {
			t.Fatalf("release on another secret's fingerprint: %v %v", ok, err)
		}
		if ok, err := b.ReleaseCUZKHold(ctx, "NIKDO", fpRefused, "uzel-b", at); err != nil || ok {
			t.Fatalf("release of an account without a hold: %v %v", ok, err)
		}
		sameHold(t, getHold(t, a, "DEMO-WSDP"), h, time.Time{}, "")
		if ok, err := b.ReleaseCUZKHold(ctx, "DEMO-WSDP", fpRefused, "uzel-b", at); err != nil || !ok {
			t.Fatalf("release: %v %v", ok, err)
		}
		// Released, not forgotten: the refused fingerprint stays.
		sameHold(t, getHold(t, a, "DEMO-WSDP"), h, store.StoredTime(at), "uzel-b")
		if ok, err := a.ReleaseCUZKHold(ctx, "DEMO-WSDP", fpRefused, "uzel-a", at.Add(time.Minute)); err != nil || ok {
			t.Fatalf("a second release: %v %v", ok, err)
		}
		sameHold(t, getHold(t, b, "DEMO-WSDP"), h, store.StoredTime(at), "uzel-b")
		// A new refusal replaces the released record.
		again := hold("DEMO-WSDP", "uzel-a", fpFixed, 5)
		sameHold(t, putHold(t, a, again, true), again, time.Time{}, "")
		sameHold(t, getHold(t, b, "DEMO-WSDP"), again, time.Time{}, "")
	}},
	{"delete", func(t *testing.T, a, b store.CUZKHoldStore) {
		ctx := context.Background()
		h := hold("DEMO-WSDP", "uzel-a", fpRefused, 1)
		putHold(t, a, h, true)
		putHold(t, a, hold("DEMO-WSDP-FREE", "uzel-a", fpRefused, 2), true)
		got, err := b.DeleteCUZKHold(ctx, "DEMO-WSDP")
		if err != nil {
			t.Fatal(err)
		}
		sameHold(t, got, h, time.Time{}, "")
		if _, err := a.GetCUZKHold(ctx, "DEMO-WSDP"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetCUZKHold after delete: %v", err)
		}
		if _, err := a.DeleteCUZKHold(ctx, "DEMO-WSDP"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a second delete: %v", err)
		}
		if list, err := a.ListCUZKHolds(ctx); err != nil || len(list) != 1 || list[0].Account != "DEMO-WSDP-FREE" {
			t.Fatalf("the other account's hold: %+v %v", list, err)
		}
		// A released record is deleted too (the operator forgets the
		// refused secret).
		at := base.Add(time.Hour)
		if ok, err := a.ReleaseCUZKHold(ctx, "DEMO-WSDP-FREE", fpRefused, "uzel-a", at); err != nil || !ok {
			t.Fatalf("release: %v %v", ok, err)
		}
		got, err = b.DeleteCUZKHold(ctx, "DEMO-WSDP-FREE")
		if err != nil {
			t.Fatal(err)
		}
		sameHold(t, got, hold("DEMO-WSDP-FREE", "uzel-a", fpRefused, 2), store.StoredTime(at), "uzel-a")
		// After a delete a new hold is created afresh.
		putHold(t, b, h, true)
	}},
	{"invalid-values", func(t *testing.T, a, b store.CUZKHoldStore) {
		ctx := context.Background()
		for name, mod := range map[string]func(*store.CUZKHold){
			"no-account":   func(h *store.CUZKHold) { h.Account = "" },
			"no-reason":    func(h *store.CUZKHold) { h.Reason = "" },
			"no-secret-fp": func(h *store.CUZKHold) { h.SecretFP = "" },
			"nul":          func(h *store.CUZKHold) { h.Node = "a\x00b" },
			"not-utf8":     func(h *store.CUZKHold) { h.Account = "\xff" },
			"too-long":     func(h *store.CUZKHold) { h.Reason = strings.Repeat("x", store.MaxCUZKHoldText+1) },
			"year-10000":   func(h *store.CUZKHold) { h.Since = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
			"year-0":       func(h *store.CUZKHold) { h.Since = time.Time{}.AddDate(-1, 0, 0) },
		} {
			h := hold("DEMO-WSDP", "uzel-a", fpRefused, 1)
			mod(&h)
			if _, _, err := a.PutCUZKHold(ctx, h); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		if list, err := b.ListCUZKHolds(ctx); err != nil || len(list) != 0 {
			t.Fatalf("an invalid hold was stored: %+v %v", list, err)
		}
		putHold(t, a, hold("DEMO-WSDP", "uzel-a", fpRefused, 1), true)
		for name, rel := range map[string]func() (bool, error){
			"nul-node": func() (bool, error) { return a.ReleaseCUZKHold(ctx, "DEMO-WSDP", fpRefused, "a\x00", base) },
			"year-10000": func() (bool, error) {
				return a.ReleaseCUZKHold(ctx, "DEMO-WSDP", fpRefused, "uzel-a", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
			},
		} {
			if ok, err := rel(); ok || !errors.Is(err, store.ErrInvalid) {
				t.Errorf("release %s: %v %v, want ErrInvalid", name, ok, err)
			}
		}
		if !getHold(t, b, "DEMO-WSDP").Held() {
			t.Fatal("an invalid release released the hold")
		}
	}},
	{"concurrent-puts-one-wins", func(t *testing.T, a, b store.CUZKHoldStore) {
		// Nodes that see refusals at once: exactly one hold is created,
		// and every caller is told which.
		const n = 12
		var wg sync.WaitGroup
		got := make([]store.CUZKHold, n)
		created := make([]bool, n)
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				got[i], created[i], errs[i] = s.PutCUZKHold(context.Background(),
					hold("DEMO-WSDP", fmt.Sprintf("uzel-%d", i), fmt.Sprintf("sha256:%064x", i), i))
			}(i)
		}
		wg.Wait()
		winner := -1
		for i := 0; i < n; i++ {
			if errs[i] != nil {
				t.Fatalf("put %d: %v", i, errs[i])
			}
			if created[i] {
				if winner >= 0 {
					t.Fatalf("puts %d and %d both created the hold", winner, i)
				}
				winner = i
			}
		}
		if winner < 0 {
			t.Fatal("no put created the hold")
		}
		want := hold("DEMO-WSDP", fmt.Sprintf("uzel-%d", winner), fmt.Sprintf("sha256:%064x", winner), winner)
		for i := 0; i < n; i++ {
			sameHold(t, got[i], want, time.Time{}, "")
		}
		sameHold(t, getHold(t, b, "DEMO-WSDP"), want, time.Time{}, "")
	}},
	{"concurrent-release-and-delete", func(t *testing.T, a, b store.CUZKHoldStore) {
		// A secret watch releasing while an operator deletes: the record
		// ends deleted or released, never half of each.
		ctx := context.Background()
		for i := 0; i < 20; i++ {
			acct := fmt.Sprintf("UCET-%02d", i)
			putHold(t, a, hold(acct, "uzel-a", fpRefused, i), true)
			var wg sync.WaitGroup
			var relOK bool
			var relErr, delErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				relOK, relErr = a.ReleaseCUZKHold(ctx, acct, fpRefused, "uzel-a", base.Add(time.Hour))
			}()
			go func() { defer wg.Done(); _, delErr = b.DeleteCUZKHold(ctx, acct) }()
			wg.Wait()
			if relErr != nil || delErr != nil {
				t.Fatalf("%s: release %v, delete %v", acct, relErr, delErr)
			}
			if _, err := b.GetCUZKHold(ctx, acct); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s: after release (%v) and delete: %v", acct, relOK, err)
			}
		}
	}},
}
