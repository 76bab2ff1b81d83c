package policies

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Ticker is the part of *time.Ticker Watch uses, so tests can drive it.
type Ticker interface {
	Chan() <-chan time.Time
	Stop()
}

type realTicker struct{ *time.Ticker }

func (t realTicker) Chan() <-chan time.Time { return t.C }

// HolderOptions configure a Holder.
type HolderOptions struct {
	// Logger receives reload results; nil means zap.NewNop().
	Logger *zap.Logger
	// OnReload is called after every reload attempt (a metric hook).
	OnReload func(ok bool, err error)
	// NewTicker makes the polling ticker of Watch; nil means time.NewTicker.
	NewTicker func(d time.Duration) Ticker
}

// Holder holds the snapshot in force and swaps it atomically. A request
// takes the snapshot once (Current) and decides on it; a reload never
// changes a snapshot a request already holds.
type Holder struct {
	cur  atomic.Pointer[Snapshot]
	opts HolderOptions
	log  *zap.Logger
	mu   sync.Mutex // serialises reloads
}

// ErrNoSnapshot is returned by NewHolder for a nil snapshot.
var ErrNoSnapshot = errors.New("no policy snapshot")

// NewHolder returns a Holder serving s.
func NewHolder(s *Snapshot, opts HolderOptions) (*Holder, error) {
	if s == nil {
		return nil, ErrNoSnapshot
	}
	h := &Holder{opts: opts, log: opts.Logger}
	if h.log == nil {
		h.log = zap.NewNop()
	}
	h.cur.Store(s)
	return h, nil
}

// Current returns the snapshot in force.
func (h *Holder) Current() *Snapshot { return h.cur.Load() }

// Decide decides r on the snapshot in force.
func (h *Holder) Decide(r Request) Decision { return h.cur.Load().Decide(r) }

// Reload builds a new snapshot with load and swaps it in. On error the old
// snapshot stays in force; the error is returned, logged and reported to
// OnReload.
func (h *Holder) Reload(load func() (*Snapshot, error)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, err := load()
	if err == nil && s == nil {
		err = ErrNoSnapshot
	}
	if err != nil {
		err = fmt.Errorf("policy reload failed, keeping the previous policy: %w", err)
		h.log.Warn("policy reload failed; previous policy stays in force", zap.Error(err))
		if h.opts.OnReload != nil {
			h.opts.OnReload(false, err)
		}
		return err
	}
	h.cur.Store(s)
	st := s.Stats()
	h.log.Info("policy reloaded",
		zap.Int("agendas", st.Agendas), zap.Int("roles", st.Roles), zap.Int("ovms", st.OVMs),
		zap.Int("registrations", st.Registrations), zap.Int("warnings", len(s.warnings)+s.moreWarnings))
	if h.opts.OnReload != nil {
		h.opts.OnReload(true, nil)
	}
	return nil
}

// fingerprint identifies a file's content cheaply (size, mtime) and
// exactly (hash), so that a touched but unchanged file does not reload.
type fingerprint struct {
	exists bool
	size   int64
	mtime  time.Time
	hash   [sha256.Size]byte
}

func fingerprintOf(path string, prev fingerprint) fingerprint {
	st, err := os.Stat(path)
	if err != nil {
		return fingerprint{}
	}
	fp := fingerprint{exists: true, size: st.Size(), mtime: st.ModTime()}
	if prev.exists && prev.size == fp.size && prev.mtime.Equal(fp.mtime) {
		fp.hash = prev.hash
		return fp
	}
	f, err := os.Open(path)
	if err != nil {
		return fingerprint{}
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return fingerprint{}
	}
	copy(fp.hash[:], sum.Sum(nil))
	return fp
}

func (f fingerprint) sameContent(o fingerprint) bool {
	return f.exists == o.exists && bytes.Equal(f.hash[:], o.hash[:])
}

// Watch polls paths every interval and reloads with load when the content
// of any of them changed (size or mtime differ and the SHA-256 differs). It
// returns when ctx is done. A failed reload keeps the old snapshot; the
// same content is not retried until it changes again.
func (h *Holder) Watch(ctx context.Context, paths []string, interval time.Duration, load func() (*Snapshot, error)) error {
	if interval <= 0 {
		return fmt.Errorf("watch policy: interval %v must be positive", interval)
	}
	newTicker := h.opts.NewTicker
	if newTicker == nil {
		newTicker = func(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }
	}
	prints := make([]fingerprint, len(paths))
	for i, p := range paths {
		prints[i] = fingerprintOf(p, fingerprint{})
	}
	t := newTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.Chan():
		}
		changed := false
		for i, p := range paths {
			fp := fingerprintOf(p, prints[i])
			if !fp.sameContent(prints[i]) {
				changed = true
			}
			prints[i] = fp
		}
		if changed {
			_ = h.Reload(load) // logged and reported by Reload
		}
	}
}

var _ Ticker = realTicker{}
