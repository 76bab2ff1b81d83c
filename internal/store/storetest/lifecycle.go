package storetest

import (
	"context"
	"testing"

	"konektor/internal/store"
)

var lifecycleCases = []testCase{
	{"ping", func(t *testing.T, s store.Store) {
		if err := s.Ping(context.Background()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	}},
	{"close-twice", func(t *testing.T, s store.Store) {
		if err := s.Close(); err != nil {
			t.Fatalf("first Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	}},
	{"use-after-close-fails", func(t *testing.T, s store.Store) {
		mustAppend(t, s, samples(1, 1))
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		ctx := context.Background()
		if err := s.AppendAccess(ctx, samples(2, 1)); err == nil {
			t.Error("AppendAccess after Close succeeded")
		}
		if _, err := s.LastAccess(ctx); err == nil {
			t.Error("LastAccess after Close succeeded")
		}
		if err := s.ScanAccess(ctx, 1, func(store.AccessEntry) error { return nil }); err == nil {
			t.Error("ScanAccess after Close succeeded")
		}
		if err := s.Ping(ctx); err == nil {
			t.Error("Ping after Close succeeded")
		}
	}},
}
