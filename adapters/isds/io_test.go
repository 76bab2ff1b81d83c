package isds

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

func readAll(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}

func readCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

func readAllResp(r *http.Response) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}
