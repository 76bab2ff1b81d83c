package docsig

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	"konektor/certs/xmlsig"
)

// SignerOptions configure a Signer.
type SignerOptions struct {
	// Chain are certificates sent after the signing certificate in
	// X509Data (intermediates up to, not including, the root).
	Chain []*x509.Certificate
	// Limits bound the documents accepted for signing.
	Limits Limits
}

// Signer seals XML documents with an enveloped signature in their root. It
// is safe for concurrent use.
type Signer struct {
	seal   *sealContext
	cert   *x509.Certificate
	limits Limits
}

// NewSigner returns a Signer for an RSA key of at least xmlsig.MinRSABits
// and its certificate.
func NewSigner(key crypto.Signer, cert *x509.Certificate, o SignerOptions) (*Signer, error) {
	if err := xmlsig.CheckSignerKey(key, cert); err != nil {
		return nil, fmt.Errorf("docsig: %w", err)
	}
	seal, err := newSealContext(key, append([]*x509.Certificate{cert}, o.Chain...))
	if err != nil {
		return nil, err
	}
	return &Signer{seal: seal, cert: cert, limits: o.Limits.withDefaults()}, nil
}

// Certificate returns the signing certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// Sign returns doc with a ds:Signature added as the first child of its root
// element (see the package documentation). doc must pass the verifier's
// lexical rules (a refusal is an *xmlsig.Error) and carry no ds:Signature yet
// (ErrAlreadySigned). The rest of the document keeps its content; it is
// written again by beevik/etree, so insignificant details of the original
// serialization (quoting, CDATA sections, empty-element tags) may change.
// The result is verified from its bytes before it is returned.
func (s *Signer) Sign(doc []byte) ([]byte, error) {
	sc, err := scan(doc, s.limits)
	if err != nil {
		return nil, err
	}
	if sc.signatures > 0 {
		return nil, ErrAlreadySigned
	}
	tree, err := parseTree(sc.body, s.limits)
	if err != nil {
		return nil, err
	}
	root := tree.Root()
	sig, err := s.seal.signature(root)
	if err != nil {
		return nil, fmt.Errorf("docsig: sign: %w", err)
	}
	root.InsertChildAt(0, sig)
	out, err := serialise(tree)
	if err != nil {
		return nil, fmt.Errorf("docsig: write the signed document: %w", err)
	}
	// goxmldsig's trees are never trusted in memory: the bytes must verify.
	if _, err := verifyDocument(out, s.limits, func(c *x509.Certificate, _ []*x509.Certificate) error {
		if !c.Equal(s.cert) {
			return errors.New("the signed document names another certificate")
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("docsig: the signature made does not verify: %w", err)
	}
	return out, nil
}
