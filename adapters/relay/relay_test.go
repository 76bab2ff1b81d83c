package relay

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
)

// TestPostReadsAnswersWithAndWithoutLength: answers with a Content-Length
// and chunked ones arrive whole over one kept-alive connection; one past
// MaxResponse is refused either way.
func TestPostReadsAnswersWithAndWithoutLength(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		var answer []byte
		var conns atomic.Int32
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !chunked {
				w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
			}
			w.Write(answer)
		}))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		srv.Start()
		n := NewNode(Options{Name: "t", Base: srv.URL, MaxResponse: 300 << 10})
		for _, size := range []int{0, 1574, 300 << 10} {
			answer = bytes.Repeat([]byte{byte('a' + size%26)}, size)
			r, err := n.Post(context.Background(), "/x", nil, []byte("<q/>"))
			if err != nil || !bytes.Equal(r.Body, answer) {
				t.Fatalf("chunked %v, %d bytes: %v, got %d bytes", chunked, size, err, len(r.Body))
			}
		}
		if c := conns.Load(); c != 1 {
			t.Fatalf("chunked %v: %d connections for three answers, want one kept alive", chunked, c)
		}
		answer = make([]byte, 300<<10+1)
		if _, err := n.Post(context.Background(), "/x", nil, []byte("<q/>")); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("chunked %v: oversize answer: %v", chunked, err)
		}
		srv.Close()
	}
}
