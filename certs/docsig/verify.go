package docsig

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"konektor/certs/xmlsig"
)

// VerifierOptions configures a Verifier.
type VerifierOptions struct {
	// Trust lists the accepted signing certificates (pinned, or roots to
	// chain to); it must not be empty.
	Trust xmlsig.Trust
	// Now is the verification clock; nil means time.Now.
	Now func() time.Time
	// Limits bound the work spent on one document.
	Limits Limits
}

// Verifier checks enveloped document signatures under the policy described
// in the package documentation. It is safe for concurrent use.
type Verifier struct {
	trust  xmlsig.Trust
	now    func() time.Time
	limits Limits
}

// NewVerifier returns a Verifier; it fails with ErrNoTrust when Trust holds
// neither pinned certificates nor roots.
func NewVerifier(o VerifierOptions) (*Verifier, error) {
	if o.Trust.Empty() {
		return nil, ErrNoTrust
	}
	v := &Verifier{trust: o.Trust, now: o.Now, limits: o.Limits.withDefaults()}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

// Result is what a valid signature vouches for.
type Result struct {
	// Root and RootNamespace name the document's root element.
	Root, RootNamespace string
	// Canonical is the exclusive canonical form of the document without
	// its Signature: exactly the bytes that were digested. Read the
	// document from these, never from the bytes received.
	Canonical []byte
	// Signer is the signing certificate; Subject is its subject.
	Signer  *x509.Certificate
	Subject string
	// SignatureMethod and DigestMethod are the algorithm URIs used.
	SignatureMethod, DigestMethod string
	// SignatureID is the hex SHA-256 of the SignatureValue: a handle for
	// the access log.
	SignatureID string
}

// Verify checks doc and returns what its signature covers, or an *xmlsig.Error
// saying why it is refused.
func (v *Verifier) Verify(doc []byte) (*Result, error) {
	now := v.now()
	return verifyDocument(doc, v.limits, func(c *x509.Certificate, extra []*x509.Certificate) error {
		return v.trust.Check(vocabulary, c, extra, now)
	})
}

// signedInfo is what a SignedInfo says.
type signedInfo struct {
	c14nPrefixList  string
	signatureMethod string
	sigHash         crypto.Hash
	refPrefixList   string
	digestMethod    string
	digestHash      crypto.Hash
	digest          string // base64 DigestValue, whitespace removed
}

// verifyDocument runs the checks; accept decides on the signing
// certificate (and the chain certificates the document carries).
func verifyDocument(raw []byte, l Limits, accept func(*x509.Certificate, []*x509.Certificate) error) (*Result, error) {
	sc, err := scan(raw, l)
	if err != nil {
		return nil, err
	}
	switch {
	case sc.signatures == 0:
		return nil, reject(xmlsig.CodeMissingSig, "no ds:Signature in the document")
	case sc.signatures > 1:
		return nil, reject(xmlsig.CodeWrapping, "%d ds:Signature elements, exactly one is allowed", sc.signatures)
	case sc.sigDepth == 1:
		return nil, reject(xmlsig.CodeWrapping, "the root element is the ds:Signature (an enveloping signature)")
	case sc.sigDepth != 2:
		return nil, reject(xmlsig.CodeWrapping, "the ds:Signature is not a direct child of the root element")
	}
	doc, err := parseTree(sc.body, l)
	if err != nil {
		return nil, err
	}
	root := doc.Root()
	var sig *element
	for _, c := range root.ChildElements() {
		if is(c, xmlsig.NamespaceDS, "Signature") {
			if sig != nil {
				return nil, reject(xmlsig.CodeWrapping, "two ds:Signature children of the root element")
			}
			sig = c
		}
	}
	if sig == nil {
		return nil, reject(xmlsig.CodeInternal, "the ds:Signature the scan found is not a child of the root in the tree")
	}
	si, sv, ki, err := signatureParts(sig)
	if err != nil {
		return nil, err
	}
	info, err := readSignedInfo(si)
	if err != nil {
		return nil, err
	}
	cert, extra, err := readKeyInfo(ki)
	if err != nil {
		return nil, err
	}
	pub, err := xmlsig.RSAKey(vocabulary, cert)
	if err != nil {
		return nil, err
	}
	if err := accept(cert, extra); err != nil {
		return nil, err
	}
	svText, _ := textOf(sv)
	sigValue, err := base64.StdEncoding.DecodeString(stripSpace(svText))
	if err != nil {
		return nil, rejectErr(CodeStructure, err, "SignatureValue is not base64")
	}
	if len(sigValue) != pub.Size() {
		return nil, reject(xmlsig.CodeBadSignature, "SignatureValue of %d bytes for a %d-byte key", len(sigValue), pub.Size())
	}

	// The signature over the canonical SignedInfo.
	canonSI, err := canonicalSignedInfo(si, info.c14nPrefixList)
	if err != nil {
		return nil, rejectErr(xmlsig.CodeMalformed, err, "canonicalize SignedInfo")
	}
	h := info.sigHash.New()
	h.Write(canonSI)
	if err := rsa.VerifyPKCS1v15(pub, info.sigHash, h.Sum(nil), sigValue); err != nil {
		return nil, rejectErr(xmlsig.CodeBadSignature, err, "SignedInfo")
	}

	// From here on, only what the verified bytes say counts.
	siDoc, err := parseTree(canonSI, l)
	if err != nil {
		return nil, rejectErr(xmlsig.CodeInternal, err, "re-read the verified SignedInfo")
	}
	verified, err := readSignedInfo(siDoc.Root())
	if err != nil {
		return nil, err
	}
	if verified != info {
		return nil, reject(xmlsig.CodeInternal, "the verified SignedInfo differs from the one in the document")
	}
	rootName, rootNS := root.Tag, root.NamespaceURI()
	canon, err := canonicalDocument(root, childIndex(root, sig), verified.refPrefixList) // consumes the tree
	if err != nil {
		return nil, rejectErr(xmlsig.CodeMalformed, err, "canonicalize the document")
	}
	want, err := base64.StdEncoding.DecodeString(verified.digest)
	if err != nil {
		return nil, rejectErr(CodeStructure, err, "DigestValue is not base64")
	}
	d := verified.digestHash.New()
	d.Write(canon)
	if subtle.ConstantTimeCompare(d.Sum(nil), want) != 1 {
		return nil, reject(xmlsig.CodeDigestMismatch, "the document's digest does not match the signed DigestValue")
	}
	id := sha256.Sum256(sigValue)
	return &Result{
		Root: rootName, RootNamespace: rootNS, Canonical: canon,
		Signer: cert, Subject: cert.Subject.String(),
		SignatureMethod: verified.signatureMethod, DigestMethod: verified.digestMethod,
		SignatureID: hex.EncodeToString(id[:]),
	}, nil
}

// signatureParts checks the shape of the Signature: exactly SignedInfo,
// SignatureValue and KeyInfo, in that order, no text, no Object.
func signatureParts(sig *element) (si, sv, ki *element, err error) {
	if err := onlyAttrs(sig, CodeStructure, "Id"); err != nil {
		return nil, nil, nil, err
	}
	kids, text := childElements(sig)
	if text {
		return nil, nil, nil, reject(CodeStructure, "text inside ds:Signature")
	}
	names := []string{"SignedInfo", "SignatureValue", "KeyInfo"}
	for i, k := range kids {
		if i >= len(names) || !is(k, xmlsig.NamespaceDS, names[i]) {
			return nil, nil, nil, reject(CodeStructure, "ds:Signature must hold exactly SignedInfo, SignatureValue and KeyInfo (found %s at position %d)", k.Tag, i+1)
		}
	}
	switch len(kids) {
	case 3:
	case 2:
		return nil, nil, nil, reject(xmlsig.CodeKeyReference, "ds:Signature has no KeyInfo with the signing certificate")
	default:
		return nil, nil, nil, reject(CodeStructure, "ds:Signature must hold exactly SignedInfo, SignatureValue and KeyInfo")
	}
	if err := onlyAttrs(kids[1], CodeStructure, "Id"); err != nil {
		return nil, nil, nil, err
	}
	if _, ok := textOf(kids[1]); !ok {
		return nil, nil, nil, reject(CodeStructure, "SignatureValue must hold only base64 text")
	}
	return kids[0], kids[1], kids[2], nil
}

// readSignedInfo reads a SignedInfo and applies the algorithm policy:
// exc-c14n, RSA-SHA256/384/512, one Reference URI="" with exactly the
// enveloped-signature and exc-c14n transforms, SHA-256/384/512 digest.
func readSignedInfo(si *element) (signedInfo, error) {
	var info signedInfo
	if !is(si, xmlsig.NamespaceDS, "SignedInfo") {
		return info, reject(CodeStructure, "expected ds:SignedInfo, found %s", si.Tag)
	}
	if err := onlyAttrs(si, CodeStructure, "Id"); err != nil {
		return info, err
	}
	kids, text := childElements(si)
	if text {
		return info, reject(CodeStructure, "text inside SignedInfo")
	}
	if len(kids) < 3 || !is(kids[0], xmlsig.NamespaceDS, "CanonicalizationMethod") || !is(kids[1], xmlsig.NamespaceDS, "SignatureMethod") {
		return info, reject(CodeStructure, "SignedInfo must hold CanonicalizationMethod, SignatureMethod and one Reference")
	}
	refs := kids[2:]
	for _, r := range refs {
		if !is(r, xmlsig.NamespaceDS, "Reference") {
			return info, reject(CodeStructure, "unexpected %s in SignedInfo", r.Tag)
		}
	}
	if len(refs) != 1 {
		return info, reject(CodeStructure, "SignedInfo holds %d References, exactly one (URI=\"\") is allowed", len(refs))
	}
	var err error
	if info.c14nPrefixList, err = excC14NMethod(kids[0], "CanonicalizationMethod"); err != nil {
		return info, err
	}
	alg, err := algorithm(kids[1], "SignatureMethod")
	if err != nil {
		return info, err
	}
	if kk, _ := childElements(kids[1]); len(kk) > 0 {
		return info, reject(xmlsig.CodeAlgorithm, "SignatureMethod parameters (%s) are not allowed", kk[0].Tag)
	}
	h, ok := xmlsig.SignatureHash(alg)
	if !ok {
		return info, reject(xmlsig.CodeAlgorithm, "SignatureMethod %s is not allowed (RSA-SHA256 or stronger)", alg)
	}
	info.signatureMethod, info.sigHash = alg, h

	ref := refs[0]
	if err := onlyAttrs(ref, CodeStructure, "URI", "Id"); err != nil {
		return info, err
	}
	uri, ok := attrs(ref)["URI"]
	if !ok || uri != "" {
		return info, reject(xmlsig.CodeNotCovered, "Reference URI=%q: the signature must cover the whole document (URI=\"\")", uri)
	}
	rk, text := childElements(ref)
	if text || len(rk) != 3 || !is(rk[0], xmlsig.NamespaceDS, "Transforms") || !is(rk[1], xmlsig.NamespaceDS, "DigestMethod") || !is(rk[2], xmlsig.NamespaceDS, "DigestValue") {
		return info, reject(CodeStructure, "Reference must hold exactly Transforms, DigestMethod and DigestValue")
	}
	if err := onlyAttrs(rk[0], CodeStructure); err != nil {
		return info, err
	}
	tr, text := childElements(rk[0])
	if text {
		return info, reject(CodeStructure, "text inside Transforms")
	}
	for _, t := range tr {
		if !is(t, xmlsig.NamespaceDS, "Transform") {
			return info, reject(CodeStructure, "unexpected %s in Transforms", t.Tag)
		}
		a, err := algorithm(t, "Transform")
		if err != nil {
			return info, err
		}
		if a != xmlsig.AlgEnveloped && a != xmlsig.AlgExcC14N {
			return info, reject(xmlsig.CodeAlgorithm, "Transform %s is not allowed", a)
		}
	}
	if len(tr) != 2 {
		return info, reject(CodeStructure, "Reference has %d transforms, exactly enveloped-signature then exc-c14n are required", len(tr))
	}
	if a, _ := algorithm(tr[0], "Transform"); a != xmlsig.AlgEnveloped {
		return info, reject(CodeStructure, "the first transform must be enveloped-signature")
	}
	if kk, _ := childElements(tr[0]); len(kk) > 0 {
		return info, reject(CodeStructure, "the enveloped-signature transform takes no parameters")
	}
	if info.refPrefixList, err = excC14NMethod(tr[1], "Transform"); err != nil {
		return info, err
	}
	dalg, err := algorithm(rk[1], "DigestMethod")
	if err != nil {
		return info, err
	}
	if kk, _ := childElements(rk[1]); len(kk) > 0 {
		return info, reject(CodeStructure, "DigestMethod takes no parameters")
	}
	dh, ok := xmlsig.DigestHash(dalg)
	if !ok {
		return info, reject(xmlsig.CodeAlgorithm, "DigestMethod %s is not allowed (SHA-256 or stronger)", dalg)
	}
	info.digestMethod, info.digestHash = dalg, dh
	if err := onlyAttrs(rk[2], CodeStructure); err != nil {
		return info, err
	}
	dv, ok := textOf(rk[2])
	if !ok {
		return info, reject(CodeStructure, "DigestValue must hold only base64 text")
	}
	info.digest = stripSpace(dv)
	raw, err := base64.StdEncoding.DecodeString(info.digest)
	if err != nil || len(raw) != dh.Size() {
		return info, reject(CodeStructure, "DigestValue is not a base64 %d-byte digest", dh.Size())
	}
	return info, nil
}

// excC14NMethod checks a CanonicalizationMethod or the second Transform:
// exc-c14n without comments, optionally with an ec:InclusiveNamespaces
// PrefixList, which it returns.
func excC14NMethod(el *element, what string) (string, error) {
	a, err := algorithm(el, what)
	if err != nil {
		return "", err
	}
	if a != xmlsig.AlgExcC14N {
		return "", reject(xmlsig.CodeAlgorithm, "%s %s is not allowed (exclusive c14n without comments)", what, a)
	}
	kids, text := childElements(el)
	if text {
		return "", reject(CodeStructure, "text inside %s", what)
	}
	switch {
	case len(kids) == 0:
		return "", nil
	case len(kids) > 1 || !is(kids[0], xmlsig.NamespaceExcC14N, "InclusiveNamespaces"):
		return "", reject(CodeStructure, "%s may hold only one ec:InclusiveNamespaces", what)
	}
	in := kids[0]
	if err := onlyAttrs(in, CodeStructure, "PrefixList"); err != nil {
		return "", err
	}
	if kk, text := childElements(in); len(kk) > 0 || text {
		return "", reject(CodeStructure, "InclusiveNamespaces must be empty")
	}
	pl := attrs(in)["PrefixList"]
	for _, p := range strings.Fields(pl) {
		if p == "#default" {
			return "", reject(CodeUnsupported, "InclusiveNamespaces PrefixList #default is not supported")
		}
	}
	return strings.Join(strings.Fields(pl), " "), nil
}

// algorithm returns the Algorithm attribute of el, which must carry no
// other attribute.
func algorithm(el *element, what string) (string, error) {
	if err := onlyAttrs(el, CodeStructure, "Algorithm"); err != nil {
		return "", err
	}
	a, ok := attrs(el)["Algorithm"]
	if !ok {
		return "", reject(CodeStructure, "%s has no Algorithm", what)
	}
	return a, nil
}

// onlyAttrs refuses attributes of el other than namespace declarations and
// the unprefixed names allowed.
func onlyAttrs(el *element, code xmlsig.Code, allowed ...string) error {
next:
	for k := range attrs(el) {
		for _, a := range allowed {
			if k == a {
				continue next
			}
		}
		return reject(code, "attribute %s is not allowed on %s", k, el.Tag)
	}
	return nil
}

// readKeyInfo returns the signing certificate (the first of X509Data) and
// the others as possible intermediates.
func readKeyInfo(ki *element) (*x509.Certificate, []*x509.Certificate, error) {
	if err := onlyAttrs(ki, xmlsig.CodeKeyReference, "Id"); err != nil {
		return nil, nil, err
	}
	kids, text := childElements(ki)
	if text || len(kids) != 1 || !is(kids[0], xmlsig.NamespaceDS, "X509Data") {
		return nil, nil, reject(xmlsig.CodeKeyReference, "KeyInfo must hold exactly one X509Data")
	}
	if err := onlyAttrs(kids[0], xmlsig.CodeKeyReference); err != nil {
		return nil, nil, err
	}
	xs, text := childElements(kids[0])
	if text || len(xs) == 0 {
		return nil, nil, reject(xmlsig.CodeKeyReference, "X509Data holds no certificate")
	}
	if len(xs) > xmlsig.MaxX509Certificates {
		return nil, nil, reject(xmlsig.CodeKeyReference, "more than %d certificates in X509Data", xmlsig.MaxX509Certificates)
	}
	var out []*x509.Certificate
	for _, x := range xs {
		if !is(x, xmlsig.NamespaceDS, "X509Certificate") {
			return nil, nil, reject(xmlsig.CodeKeyReference, "X509Data may hold only X509Certificate elements, found %s", x.Tag)
		}
		if err := onlyAttrs(x, xmlsig.CodeKeyReference); err != nil {
			return nil, nil, err
		}
		txt, ok := textOf(x)
		if !ok {
			return nil, nil, reject(xmlsig.CodeKeyReference, "X509Certificate must hold only base64 text")
		}
		der, err := base64.StdEncoding.DecodeString(stripSpace(txt))
		if err != nil {
			return nil, nil, rejectErr(xmlsig.CodeKeyReference, err, "X509Certificate is not base64")
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, nil, rejectErr(xmlsig.CodeKeyReference, err, "X509Certificate is not an X.509 certificate")
		}
		out = append(out, c)
	}
	return out[0], out[1:], nil
}

// stripSpace removes the white space base64 text may be wrapped with.
func stripSpace(s string) string {
	return strings.Join(strings.Fields(s), "")
}
