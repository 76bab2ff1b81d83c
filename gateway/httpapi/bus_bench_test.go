package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"konektor/gateway/pipeline"
)

// onlyReader hides the concrete type of its reader, so httptest.NewRequest
// cannot learn the length: the request arrives as if chunked.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// BenchmarkBusRelay measures the edge's cost per call: reading the body and
// writing the answer, with a pipeline that answers at once. The sizes are
// the load harness's (a 5 100-byte E36 question, a 1 574-byte answer).
func BenchmarkBusRelay(b *testing.B) {
	question := bytes.Repeat([]byte("q"), 5100)
	answer := bytes.Repeat([]byte("a"), 1574)
	h := NewBus(BusOptions{Now: time.Now, Logger: zap.NewNop(), MaxBodyBytes: 8 << 20, MaxConcurrent: 256,
		Pipeline: func(_ context.Context, ex *pipeline.Exchange) (*pipeline.Reply, error) {
			if len(ex.Body) != len(question) {
				b.Fatalf("body %d bytes", len(ex.Body))
			}
			return &pipeline.Reply{Status: 200, ContentType: "text/xml; charset=utf-8", Body: answer}, nil
		}})
	for _, tc := range []struct {
		name    string
		chunked bool
	}{{"content-length", false}, {"chunked", true}} {
		b.Run(tc.name, func(b *testing.B) {
			w := httptest.NewRecorder()
			b.ReportAllocs()
			b.SetBytes(int64(len(question)))
			for b.Loop() {
				var body io.Reader = bytes.NewReader(question)
				if tc.chunked {
					body = onlyReader{body}
				}
				req := httptest.NewRequest(http.MethodPost, "/bus/iszr/E36", body)
				w.Body.Reset()
				h.ServeHTTP(w, req)
			}
			if !strings.HasPrefix(w.Body.String(), "aaa") {
				b.Fatalf("answer %q", w.Body.String())
			}
		})
	}
}
