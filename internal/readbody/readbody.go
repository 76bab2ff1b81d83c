// Package readbody reads HTTP bodies into memory, bounded, with as little
// garbage as the length allows: a body whose length is announced is read
// into one slice of exactly that size; one of unknown length (chunked) is
// collected in a pooled scratch buffer and copied out at its final size.
// The slice returned is never pooled, so whoever receives it (pipeline,
// cache, access log, a single-flight call outliving its caller) may keep it.
package readbody

import (
	"bytes"
	"io"
	"sync"
)

// maxPooled is the largest scratch buffer put back into the pool; a larger
// one is handed out as the result instead of being copied.
const maxPooled = 256 << 10

var scratch = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Read reads at most limit bytes of r. size is the announced length
// (Content-Length; -1 when unknown). An announced length below limit and
// at most presize is allocated up front; presize bounds what a caller can
// make konektor allocate by announcing a length it never sends. A larger or
// unknown length grows as the bytes arrive. net/http enforces the announced
// length, so a body that ends early is an error, as with io.ReadAll.
func Read(r io.Reader, size, limit, presize int64) ([]byte, error) {
	if size == 0 {
		return []byte{}, nil
	}
	if size > 0 && size < limit && size <= presize {
		b := make([]byte, size)
		n, err := io.ReadFull(r, b)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return b[:n], err
	}
	buf := scratch.Get().(*bytes.Buffer)
	buf.Reset()
	_, err := buf.ReadFrom(&io.LimitedReader{R: r, N: limit})
	if buf.Cap() > maxPooled {
		// Too big to keep pooled: the scratch buffer itself is the result.
		return buf.Bytes(), err
	}
	out := make([]byte, buf.Len())
	copy(out, buf.Bytes())
	buf.Reset()
	scratch.Put(buf)
	return out, err
}
