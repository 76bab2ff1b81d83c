// Package zfo verifies and writes ZFO files: the signed data messages,
// sent messages and delivery infos that ISDS (the Czech data-box system)
// hands out.
//
// A ZFO is a CMS SignedData in BER (indefinite lengths, the XML in a
// constructed OCTET STRING of 1000-byte segments) whose content is the XML
// of the download answer under a namespace that names the kind:
// MessageDownloadResponse in …/v20/message (received message) or
// …/v20/SentMessage (sent message), GetDeliveryInfoResponse in
// …/v20/delivery (delivery info). The signer is the ISDS seal; downloaded
// messages carry a CAdES-T signature time stamp.
//
// Verify checks, and reports each result separately (Report):
//   - the CMS signature: signed attributes bind the content (messageDigest,
//     contentType), the algorithms (CMSAlgorithmProtection) and the seal
//     certificate (ESS signingCertificateV2); RSA PKCS #1 v1.5, RSA-PSS and
//     ECDSA;
//   - the seal certificate's chain to the configured roots, judged at the
//     time of a valid signature time stamp, else at Options.Now;
//   - dmHash against the digest of the raw bytes of dmDm as they stand in
//     the payload (delivery infos: against the time stamp, because their
//     dmDm is the envelope only while dmHash covers the whole message);
//   - dmQTimestamp, the qualified time stamp of the submission: signature,
//     TSA chain at its genTime, and that it stamps dmHash. Time stamps
//     that carry only the TSA's certificate (as PostSignum's do) chain
//     through the CA certificates the ZFO carries for the seal.
//
// The BER reader (ber.go) and the XML scanner (xmlscan.go) are this
// package's own: general CMS libraries either read only the first segment
// of the content or take time quadratic in its size, and encoding/xml
// reads base64 text at about 50 MB/s. Both are bounded (nesting, counts,
// sizes) and fuzzed; the scanner against encoding/xml.
//
// Sealer writes ZFOs in the same format for the ISDS sandbox and for
// tests; IssueSealCertificate gives the sandbox its "ISDS" seal from a
// sandbox CA. Revocation (CRL, OCSP) is not checked.
//
// testdata/realformat holds ZFOs of the three kinds in the form of ISDS's
// own (received message: dmHash SHA-1, isds_send, sigPolicyId, CAdES-T;
// sent message: RSA-PSS, 4096-bit seal; delivery info: no signature time
// stamp), sealed by a PostSignum-like test chain and written by a test
// helper that shares no code with Sealer or certs/tsa; roots.pem is their
// trust root. Regenerate them with `go test ./certs/zfo -run
// TestRealFormatZFOs -update` (fresh keys each time, so not a go:generate
// step: `make test` checks that go generate changes nothing).
package zfo
