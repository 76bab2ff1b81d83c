package sim

import (
	"bytes"
	"encoding/base64"
	"strconv"
)

// Namespaces of the signed payloads: the answer's outer elements under a
// namespace that names the kind of document; dmDm stays in v20.
const (
	nsSignedMessage  = nsV20 + "/message"
	nsSignedSent     = nsV20 + "/SentMessage"
	nsSignedDelivery = nsV20 + "/delivery"
)

// returnedMessage writes the content of dmReturnedMessage (the container
// element itself is the caller's).
func returnedMessage(w *xw, m *message) {
	w.raw(m.full)
	w.open("dmHash", "algorithm", "SHA-256")
	w.b.WriteString(b64(m.hash))
	w.close("dmHash")
	w.el("dmQTimestamp", b64(m.qts))
	w.optTime("dmDeliveryTime", m.delivered)
	w.optTime("dmAcceptanceTime", m.accepted)
	w.el("dmMessageStatus", strconv.Itoa(reportedState(m)))
	w.el("dmAttachmentSize", strconv.Itoa(m.attSize))
}

// reportedState is the state single downloads report; the sandbox has no
// data vault, so it is the state itself.
func reportedState(m *message) int { return m.state }

// delivery writes the content of dmDelivery.
func delivery(w *xw, m *message) {
	w.raw(m.envelope)
	w.open("dmHash", "algorithm", "SHA-256")
	w.b.WriteString(b64(m.hash))
	w.close("dmHash")
	w.el("dmQTimestamp", b64(m.qts))
	w.optTime("dmDeliveryTime", m.delivered)
	w.optTime("dmAcceptanceTime", m.accepted)
	w.el("dmMessageStatus", strconv.Itoa(reportedState(m)))
	w.open("dmEvents")
	for _, e := range m.events {
		if !e.listed {
			continue
		}
		w.open("dmEvent")
		w.el("dmEventTime", isdsTime(e.at))
		w.el("dmEventDescr", e.descr)
		w.close("dmEvent")
	}
	w.close("dmEvents")
}

// signedPayload writes the XML a ZFO signs: the download answer under the
// namespace of its kind, without dmStatus.
func signedPayload(m *message, ns string) []byte {
	w := newXW("q")
	root, container := "MessageDownloadResponse", "dmReturnedMessage"
	if ns == nsSignedDelivery {
		root, container = "GetDeliveryInfoResponse", "dmDelivery"
	}
	w.b.WriteString(`<q:` + root + ` xmlns:q="` + ns + `" xmlns:xsi="` + nsXSI + `">`)
	if container == "dmDelivery" {
		w.open(container)
		delivery(w, m)
	} else {
		w.open(container, "dmType", m.dmType)
		returnedMessage(w, m)
	}
	w.close(container)
	w.close(root)
	return w.bytes()
}

// seal signs a payload into a ZFO: downloaded messages get the signature
// time stamp (CAdES-T), delivery infos do not, as in ISDS. Every download
// is signed afresh, so two downloads of one message differ in bytes.
func (s *Server) seal(m *message, ns string) ([]byte, error) {
	return s.sealer.Seal(signedPayload(m, ns), ns != nsSignedDelivery)
}

// sealedAnswer writes <p:{op}Response> with dmSignature.
func (s *Server) sealedAnswer(op string, m *message, ns string) ([]byte, error) {
	zfo, err := s.seal(m, ns)
	if err != nil {
		return nil, err
	}
	w := answer(op)
	var b bytes.Buffer
	b.Grow(base64.StdEncoding.EncodedLen(len(zfo)))
	enc := base64.NewEncoder(base64.StdEncoding, &b)
	_, _ = enc.Write(zfo)
	_ = enc.Close()
	w.open("dmSignature")
	w.raw(b.Bytes())
	w.close("dmSignature")
	w.dmStatus(ok())
	return w.end(op), nil
}
