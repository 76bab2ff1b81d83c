package audit

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrKeyFile is returned when a key file cannot be read or made.
var ErrKeyFile = errors.New("audit: key file")

// LoadOrCreateKey reads a key of size bytes (at least) kept base64 in
// path, creating it with a random key (mode 0600) when the file does not
// exist: the development default for the subject and body keys, as the
// development PKI is made on first start. In production configure the
// keys and back them up: without the body key stored bodies are lost, and
// without the subject key old entries cannot be found by subject.
func LoadOrCreateKey(path string, size int) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		return ParseKey(string(b), size)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	key := make([]byte, size)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path, size) // made meanwhile by another process
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	serr := f.Sync()
	if cerr := f.Close(); werr == nil && serr == nil {
		werr = cerr
	}
	if werr != nil || serr != nil {
		return nil, fmt.Errorf("%w: writing %s: %v", ErrKeyFile, path, errors.Join(werr, serr))
	}
	return key, nil
}

// ParseKey decodes a base64 key (standard or URL alphabet, padding
// optional) of at least size bytes.
func ParseKey(s string, size int) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) < size {
				return nil, fmt.Errorf("%w: the key has %d bytes, want at least %d", ErrKeyFile, len(k), size)
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("%w: the key is not base64", ErrKeyFile)
}
