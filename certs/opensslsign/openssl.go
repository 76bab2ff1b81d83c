//go:build openssl && cgo

package opensslsign

/*
#cgo LDFLAGS: -lcrypto
#include <stddef.h>
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#if OPENSSL_VERSION_MAJOR < 3
#error "opensslsign needs OpenSSL 3 headers (Debian: libssl-dev)"
#endif

// ko_load parses one DER PKCS#1 RSAPrivateKey into a new EVP_PKEY. It
// returns NULL, with the first OpenSSL error code in *err, when der is not
// exactly one RSA key.
static EVP_PKEY *ko_load(const unsigned char *der, long len, unsigned long *err) {
	const unsigned char *p = der;
	EVP_PKEY *k;
	ERR_clear_error();
	k = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, len);
	*err = ERR_peek_error();
	if (k != NULL && p != der + len) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	ERR_clear_error();
	return k;
}

// ko_sign makes an RSA PKCS#1 v1.5 signature of the digest dgst with the
// hash SHA-<hash> into sig (*siglen bytes; on return the signature's
// length) with a fresh EVP_PKEY_CTX. It returns 0, or the number of the
// step that failed with the first OpenSSL error code in *err.
static int ko_sign(EVP_PKEY *k, int hash, const unsigned char *dgst, size_t dlen,
		unsigned char *sig, size_t *siglen, unsigned long *err) {
	const EVP_MD *md;
	EVP_PKEY_CTX *ctx;
	int step = 0;
	switch (hash) {
	case 256: md = EVP_sha256(); break;
	case 384: md = EVP_sha384(); break;
	case 512: md = EVP_sha512(); break;
	default: *err = 0; return 1;
	}
	ERR_clear_error();
	ctx = EVP_PKEY_CTX_new(k, NULL);
	if (ctx == NULL) step = 2;
	else if (EVP_PKEY_sign_init(ctx) <= 0) step = 3;
	else if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) step = 4;
	else if (EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0) step = 5;
	else if (EVP_PKEY_sign(ctx, sig, siglen, dgst, dlen) <= 0) step = 6;
	*err = step ? ERR_peek_error() : 0;
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	return step;
}
*/
import "C"

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"runtime"
	"sync"
	"unsafe"
)

// Signer signs with an RSA private key held by libcrypto. It is safe for
// concurrent use: the key is loaded once and every Sign uses its own
// EVP_PKEY_CTX.
type Signer struct {
	pub     *rsa.PublicKey
	size    int
	mu      sync.RWMutex // Sign holds it shared, Close exclusively
	pkey    *C.EVP_PKEY  // nil after Close
	cleanup runtime.Cleanup
}

// Available reports whether the OpenSSL signer is compiled in.
func Available() bool { return true }

var version = sync.OnceValue(func() string { return C.GoString(C.OpenSSL_version(C.OPENSSL_VERSION)) })

// Version is the version of the libcrypto in use, as OpenSSL names it
// (e.g. "OpenSSL 3.0.19 27 Jan 2026").
func Version() string { return version() }

// New loads key into libcrypto and returns a Signer for it. The key is
// handed over as PKCS#1 DER, which is zeroed once OpenSSL has parsed it;
// New then checks that a signature OpenSSL makes verifies with the public
// key. Close frees the OpenSSL copy of the key; a Signer that is no longer
// referenced frees it too.
func New(key *rsa.PrivateKey) (*Signer, error) {
	if key == nil {
		return nil, errors.New("opensslsign: no key")
	}
	if err := key.Validate(); err != nil {
		return nil, fmt.Errorf("opensslsign: invalid RSA key: %w", err)
	}
	der := x509.MarshalPKCS1PrivateKey(key)
	var e C.ulong
	pk := C.ko_load((*C.uchar)(unsafe.Pointer(unsafe.SliceData(der))), C.long(len(der)), &e)
	clear(der)
	if pk == nil {
		return nil, fmt.Errorf("opensslsign: OpenSSL cannot load the RSA key: %s", errString(e))
	}
	if bits := int(C.EVP_PKEY_get_bits(pk)); bits != key.N.BitLen() {
		C.EVP_PKEY_free(pk)
		return nil, fmt.Errorf("opensslsign: OpenSSL loaded a %d-bit key from a %d-bit one", bits, key.N.BitLen())
	}
	s := &Signer{pub: &rsa.PublicKey{N: new(big.Int).Set(key.N), E: key.E}, size: key.Size(), pkey: pk}
	s.cleanup = runtime.AddCleanup(s, freeKey, pk)
	sum := sha256.Sum256([]byte("konektor opensslsign self-test"))
	sig, err := s.Sign(nil, sum[:], crypto.SHA256)
	if err == nil {
		if rsa.VerifyPKCS1v15(s.pub, crypto.SHA256, sum[:], sig) != nil {
			err = errors.New("opensslsign: self-test: OpenSSL's signature does not verify with the public key")
		}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func freeKey(pk *C.EVP_PKEY) { C.EVP_PKEY_free(pk) }

// Public returns the RSA public key.
func (s *Signer) Public() crypto.PublicKey { return s.pub }

// Sign returns the RSA PKCS#1 v1.5 signature of digest, which must be the
// SHA-256, SHA-384 or SHA-512 hash named by opts. The random source is not
// used: the signature is deterministic (OpenSSL blinds the private-key
// operation with its own generator). RSA-PSS options give an error wrapping
// ErrUnsupported.
func (s *Signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil {
		return nil, fmt.Errorf("%w: no hash given", ErrUnsupported)
	}
	if _, pss := opts.(*rsa.PSSOptions); pss {
		return nil, fmt.Errorf("%w: RSA-PSS (only PKCS#1 v1.5 is implemented)", ErrUnsupported)
	}
	h := opts.HashFunc()
	var sel C.int
	switch h {
	case crypto.SHA256:
		sel = 256
	case crypto.SHA384:
		sel = 384
	case crypto.SHA512:
		sel = 512
	case 0:
		return nil, fmt.Errorf("%w: unhashed PKCS#1 v1.5 (a hash is required)", ErrUnsupported)
	default:
		return nil, fmt.Errorf("%w: hash %v (SHA-256, SHA-384 or SHA-512 only)", ErrUnsupported, h)
	}
	if len(digest) != h.Size() {
		return nil, fmt.Errorf("opensslsign: the digest is %d bytes, a %v digest has %d", len(digest), h, h.Size())
	}
	sig := make([]byte, s.size)
	n := C.size_t(len(sig))
	var e C.ulong
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.pkey == nil {
		return nil, ErrClosed
	}
	step := C.ko_sign(s.pkey, sel,
		(*C.uchar)(unsafe.Pointer(unsafe.SliceData(digest))), C.size_t(len(digest)),
		(*C.uchar)(unsafe.Pointer(unsafe.SliceData(sig))), &n, &e)
	runtime.KeepAlive(s)
	if step != 0 {
		return nil, fmt.Errorf("opensslsign: %s failed: %s", signStep(step), errString(e))
	}
	if int(n) != s.size {
		return nil, fmt.Errorf("opensslsign: OpenSSL returned a %d-byte signature for a %d-byte modulus", int(n), s.size)
	}
	return sig, nil
}

// Close frees the OpenSSL copy of the key; Sign then returns ErrClosed.
// Close may be called more than once.
func (s *Signer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pkey != nil {
		s.cleanup.Stop()
		C.EVP_PKEY_free(s.pkey)
		s.pkey = nil
	}
	return nil
}

// signStep names the step of ko_sign that failed.
func signStep(step C.int) string {
	switch step {
	case 1:
		return "selecting the hash"
	case 2:
		return "EVP_PKEY_CTX_new"
	case 3:
		return "EVP_PKEY_sign_init"
	case 4:
		return "EVP_PKEY_CTX_set_rsa_padding(PKCS#1)"
	case 5:
		return "EVP_PKEY_CTX_set_signature_md"
	case 6:
		return "EVP_PKEY_sign"
	}
	return fmt.Sprintf("step %d", int(step))
}

// errString is OpenSSL's text for an error code (library, reason; never
// key material).
func errString(e C.ulong) string {
	if e == 0 {
		return "no OpenSSL error code"
	}
	var buf [256]C.char
	C.ERR_error_string_n(e, &buf[0], C.size_t(len(buf)))
	return C.GoString(&buf[0])
}
