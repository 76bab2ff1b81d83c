package main

import (
	"slices"
	"testing"
	"time"
)

func TestParseSweep(t *testing.T) {
	got, err := parseSweep(" 1, 8,32 ,128,")
	if err != nil || !slices.Equal(got, []int{1, 8, 32, 128}) {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []string{"", ",", "0", "x", "1,-2", "30000"} {
		if _, err := parseSweep(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDay(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 23, 23, 59, 0, 0, time.UTC) }
	c := common{}
	if d, err := c.day(now); err != nil || d != "2026-11-23" {
		t.Fatalf("%q %v", d, err)
	}
	c.date = "2026-12-01"
	if d, _ := c.day(now); d != "2026-12-01" {
		t.Fatalf("%q", d)
	}
	c.date = "1.12.2026"
	if _, err := c.day(now); err == nil {
		t.Fatal("a bad date was accepted")
	}
}
