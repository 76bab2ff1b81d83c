package pipeline

import (
	"slices"
	"strings"
	"testing"

	"konektor/gateway/cache"
	"konektor/gateway/catalogue"
	"konektor/policies"
)

// TestCacheKeyDerivation pins cacheKey to the derivation it had when it
// joined the sorted items itself: stored entries keep their keys, and the
// caller's item order does not matter.
func TestCacheKeyDerivation(t *testing.T) {
	canon := []byte("<{urn:x}Op></>")
	for _, items := range [][]string{nil, {}, {"a"}, {"b", "a", "c"}, {"a", "b", "c"}, {"", "z", "m"}} {
		ex := &Exchange{
			Entry:    &catalogue.Entry{Upstream: "iszr", Code: "E36", Operation: "IszrRuianCtiAdresu"},
			Call:     Call{OVM: "12345678", Agenda: "A1", Role: "CR1"},
			Decision: policies.Decision{Items: items},
		}
		before := slices.Clone(items)
		inOrder := slices.Clone(items)
		slices.Sort(inOrder)
		want := cache.Key([]byte("iszr"), []byte("E36"), []byte("IszrRuianCtiAdresu"), canon,
			[]byte("12345678"), []byte("A1"), []byte("CR1"), []byte(strings.Join(inOrder, " ")))
		var sorted sortedItems
		for range 2 { // the second call may take the remembered sorted list
			if got := cacheKey(ex, canon, &sorted); got != want {
				t.Errorf("items %q: key %s, want %s", items, got, want)
			}
		}
		if !slices.Equal(items, before) {
			t.Errorf("cacheKey reordered the decision's items: %q", items)
		}
	}
}

// TestSortedItemsRecognisesTheList checks that the remembered sorted list is
// used only for the very list it was made from.
func TestSortedItemsRecognisesTheList(t *testing.T) {
	var s sortedItems
	a := []string{"b", "a", "c"}
	first := s.of(a)
	if !slices.Equal(first, []string{"a", "b", "c"}) || !slices.Equal(a, []string{"b", "a", "c"}) {
		t.Fatalf("of(%q) = %q", a, first)
	}
	if again := s.of(a); &again[0] != &first[0] {
		t.Errorf("the same list was sorted again")
	}
	if got := s.of(a[:2]); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("a shorter view of the list: %q", got)
	}
	b := []string{"z", "y", "x"}
	if got := s.of(b); !slices.Equal(got, []string{"x", "y", "z"}) {
		t.Errorf("another list: %q", got)
	}
	if got := s.of(a); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("back to the first list: %q", got)
	}
}
