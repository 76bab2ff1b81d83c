package sim

import (
	"bytes"

	"konektor/wsdl/cuzk"
)

// sealReport signs an XML report. ČÚZK puts an enveloped ds:Signature into
// the report's root; konektor's signer (certs/wssec) signs SOAP envelopes
// only, so the sandbox delivers a sealed XML report as a SOAP envelope
// whose Body holds the report and whose WS-Security header holds the
// signature over the Body (see README.md). It returns the report unsealed
// and false when there is no sealer or signing fails.
func (s *Server) sealReport(report []byte) ([]byte, bool) {
	if s.sealer == nil {
		return report, false
	}
	signed, err := s.sealer.Sign(SealContainer(report))
	if err != nil {
		s.logError("seal XML report", err)
		return report, false
	}
	return signed, true
}

// SealContainer wraps an XML report (its XML declaration dropped) in the
// SOAP envelope the sandbox signs.
func SealContainer(report []byte) []byte {
	body := bytes.TrimSpace(report)
	if bytes.HasPrefix(body, []byte("<?xml")) {
		if i := bytes.Index(body, []byte("?>")); i >= 0 {
			body = bytes.TrimSpace(body[i+2:])
		}
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<soapenv:Envelope xmlns:soapenv="` + cuzk.NSSOAP11 + `"><soapenv:Header/><soapenv:Body>`)
	b.Write(body)
	b.WriteString(`</soapenv:Body></soapenv:Envelope>`)
	return b.Bytes()
}
