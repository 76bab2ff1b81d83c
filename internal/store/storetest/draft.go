package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"konektor/internal/store"
)

// RunDrafts runs the conformance suite of store.DraftStore. newStore must
// return a fresh, empty, migrated store and arrange to close it.
func RunDrafts(t *testing.T, newStore func(t *testing.T) store.DraftStore) {
	t.Helper()
	for _, c := range draftCases {
		t.Run("draft/"+c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newStore(t))
		})
	}
}

type draftCase struct {
	name string
	run  func(t *testing.T, s store.DraftStore)
}

// draft returns a sample draft n of box, every field distinct.
func draft(n int, box string) store.Draft {
	return store.Draft{
		ID: fmt.Sprintf("d%031x", n), Box: box, Created: base.Add(time.Duration(n) * 1500 * time.Microsecond),
		CreatedBy: "999007", OVM: "12345678", CorrelationID: fmt.Sprintf("corr-%d", n), Recipient: "firma2x",
		Annotation: fmt.Sprintf("Výzva k doplnění č. %d", n), Files: n % 5, Size: int64(1000 + n),
		Request: []byte(fmt.Sprintf("<s:Envelope>\x00\xff request %d</s:Envelope>", n)),
	}
}

func mustPut(t *testing.T, s store.DraftStore, d store.Draft) {
	t.Helper()
	if err := s.PutDraft(context.Background(), d); err != nil {
		t.Fatalf("PutDraft(%s): %v", d.ID, err)
	}
}

func mustGet(t *testing.T, s store.DraftStore, id string) store.Draft {
	t.Helper()
	d, err := s.GetDraft(context.Background(), id)
	if err != nil {
		t.Fatalf("GetDraft(%s): %v", id, err)
	}
	return d
}

// sameDraft compares a stored draft with what was put, the state fields
// given.
func sameDraft(t *testing.T, got, put store.Draft, state string, request bool) {
	t.Helper()
	want := put
	want.Created = store.StoredTime(put.Created)
	if got.ID != want.ID || got.Box != want.Box || got.State != state || !got.Created.Equal(want.Created) ||
		got.Created.Location() != time.UTC || got.CreatedBy != want.CreatedBy || got.OVM != want.OVM ||
		got.CorrelationID != want.CorrelationID || got.Recipient != want.Recipient || got.Annotation != want.Annotation ||
		got.Files != want.Files || got.Size != want.Size {
		t.Fatalf("draft\n got %+v\nwant %+v (state %s)", got, want, state)
	}
	if request && !bytes.Equal(got.Request, want.Request) {
		t.Fatalf("request %q, want %q", got.Request, want.Request)
	}
	if !request && got.Request != nil {
		t.Fatalf("request %q, want none", got.Request)
	}
}

var draftCases = []draftCase{
	{"put-get-list", func(t *testing.T, s store.DraftStore) {
		ctx := context.Background()
		for i := 1; i <= 3; i++ {
			mustPut(t, s, draft(i, "mstdemd"))
		}
		mustPut(t, s, draft(4, "kraj2xd"))
		d := mustGet(t, s, draft(2, "").ID)
		sameDraft(t, d, draft(2, "mstdemd"), store.DraftOpen, true)
		if !d.Updated.Equal(d.Created) || d.DoneBy != "" || d.DmID != "" || d.Status != "" {
			t.Fatalf("a new draft: %+v", d)
		}
		list, err := s.ListDrafts(ctx, "mstdemd", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 {
			t.Fatalf("ListDrafts: %d drafts, want 3", len(list))
		}
		for i, d := range list { // newest first, without requests
			sameDraft(t, d, draft(3-i, "mstdemd"), store.DraftOpen, false)
		}
		if list, _ := s.ListDrafts(ctx, "mstdemd", 2); len(list) != 2 || list[0].ID != draft(3, "").ID {
			t.Fatalf("limit 2: %+v", list)
		}
		if list, err := s.ListDrafts(ctx, "nobody9", 10); err != nil || len(list) != 0 {
			t.Fatalf("another box: %v %v", list, err)
		}
	}},
	{"not-found-and-duplicate", func(t *testing.T, s store.DraftStore) {
		ctx := context.Background()
		if _, err := s.GetDraft(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetDraft of a missing draft: %v", err)
		}
		mustPut(t, s, draft(1, "mstdemd"))
		again := draft(1, "kraj2xd")
		if err := s.PutDraft(ctx, again); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second draft with the same id: %v", err)
		}
		sameDraft(t, mustGet(t, s, again.ID), draft(1, "mstdemd"), store.DraftOpen, true)
	}},
	{"invalid-values", func(t *testing.T, s store.DraftStore) {
		ctx := context.Background()
		for name, mod := range map[string]func(*store.Draft){
			"no-id":        func(d *store.Draft) { d.ID = "" },
			"no-box":       func(d *store.Draft) { d.Box = "" },
			"nul":          func(d *store.Draft) { d.Annotation = "a\x00b" },
			"not-utf8":     func(d *store.Draft) { d.Recipient = "\xff" },
			"negative":     func(d *store.Draft) { d.Files = -1 },
			"year-10000":   func(d *store.Draft) { d.Created = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
			"huge-request": func(d *store.Draft) { d.Request = make([]byte, store.MaxDraftRequest+1) },
		} {
			d := draft(7, "mstdemd")
			mod(&d)
			if err := s.PutDraft(ctx, d); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		if list, _ := s.ListDrafts(ctx, "mstdemd", 10); len(list) != 0 {
			t.Fatalf("an invalid draft was stored: %+v", list)
		}
	}},
	{"send-cycle", func(t *testing.T, s store.DraftStore) {
		ctx := context.Background()
		put := draft(1, "mstdemd")
		mustPut(t, s, put)
		at := base.Add(time.Hour + 7*time.Nanosecond)
		if _, err := s.ClaimDraft(ctx, put.ID, "kraj2xd", "999002", at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("claim by another box: %v", err)
		}
		d, err := s.ClaimDraft(ctx, put.ID, "mstdemd", "999002", at)
		if err != nil {
			t.Fatal(err)
		}
		sameDraft(t, d, put, store.DraftSending, true)
		if d.DoneBy != "999002" || !d.Updated.Equal(store.StoredTime(at)) {
			t.Fatalf("claimed: %+v", d)
		}
		if d, err := s.ClaimDraft(ctx, put.ID, "mstdemd", "999009", at); !errors.Is(err, store.ErrConflict) || d.State != store.DraftSending {
			t.Fatalf("second claim: %+v %v", d, err)
		}
		if _, err := s.DiscardDraft(ctx, put.ID, "mstdemd", "999009", at); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("discard while sending: %v", err)
		}
		// ISDS refused it: open again, the request kept, the status noted.
		if err := s.FinishDraft(ctx, put.ID, store.DraftOpen, "", "1214", at.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		d = mustGet(t, s, put.ID)
		sameDraft(t, d, put, store.DraftOpen, true)
		if d.Status != "1214" {
			t.Fatalf("status after a refusal: %+v", d)
		}
		if err := s.FinishDraft(ctx, put.ID, store.DraftSent, "4217731", "0000", at); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("finish of an open draft: %v", err)
		}
		// Sent: the dmID kept, the request dropped; no further change.
		if _, err := s.ClaimDraft(ctx, put.ID, "mstdemd", "999002", at.Add(2*time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishDraft(ctx, put.ID, store.DraftDiscarded, "", "", at); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("finish to discarded: %v", err)
		}
		if err := s.FinishDraft(ctx, put.ID, store.DraftSent, "4217731", "0000", at.Add(3*time.Second)); err != nil {
			t.Fatal(err)
		}
		d = mustGet(t, s, put.ID)
		sameDraft(t, d, put, store.DraftSent, false)
		if d.DmID != "4217731" || d.Status != "0000" || d.DoneBy != "999002" || !d.Updated.Equal(store.StoredTime(at.Add(3*time.Second))) {
			t.Fatalf("sent: %+v", d)
		}
		if _, err := s.ClaimDraft(ctx, put.ID, "mstdemd", "999002", at); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("claim of a sent draft: %v", err)
		}
		if d, err := s.DiscardDraft(ctx, put.ID, "mstdemd", "999002", at); !errors.Is(err, store.ErrConflict) || d.DmID != "4217731" {
			t.Fatalf("discard of a sent draft: %+v %v", d, err)
		}
		if err := s.FinishDraft(ctx, "missing", store.DraftSent, "1", "0000", at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("finish of a missing draft: %v", err)
		}
	}},
	{"unknown-and-discard", func(t *testing.T, s store.DraftStore) {
		ctx := context.Background()
		a, b := draft(1, "mstdemd"), draft(2, "mstdemd")
		mustPut(t, s, a)
		mustPut(t, s, b)
		if _, err := s.ClaimDraft(ctx, a.ID, "mstdemd", "999002", base); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishDraft(ctx, a.ID, store.DraftUnknown, "", "timeout", base); err != nil {
			t.Fatal(err)
		}
		sameDraft(t, mustGet(t, s, a.ID), a, store.DraftUnknown, true)
		if _, err := s.ClaimDraft(ctx, a.ID, "mstdemd", "999002", base); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("claim of an unknown draft: %v", err)
		}
		for _, d := range []store.Draft{a, b} {
			if _, err := s.DiscardDraft(ctx, d.ID, "kraj2xd", "999007", base); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("discard by another box: %v", err)
			}
			got, err := s.DiscardDraft(ctx, d.ID, "mstdemd", "999007", base.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			sameDraft(t, got, d, store.DraftDiscarded, false)
			sameDraft(t, mustGet(t, s, d.ID), d, store.DraftDiscarded, false)
			if got.DoneBy != "999007" {
				t.Fatalf("discarded by %q", got.DoneBy)
			}
		}
		if _, err := s.DiscardDraft(ctx, "missing", "mstdemd", "x", base); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("discard of a missing draft: %v", err)
		}
	}},
	{"one-claim-wins", func(t *testing.T, s store.DraftStore) {
		ctx := context.Background()
		d := draft(1, "mstdemd")
		mustPut(t, s, d)
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, lost := 0, 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := s.ClaimDraft(ctx, d.ID, "mstdemd", fmt.Sprintf("ais-%d", i), base)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errors.Is(err, store.ErrConflict):
					lost++
				default:
					t.Errorf("claim %d: %v", i, err)
				}
			}(i)
		}
		wg.Wait()
		if won != 1 || lost != 7 {
			t.Fatalf("%d claims won, %d lost; want 1 and 7", won, lost)
		}
	}},
}
