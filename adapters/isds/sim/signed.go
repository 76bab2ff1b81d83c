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

// returnedMessage writes the content of dmReturnedMessage as box sees it
// (the container element itself is the caller's).
func returnedMessage(w *xw, m *message, box string) {
	w.raw(m.full)
	w.open("dmHash", "algorithm", "SHA-256")
	w.b.WriteString(b64(m.hash))
	w.close("dmHash")
	w.el("dmQTimestamp", b64(m.qts))
	w.optTime("dmDeliveryTime", m.delivered)
	w.optTime("dmAcceptanceTime", m.accepted)
	w.el("dmMessageStatus", strconv.Itoa(m.reportedState(box)))
	w.el("dmAttachmentSize", strconv.Itoa(m.attSize))
}

// delivery writes the content of dmDelivery as box sees it.
func delivery(w *xw, m *message, box string) {
	w.raw(m.envelope)
	w.open("dmHash", "algorithm", "SHA-256")
	w.b.WriteString(b64(m.hash))
	w.close("dmHash")
	w.el("dmQTimestamp", b64(m.qts))
	w.optTime("dmDeliveryTime", m.delivered)
	w.optTime("dmAcceptanceTime", m.accepted)
	w.el("dmMessageStatus", strconv.Itoa(m.reportedState(box)))
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
// namespace of its kind as box sees it, without dmStatus.
func signedPayload(m *message, ns, box string) []byte {
	w := newXW("q")
	root, container := "MessageDownloadResponse", "dmReturnedMessage"
	if ns == nsSignedDelivery {
		root, container = "GetDeliveryInfoResponse", "dmDelivery"
	}
	w.b.WriteString(`<q:` + root + ` xmlns:q="` + ns + `" xmlns:xsi="` + nsXSI + `">`)
	if container == "dmDelivery" {
		w.open(container)
		delivery(w, m, box)
	} else {
		w.open(container, "dmType", m.dmType)
		returnedMessage(w, m, box)
	}
	w.close(container)
	w.close(root)
	return w.bytes()
}

// seal signs a payload into a ZFO: downloaded messages get the signature
// time stamp (CAdES-T), delivery infos do not, as in ISDS. Every download
// is signed afresh, so two downloads of one message differ in bytes.
func (s *Server) seal(m *message, ns, box string) ([]byte, error) {
	return s.sealer.Seal(signedPayload(m, ns, box), ns != nsSignedDelivery)
}

// sealedAnswer writes <p:{op}Response> with dmSignature.
func (s *Server) sealedAnswer(op string, m *message, ns, box string) ([]byte, error) {
	zfo, err := s.seal(m, ns, box)
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
