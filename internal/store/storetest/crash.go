package storetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"konektor/internal/store"
)

// crashEnv names the environment variable that makes a test binary the
// child of RunCrash; it holds the database location.
const crashEnv = "KONEKTOR_STORETEST_CRASH_CHILD"

// crashAcked is how many acknowledged entries the child appends at least
// before it is killed.
const crashAcked = 3000

// RunCrash kills (SIGKILL) a process that appends to a store while its
// background indexer runs, then opens the database again and checks that
// every acknowledged entry is there and found by searches at once, and
// that the search index catches up from where the crash left it and then
// agrees with the log. childTest names the backend's test function that
// calls CrashChild with the same Backend; the test binary runs it as the
// child.
func RunCrash(t *testing.T, b Backend, childTest string) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	loc := b.Fresh(t)
	cmd := exec.Command(os.Args[0], "-test.run", "^"+childTest+"$", "-test.count", "1")
	cmd.Env = append(os.Environ(), crashEnv+"="+loc)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	var acked, indexed int64
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(2 * time.Minute)
	for sc.Scan() {
		kind, n, ok := strings.Cut(sc.Text(), " ")
		v, err := strconv.ParseInt(n, 10, 64)
		if !ok || err != nil {
			continue // the test framework's own lines
		}
		switch kind {
		case "acked":
			acked = v
		case "indexed":
			indexed = v
		}
		if acked >= crashAcked && indexed > 0 || time.Now().After(deadline) {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }() // keep the child writing
	if acked < crashAcked || indexed == 0 {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		killed = true
		t.Fatalf("child stopped early: %d acknowledged, %d indexed\n%s", acked, indexed, stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	killed = true
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child after SIGKILL: %v", err)
	}
	t.Logf("killed the child after %d acknowledged entries, %d indexed", acked, indexed)

	s := b.Open(t, loc, true)
	idx := searchIndexOf(t, s)
	last, err := s.LastAccess(context.Background())
	if err != nil || last.Seq < acked {
		t.Fatalf("after the crash the log ends at %d (%v); %d were acknowledged", last.Seq, err, acked)
	}
	all := scanAll(t, s, 1)
	from, err := idx.SearchIndexedThrough(context.Background())
	if err != nil || from > last.Seq {
		t.Fatalf("after the crash SearchIndexedThrough = %d (%v), log ends at %d", from, err, last.Seq)
	}
	wantFoundPaged(t, s, all, store.MaxQueryLimit)
	catchUp(t, idx, 0)
	wantIndexed(t, idx, last.Seq)
	wantFoundPaged(t, s, all, store.MaxQueryLimit)
	t.Logf("log ends at %d; the index had %d after the crash and caught up", last.Seq, from)
}

// CrashChild is the child of RunCrash: with the crash environment set, it
// opens the store with its background indexer and appends batches until it
// is killed, printing "acked N" after each commit and "indexed N" as the
// index advances. Without it, it skips t.
func CrashChild(t *testing.T, b Backend) {
	loc := os.Getenv(crashEnv)
	if loc == "" {
		t.Skip("the child of RunCrash")
	}
	s := b.Open(t, loc, false)
	idx := searchIndexOf(t, s)
	ctx := context.Background()
	w := bufio.NewWriter(os.Stdout)
	var indexed int64
	for seq := int64(1); ; seq += 50 {
		if err := s.AppendAccess(ctx, samples(seq, 50)); err != nil {
			t.Fatalf("AppendAccess: %v", err)
		}
		fmt.Fprintf(w, "acked %d\n", seq+49)
		if n, err := idx.SearchIndexedThrough(ctx); err == nil && n != indexed {
			indexed = n
			fmt.Fprintf(w, "indexed %d\n", n)
		}
		if err := w.Flush(); err != nil {
			return
		}
	}
}
