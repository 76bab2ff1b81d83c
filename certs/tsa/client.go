package tsa

import (
	"bytes"
	"context"
	"crypto"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// maxReplyBytes bounds a reply read from a TSA.
const maxReplyBytes = 1 << 20

// Request asks the TSA at url for a token over digest (a hash of algorithm
// h) and returns the token after checking that it stamps digest and echoes
// the request's nonce. It does not judge trust in the TSA: pass the token
// to Verify for that. A nil client means http.DefaultClient.
func Request(ctx context.Context, client *http.Client, url string, h crypto.Hash, digest []byte) ([]byte, error) {
	if client == nil {
		client = http.DefaultClient
	}
	if len(digest) != h.Size() {
		return nil, fmt.Errorf("%w: %d bytes for %v", ErrDigestLength, len(digest), h)
	}
	nonce, err := randomSerial()
	if err != nil {
		return nil, err
	}
	q, err := marshalRequest(h, digest, nonce)
	if err != nil {
		return nil, fmt.Errorf("tsa: build request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(q))
	if err != nil {
		return nil, fmt.Errorf("tsa: %w", err)
	}
	req.Header.Set("Content-Type", ContentTypeQuery)
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("tsa: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("tsa: read reply: %w", err)
	}
	if len(body) > maxReplyBytes {
		return nil, fmt.Errorf("%w: reply over %d bytes", ErrMalformed, maxReplyBytes)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("tsa: HTTP %d from %s", resp.StatusCode, url)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != ContentTypeReply {
		return nil, fmt.Errorf("%w: reply of type %q", ErrMalformed, resp.Header.Get("Content-Type"))
	}
	token, err := tokenOf(body)
	if err != nil {
		return nil, err
	}
	t, err := Parse(token)
	if err != nil {
		return nil, err
	}
	if t.Hash != h || !bytes.Equal(t.Digest, digest) {
		return nil, fmt.Errorf("%w: reply stamps %v %x", ErrImprint, t.Hash, t.Digest)
	}
	if t.Nonce == nil || t.Nonce.Cmp(nonce) != 0 {
		return nil, fmt.Errorf("%w: reply does not echo the nonce", ErrMalformed)
	}
	return token, nil
}
