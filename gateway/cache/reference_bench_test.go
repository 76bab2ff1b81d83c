package cache

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkReferenceHTTP5KB is the floor under any direct call to a
// sandbox: a keep-alive HTTP/1.1 POST over loopback answered with 5 KB and
// no work at all. Cache hit benchmarks are compared against it; a real
// sandbox call (SOAP parse, build the answer) can only be slower.
func BenchmarkReferenceHTTP5KB(b *testing.B) {
	answer := bytes.Repeat([]byte("x"), 5<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Write(answer)
	}))
	defer srv.Close()
	client := srv.Client()
	req := []byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>`)
	b.ReportAllocs()
	b.SetBytes(int64(len(answer)))
	for b.Loop() {
		resp, err := client.Post(srv.URL, "text/xml", bytes.NewReader(req))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}
