//go:build cgo && unix && !noopenssl

package opensslsign

/*
#cgo linux LDFLAGS: -ldl
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>

// The few libcrypto 3 entry points the signer uses, declared here (no
// OpenSSL headers at build time) and resolved with dlsym at run time.
// EVP_PKEY, EVP_PKEY_CTX and EVP_MD stay opaque.
typedef struct ko_evp_pkey ko_evp_pkey;
typedef struct ko_evp_pkey_ctx ko_evp_pkey_ctx;
typedef struct ko_evp_md ko_evp_md;

// Constants from OpenSSL 3's public headers (stable ABI values).
#define KO_OPENSSL_VERSION 0   // OpenSSL_version(OPENSSL_VERSION)
#define KO_EVP_PKEY_RSA 6      // NID_rsaEncryption
#define KO_RSA_PKCS1_PADDING 1

typedef struct {
	void *handle;
	unsigned long (*OpenSSL_version_num)(void);
	unsigned int (*OPENSSL_version_major)(void); // NULL before 3.0
	const char *(*OpenSSL_version)(int);
	void (*ERR_clear_error)(void);
	unsigned long (*ERR_peek_error)(void);
	void (*ERR_error_string_n)(unsigned long, char *, size_t);
	ko_evp_pkey *(*d2i_PrivateKey)(int, ko_evp_pkey **, const unsigned char **, long);
	void (*EVP_PKEY_free)(ko_evp_pkey *);
	int (*EVP_PKEY_get_bits)(const ko_evp_pkey *);
	const ko_evp_md *(*EVP_sha256)(void);
	const ko_evp_md *(*EVP_sha384)(void);
	const ko_evp_md *(*EVP_sha512)(void);
	ko_evp_pkey_ctx *(*EVP_PKEY_CTX_new)(ko_evp_pkey *, void *);
	void (*EVP_PKEY_CTX_free)(ko_evp_pkey_ctx *);
	int (*EVP_PKEY_sign_init)(ko_evp_pkey_ctx *);
	int (*EVP_PKEY_CTX_set_rsa_padding)(ko_evp_pkey_ctx *, int);
	int (*EVP_PKEY_CTX_set_signature_md)(ko_evp_pkey_ctx *, const ko_evp_md *);
	int (*EVP_PKEY_sign)(ko_evp_pkey_ctx *, unsigned char *, size_t *, const unsigned char *, size_t);
} ko_lib;

// ko_copy copies a C string into buf (n bytes, always terminated).
static void ko_copy(char *buf, size_t n, const char *s) {
	size_t i = 0;
	if (n == 0) return;
	if (s != NULL) for (; i + 1 < n && s[i] != 0; i++) buf[i] = s[i];
	buf[i] = 0;
}

static const ko_lib ko_zero;

#define KO_SYM(name) do { \
	*(void **)(&l->name) = dlsym(l->handle, #name); \
	if (l->name == NULL) { ko_copy(msg, n, #name); return 3; } \
} while (0)

// ko_open dlopens name into *l and resolves the version functions. It
// returns 0; 1 when dlopen fails (msg: dlerror); 2 when the library has no
// OpenSSL_version_num/OpenSSL_version (msg: the missing symbol).
static int ko_open(const char *name, ko_lib *l, char *msg, size_t n) {
	*l = ko_zero;
	dlerror();
	l->handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (l->handle == NULL) {
		ko_copy(msg, n, dlerror());
		return 1;
	}
	*(void **)(&l->OpenSSL_version_num) = dlsym(l->handle, "OpenSSL_version_num");
	*(void **)(&l->OpenSSL_version) = dlsym(l->handle, "OpenSSL_version");
	*(void **)(&l->OPENSSL_version_major) = dlsym(l->handle, "OPENSSL_version_major");
	if (l->OpenSSL_version_num == NULL || l->OpenSSL_version == NULL) {
		ko_copy(msg, n, l->OpenSSL_version_num == NULL ? "OpenSSL_version_num" : "OpenSSL_version");
		return 2;
	}
	return 0;
}

// ko_major is the library's major version (OPENSSL_version_major where it
// exists, else the top nibble of OpenSSL_version_num).
static unsigned int ko_major(const ko_lib *l) {
	if (l->OPENSSL_version_major != NULL) return l->OPENSSL_version_major();
	return (unsigned int)(l->OpenSSL_version_num() >> 28);
}

static const char *ko_version(const ko_lib *l) { return l->OpenSSL_version(KO_OPENSSL_VERSION); }

// ko_resolve resolves the signing functions: 0, or 3 with the name of the
// first missing symbol in msg.
static int ko_resolve(ko_lib *l, char *msg, size_t n) {
	KO_SYM(ERR_clear_error);
	KO_SYM(ERR_peek_error);
	KO_SYM(ERR_error_string_n);
	KO_SYM(d2i_PrivateKey);
	KO_SYM(EVP_PKEY_free);
	KO_SYM(EVP_PKEY_get_bits);
	KO_SYM(EVP_sha256);
	KO_SYM(EVP_sha384);
	KO_SYM(EVP_sha512);
	KO_SYM(EVP_PKEY_CTX_new);
	KO_SYM(EVP_PKEY_CTX_free);
	KO_SYM(EVP_PKEY_sign_init);
	KO_SYM(EVP_PKEY_CTX_set_rsa_padding);
	KO_SYM(EVP_PKEY_CTX_set_signature_md);
	KO_SYM(EVP_PKEY_sign);
	return 0;
}

// ko_close unloads a library that failed a check.
static void ko_close(ko_lib *l) {
	if (l->handle != NULL) dlclose(l->handle);
	*l = ko_zero;
}

// ko_load parses one DER PKCS#1 RSAPrivateKey into a new EVP_PKEY. It
// returns NULL, with the first OpenSSL error code in *err, when der is not
// exactly one RSA key.
static ko_evp_pkey *ko_load(const ko_lib *l, const unsigned char *der, long len, unsigned long *err) {
	const unsigned char *p = der;
	ko_evp_pkey *k;
	l->ERR_clear_error();
	k = l->d2i_PrivateKey(KO_EVP_PKEY_RSA, NULL, &p, len);
	*err = l->ERR_peek_error();
	if (k != NULL && p != der + len) {
		l->EVP_PKEY_free(k);
		k = NULL;
	}
	l->ERR_clear_error();
	return k;
}

static int ko_bits(const ko_lib *l, const ko_evp_pkey *k) { return l->EVP_PKEY_get_bits(k); }

static void ko_free(const ko_lib *l, ko_evp_pkey *k) { l->EVP_PKEY_free(k); }

static void ko_errstr(const ko_lib *l, unsigned long e, char *buf, size_t n) { l->ERR_error_string_n(e, buf, n); }

// ko_sign makes an RSA PKCS#1 v1.5 signature of the digest dgst with the
// hash SHA-<hash> into sig (*siglen bytes; on return the signature's
// length) with a fresh EVP_PKEY_CTX. It returns 0, or the number of the
// step that failed with the first OpenSSL error code in *err.
static int ko_sign(const ko_lib *l, ko_evp_pkey *k, int hash, const unsigned char *dgst, size_t dlen,
		unsigned char *sig, size_t *siglen, unsigned long *err) {
	const ko_evp_md *md;
	ko_evp_pkey_ctx *ctx;
	int step = 0;
	switch (hash) {
	case 256: md = l->EVP_sha256(); break;
	case 384: md = l->EVP_sha384(); break;
	case 512: md = l->EVP_sha512(); break;
	default: *err = 0; return 1;
	}
	l->ERR_clear_error();
	ctx = l->EVP_PKEY_CTX_new(k, NULL);
	if (ctx == NULL) step = 2;
	else if (l->EVP_PKEY_sign_init(ctx) <= 0) step = 3;
	else if (l->EVP_PKEY_CTX_set_rsa_padding(ctx, KO_RSA_PKCS1_PADDING) <= 0) step = 4;
	else if (l->EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0) step = 5;
	else if (l->EVP_PKEY_sign(ctx, sig, siglen, dgst, dlen) <= 0) step = 6;
	*err = step ? l->ERR_peek_error() : 0;
	l->ERR_clear_error();
	if (ctx != NULL) l->EVP_PKEY_CTX_free(ctx);
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
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// defaultLibNames are the libcrypto file names tried in order.
func defaultLibNames() []string {
	if runtime.GOOS == "darwin" {
		return []string{"libcrypto.3.dylib"}
	}
	// libcrypto.so.3 is OpenSSL 3's soname (Debian/Ubuntu package libssl3 or
	// libssl3t64); libcrypto.so, the development link, may name a later one.
	return []string{"libcrypto.so.3", "libcrypto.so"}
}

// minMajor is the oldest OpenSSL major version the signer accepts.
const minMajor = 3

// library is a loaded libcrypto: the C table of its entry points (in C
// memory, never freed: the library stays loaded for the process) and its
// version text.
type library struct {
	c       *C.ko_lib
	name    string
	version string
}

// loader loads libcrypto once, from the first of names that works.
type loader struct {
	names []string
	once  sync.Once
	lib   *library
	err   error
}

func (l *loader) load() (*library, error) {
	l.once.Do(func() { l.lib, l.err = openLibrary(l.names) })
	return l.lib, l.err
}

// libcrypto is the process's libcrypto (loaded on first use); tests
// replace it to simulate a missing or unusable library.
var libcrypto = &loader{names: defaultLibNames()}

// openLibrary tries each name and returns the first OpenSSL 3 (or later)
// libcrypto that has every entry point the signer needs. The error, which
// wraps ErrUnavailable, says for each name why it was not used.
func openLibrary(names []string) (*library, error) {
	if len(names) == 0 {
		return nil, &loadError{short: "no libcrypto name to load"}
	}
	var why []string
	short := ""
	for _, name := range names {
		lib, missing, err := openOne(name)
		if err == nil {
			return lib, nil
		}
		if !missing && short == "" {
			short = err.Error()
		}
		why = append(why, err.Error())
	}
	if short == "" {
		// No name could be opened. The usual case (no libssl3 installed):
		// "libcrypto.so.3 not found", dlerror's text in the detail.
		short = names[0] + " cannot be loaded"
		if m := strings.ToLower(why[0]); strings.Contains(m, "no such file") || strings.Contains(m, "not found") {
			short = names[0] + " not found"
		}
	}
	detail := strings.Join(why, "; ")
	if detail == short {
		detail = ""
	}
	return nil, &loadError{short: short, detail: detail}
}

// openOne loads one library; missing reports that dlopen failed (no such
// file, or one it cannot load).
func openOne(name string) (lib *library, missing bool, err error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	l := (*C.ko_lib)(C.calloc(1, C.size_t(unsafe.Sizeof(C.ko_lib{}))))
	if l == nil {
		return nil, false, fmt.Errorf("%s: out of memory", name)
	}
	var msg [512]C.char
	fail := func(err error) (*library, bool, error) {
		C.ko_close(l)
		C.free(unsafe.Pointer(l))
		return nil, false, err
	}
	switch C.ko_open(cname, l, &msg[0], C.size_t(len(msg))) {
	case 0:
	case 1:
		C.free(unsafe.Pointer(l))
		return nil, true, fmt.Errorf("%s: %s", name, C.GoString(&msg[0]))
	default:
		return fail(fmt.Errorf("%s is not OpenSSL's libcrypto (no %s)", name, C.GoString(&msg[0])))
	}
	version := C.GoString(C.ko_version(l))
	if err := checkMajor(uint(C.ko_major(l))); err != nil {
		return fail(fmt.Errorf("%s is %s: %w", name, version, err))
	}
	if C.ko_resolve(l, &msg[0], C.size_t(len(msg))) != 0 {
		return fail(fmt.Errorf("%s (%s) lacks %s", name, version, C.GoString(&msg[0])))
	}
	return &library{c: l, name: name, version: version}, false, nil
}

// checkMajor refuses OpenSSL before 3 (and LibreSSL, which reports 2).
func checkMajor(major uint) error {
	if major < minMajor {
		return fmt.Errorf("need OpenSSL %d or later, not %d.x", minMajor, major)
	}
	return nil
}

// Signer signs with an RSA private key held by libcrypto. It is safe for
// concurrent use: the key is loaded once and every Sign uses its own
// EVP_PKEY_CTX.
type Signer struct {
	lib     *library
	pub     *rsa.PublicKey
	size    int
	mu      sync.RWMutex   // Sign holds it shared, Close exclusively
	pkey    *C.ko_evp_pkey // nil after Close
	cleanup runtime.Cleanup
}

// Available reports whether the OpenSSL signer can be used: the binding is
// compiled in (cgo, without -tags noopenssl) and an OpenSSL 3 libcrypto
// loaded. The first call loads it.
func Available() bool {
	_, err := libcrypto.load()
	return err == nil
}

// LoadError is nil when the OpenSSL signer is available, else why not (an
// error wrapping ErrUnavailable).
func LoadError() error {
	_, err := libcrypto.load()
	return err
}

// Version is the version of the libcrypto in use, as OpenSSL names it
// (e.g. "OpenSSL 3.0.19 27 Jan 2026"), or "" when none is loaded.
func Version() string {
	lib, err := libcrypto.load()
	if err != nil {
		return ""
	}
	return lib.version
}

// description names the implementation in use for Select's description.
func description() string {
	lib, err := libcrypto.load()
	if err != nil {
		return ""
	}
	return lib.version + " (" + lib.name + ", loaded at run time)"
}

// New loads key into libcrypto and returns a Signer for it. The key is
// handed over as PKCS#1 DER, which is zeroed once OpenSSL has parsed it;
// New then checks that a signature OpenSSL makes verifies with the public
// key. Close frees the OpenSSL copy of the key; a Signer that is no longer
// referenced frees it too. Without a usable libcrypto New returns an error
// wrapping ErrUnavailable that says why.
func New(key *rsa.PrivateKey) (*Signer, error) {
	lib, err := libcrypto.load()
	if err != nil {
		return nil, err
	}
	return newWithLib(lib, key)
}

func newWithLib(lib *library, key *rsa.PrivateKey) (*Signer, error) {
	if key == nil {
		return nil, errors.New("opensslsign: no key")
	}
	if err := key.Validate(); err != nil {
		return nil, fmt.Errorf("opensslsign: invalid RSA key: %w", err)
	}
	der := x509.MarshalPKCS1PrivateKey(key)
	var e C.ulong
	pk := C.ko_load(lib.c, (*C.uchar)(unsafe.Pointer(unsafe.SliceData(der))), C.long(len(der)), &e)
	clear(der)
	if pk == nil {
		return nil, fmt.Errorf("opensslsign: OpenSSL cannot load the RSA key: %s", lib.errString(e))
	}
	if bits := int(C.ko_bits(lib.c, pk)); bits != key.N.BitLen() {
		C.ko_free(lib.c, pk)
		return nil, fmt.Errorf("opensslsign: OpenSSL loaded a %d-bit key from a %d-bit one", bits, key.N.BitLen())
	}
	s := &Signer{lib: lib, pub: &rsa.PublicKey{N: new(big.Int).Set(key.N), E: key.E}, size: key.Size(), pkey: pk}
	s.cleanup = runtime.AddCleanup(s, freeKey, cKey{lib.c, pk})
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

// cKey is what the cleanup of an unreachable Signer frees (C pointers only).
type cKey struct {
	lib  *C.ko_lib
	pkey *C.ko_evp_pkey
}

func freeKey(k cKey) {
	C.ko_free(k.lib, k.pkey)
	keysFreed.Add(1)
}

// keysFreed counts keys freed by Close or by the cleanup (for tests).
var keysFreed atomic.Int64

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
	step := C.ko_sign(s.lib.c, s.pkey, sel,
		(*C.uchar)(unsafe.Pointer(unsafe.SliceData(digest))), C.size_t(len(digest)),
		(*C.uchar)(unsafe.Pointer(unsafe.SliceData(sig))), &n, &e)
	runtime.KeepAlive(s)
	if step != 0 {
		return nil, fmt.Errorf("opensslsign: %s failed: %s", signStep(step), s.lib.errString(e))
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
		freeKey(cKey{s.lib.c, s.pkey})
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
func (l *library) errString(e C.ulong) string {
	if e == 0 {
		return "no OpenSSL error code"
	}
	var buf [256]C.char
	C.ko_errstr(l.c, e, &buf[0], C.size_t(len(buf)))
	return C.GoString(&buf[0])
}
