package relay

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkPost measures one relayed call over a kept-alive loopback
// connection, answers with and without Content-Length. The allocations
// include the test server's own.
func BenchmarkPost(b *testing.B) {
	question := bytes.Repeat([]byte("q"), 5100)
	for _, size := range []int{1574, 64 << 10} {
		for _, chunked := range []bool{false, true} {
			answer := bytes.Repeat([]byte("a"), size)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !chunked {
					w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
				}
				w.Write(answer)
			}))
			name := strconv.Itoa(size) + "B"
			if chunked {
				name += "-chunked"
			}
			n := NewNode(Options{Name: "bench", Base: srv.URL})
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					r, err := n.Post(context.Background(), "/x", nil, question)
					if err != nil || len(r.Body) != size {
						b.Fatalf("%v %d", err, len(r.Body))
					}
				}
			})
			srv.Close()
		}
	}
}
