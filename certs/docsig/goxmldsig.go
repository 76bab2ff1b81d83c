package docsig

import (
	"crypto"
	"crypto/x509"
	"errors"

	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"

	"konektor/certs/xmlsig"
)

// This file is the only one that calls russellhaering/goxmldsig.

// noIDAttribute is an attribute name no element can carry: goxmldsig
// references the element it signs by the value of its IdAttribute, and
// with none the Reference is URI="", the whole document.
const noIDAttribute = " "

// sealContext makes enveloped signatures with goxmldsig's SigningContext:
// exclusive canonicalization, RSA-SHA256, SHA-256 digest, prefix ds,
// KeyInfo/X509Data with the certificate chain.
type sealContext struct {
	ctx *dsig.SigningContext
}

func newSealContext(key crypto.Signer, chain []*x509.Certificate) (*sealContext, error) {
	der := make([][]byte, len(chain))
	for i, c := range chain {
		der[i] = c.Raw
	}
	ctx, err := dsig.NewSigningContext(key, der)
	if err != nil {
		return nil, err
	}
	ctx.Hash = crypto.SHA256
	ctx.Prefix = "ds"
	ctx.IdAttribute = noIDAttribute
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if ctx.GetSignatureMethodIdentifier() != xmlsig.AlgRSASHA256 || ctx.GetDigestAlgorithmIdentifier() != xmlsig.AlgSHA256 {
		return nil, errors.New("docsig: goxmldsig does not sign with RSA-SHA256")
	}
	return &sealContext{ctx: ctx}, nil
}

// signature returns the ds:Signature over root, to be placed anywhere inside
// it (the enveloped-signature transform removes it wherever it is). root
// itself is not changed: goxmldsig canonicalizes the element it digests in
// place, so it is given a copy.
func (s *sealContext) signature(root *element) (*element, error) {
	return s.ctx.ConstructSignature(root.Copy(), true)
}

// canonicalSignedInfo returns the exclusive canonical form of SignedInfo in
// its place in the document (its in-scope namespaces taken along).
func canonicalSignedInfo(si *element, prefixList string) ([]byte, error) {
	ctx, err := etreeutils.NSBuildParentContext(si)
	if err != nil {
		return nil, err
	}
	det, err := etreeutils.NSDetatch(ctx, si)
	if err != nil {
		return nil, err
	}
	return dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(prefixList).Canonicalize(det)
}

// canonicalDocument returns the exclusive canonical form of the document
// whose root is root, without root's child token at sigIndex (the
// enveloped-signature transform). It consumes root: the Signature is
// removed and goxmldsig canonicalizes the tree in place, so the caller
// must not use the tree afterwards.
func canonicalDocument(root *element, sigIndex int, prefixList string) ([]byte, error) {
	if sigIndex < 0 || sigIndex >= len(root.Child) {
		return nil, errors.New("docsig: signature position out of range")
	}
	root.RemoveChildAt(sigIndex)
	return dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(prefixList).Canonicalize(root)
}
