package audit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"konektor/certs"
	"konektor/internal/store"
)

// CheckpointVersion names the canonical encoding of a checkpoint; see the
// package doc.
const CheckpointVersion = "konektor-checkpoint-v1"

// Checkpoint signature algorithms.
const (
	AlgRSAPKCS1SHA256 = "rsa-pkcs1v15-sha256"
	AlgECDSASHA256    = "ecdsa-sha256"
	AlgEd25519        = "ed25519"
)

// ErrSeal is returned when the seal key cannot sign checkpoints.
var ErrSeal = errors.New("audit: seal key")

// CheckpointMessage returns the message a checkpoint's signature and Hash
// cover: netstrings of the version, then of each field's name and value.
// Signature, TimeStamp and Hash are not part of it.
func CheckpointMessage(c store.Checkpoint) []byte {
	var num [48]byte
	buf := make([]byte, 0, 512)
	buf = appendItem(buf, CheckpointVersion)
	buf = appendField(buf, "seq", strconv.AppendInt(num[:0], c.Seq, 10))
	buf = appendField(buf, "head", c.Head)
	buf = appendField(buf, "time", store.StoredTime(c.Time).AppendFormat(num[:0], timeLayout))
	buf = appendField(buf, "prev", c.Prev)
	buf = appendField(buf, "cert_sha256", c.CertSHA256)
	buf = appendField(buf, "algorithm", c.Algorithm)
	return buf
}

// CheckpointHash returns the lowercase hex SHA-256 of CheckpointMessage(c).
func CheckpointHash(c store.Checkpoint) string {
	sum := sha256.Sum256(CheckpointMessage(c))
	return hex.EncodeToString(sum[:])
}

// TimeStampImprint returns what a checkpoint's RFC 3161 time stamp covers:
// the SHA-256 of its signature value (a signature time stamp).
func TimeStampImprint(c store.Checkpoint) []byte {
	sum := sha256.Sum256(c.Signature)
	return sum[:]
}

// CertSHA256 returns the lowercase hex SHA-256 of a certificate's DER.
func CertSHA256(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// signer signs checkpoints with the seal key.
type signer struct {
	key       crypto.Signer
	cert      *x509.Certificate
	certSHA   string
	algorithm string
}

func newSigner(kp *certs.KeyPair) (*signer, error) {
	if kp == nil || kp.Key == nil || kp.Leaf() == nil {
		return nil, fmt.Errorf("%w: no key or certificate", ErrSeal)
	}
	s := &signer{key: kp.Key, cert: kp.Leaf(), certSHA: CertSHA256(kp.Leaf())}
	switch k := kp.Key.Public().(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("%w: RSA key of %d bits is too weak (want at least 2048)", ErrSeal, k.N.BitLen())
		}
		s.algorithm = AlgRSAPKCS1SHA256
	case *ecdsa.PublicKey:
		s.algorithm = AlgECDSASHA256
	case ed25519.PublicKey:
		s.algorithm = AlgEd25519
	default:
		return nil, fmt.Errorf("%w: unsupported key type %T", ErrSeal, k)
	}
	return s, nil
}

// sign fills c's certificate, algorithm, signature and hash.
func (s *signer) sign(c *store.Checkpoint) error {
	c.CertSHA256, c.Algorithm = s.certSHA, s.algorithm
	c.Time = store.StoredTime(c.Time)
	msg := CheckpointMessage(*c)
	var (
		sig []byte
		err error
	)
	if s.algorithm == AlgEd25519 {
		sig, err = s.key.Sign(rand.Reader, msg, crypto.Hash(0))
	} else {
		sum := sha256.Sum256(msg)
		sig, err = s.key.Sign(rand.Reader, sum[:], crypto.SHA256)
	}
	if err != nil {
		return fmt.Errorf("%w: signing checkpoint %d: %v", ErrSeal, c.Seq, err)
	}
	c.Signature = sig
	h := sha256.Sum256(msg)
	c.Hash = hex.EncodeToString(h[:])
	return nil
}

// verifyCheckpointSignature checks c's hash and its signature by cert.
func verifyCheckpointSignature(c store.Checkpoint, cert *x509.Certificate) error {
	msg := CheckpointMessage(c)
	sum := sha256.Sum256(msg)
	if hex.EncodeToString(sum[:]) != c.Hash {
		return errors.New("the checkpoint's hash does not match its content")
	}
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if c.Algorithm != AlgRSAPKCS1SHA256 {
			return fmt.Errorf("algorithm %q does not fit an RSA key", c.Algorithm)
		}
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], c.Signature); err != nil {
			return errors.New("the RSA signature is invalid")
		}
	case *ecdsa.PublicKey:
		if c.Algorithm != AlgECDSASHA256 {
			return fmt.Errorf("algorithm %q does not fit an ECDSA key", c.Algorithm)
		}
		if !ecdsa.VerifyASN1(pub, sum[:], c.Signature) {
			return errors.New("the ECDSA signature is invalid")
		}
	case ed25519.PublicKey:
		if c.Algorithm != AlgEd25519 {
			return fmt.Errorf("algorithm %q does not fit an Ed25519 key", c.Algorithm)
		}
		if !ed25519.Verify(pub, msg, c.Signature) {
			return errors.New("the Ed25519 signature is invalid")
		}
	default:
		return fmt.Errorf("unsupported key type %T", pub)
	}
	return nil
}
