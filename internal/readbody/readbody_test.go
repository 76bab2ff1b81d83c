package readbody

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
	"testing/iotest"
)

// hidden hides the reader's length and delivers a few bytes per Read, as
// a chunked body over a network does.
func hidden(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i%7)
	}
	return b
}

func TestReadAnnouncedLengthIsOneExactAllocation(t *testing.T) {
	src := pattern(5100, 'a')
	r := bytes.NewReader(src)
	var got []byte
	allocs := testing.AllocsPerRun(50, func() {
		r.Reset(src)
		var err error
		got, err = Read(r, int64(len(src)), 8<<20, 64<<10)
		if err != nil {
			t.Fatal(err)
		}
	})
	if !bytes.Equal(got, src) || cap(got) != len(src) {
		t.Fatalf("got %d bytes (cap %d), equal %v", len(got), cap(got), bytes.Equal(got, src))
	}
	if allocs != 1 {
		t.Fatalf("%v allocations per read, want 1", allocs)
	}
}

func TestReadUnknownLength(t *testing.T) {
	for _, n := range []int{0, 1, 511, 5100, 100_000} {
		src := pattern(n, 'a')
		got, err := Read(hidden(src), -1, 8<<20, 64<<10)
		if err != nil || !bytes.Equal(got, src) || cap(got) != len(got) {
			t.Fatalf("%d bytes: got %d (cap %d), %v", n, len(got), cap(got), err)
		}
	}
}

// TestReadResultIsNotPooled: a body read through the pooled scratch buffer
// must not change when the next body is read. With -race, sync.Pool drops
// a quarter of what is put back, hence the repetitions.
func TestReadResultIsNotPooled(t *testing.T) {
	for _, n := range []int{5100, maxPooled + 1000} {
		var kept [][]byte
		for i := range 20 {
			b, err := Read(hidden(pattern(n, byte('a'+i))), -1, 8<<20, 64<<10)
			if err != nil {
				t.Fatal(err)
			}
			kept = append(kept, b)
		}
		for i, b := range kept {
			if !bytes.Equal(b, pattern(n, byte('a'+i))) {
				t.Fatalf("%d-byte body %d changed after later reads", n, i)
			}
		}
	}
}

func TestReadStopsOneBytePastTheLimit(t *testing.T) {
	src := pattern(10_000, 'a')
	for _, tc := range []struct {
		name string
		r    io.Reader
		size int64
	}{
		{"announced", bytes.NewReader(src), int64(len(src))},
		{"unknown", hidden(src), -1},
	} {
		got, err := Read(tc.r, tc.size, 65, 65)
		if err != nil || !bytes.Equal(got, src[:65]) {
			t.Fatalf("%s: got %d bytes, %v", tc.name, len(got), err)
		}
	}
}

// TestReadAnnouncedLengthBeyondPresize: a caller announcing a large body
// and sending little costs what it sent, not what it announced.
func TestReadAnnouncedLengthBeyondPresize(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := Read(bytes.NewReader([]byte("<x/>")), 8<<20, 8<<20+1, 64<<10)
	runtime.ReadMemStats(&after)
	if err != nil || string(got) != "<x/>" {
		t.Fatalf("got %q, %v", got, err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Fatalf("allocated %d bytes for a 4-byte body announced as 8 MiB", d)
	}
}

func TestReadShortAnnouncedBody(t *testing.T) {
	got, err := Read(bytes.NewReader([]byte("abc")), 10, 100, 100)
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(got) != "abc" {
		t.Fatalf("got %q, %v", got, err)
	}
	got, err = Read(bytes.NewReader(nil), 10, 100, 100)
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(got) != 0 {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestReadEmpty(t *testing.T) {
	got, err := Read(bytes.NewReader(nil), 0, 100, 100)
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
}
