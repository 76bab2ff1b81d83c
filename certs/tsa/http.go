package tsa

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
)

// Media types of RFC 3161 over HTTP.
const (
	ContentTypeQuery = "application/timestamp-query"
	ContentTypeReply = "application/timestamp-reply"
)

// ServeHTTP answers POST application/timestamp-query with
// application/timestamp-reply (RFC 3161 §3.4). A request that is not a
// time-stamp query at all gets an HTTP error; a query the authority
// refuses gets HTTP 200 with a rejection in the reply, as RFC 3161 wants.
func (a *Authority) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Metoda není povolena (use POST with application/timestamp-query).", http.StatusMethodNotAllowed)
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != ContentTypeQuery {
		http.Error(w, "Očekáván typ application/timestamp-query (unsupported media type).", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "Žádost je příliš velká (request too large).", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "Žádost nelze přečíst (cannot read request).", http.StatusBadRequest)
		return
	}
	resp := a.Respond(body)
	w.Header().Set("Content-Type", ContentTypeReply)
	w.Header().Set("Content-Length", strconv.Itoa(len(resp)))
	_, _ = w.Write(resp)
}

var _ http.Handler = (*Authority)(nil)
