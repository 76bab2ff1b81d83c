package sim

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"konektor/adapters/isds/dmcheck"
	"konektor/wsdl/isds/dm"
)

// Limits of a message (CreateMessage), as package dmcheck applies them.
const (
	DefaultMaxAttachmentBytes = dmcheck.DefaultMaxAttachmentBytes
	MaxFiles                  = dmcheck.MaxFiles
	MaxContainers             = dmcheck.MaxContainers
	maxAnnotation             = dmcheck.MaxAnnotation
	maxRef                    = dmcheck.MaxRef
)

// eicar is the antivirus test signature: a message carrying it is refused
// by the virus check (state 3), as ISDS refuses infected messages.
var eicar = []byte(`X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`)

// badRequest is a request the schema rejects; ISDS answers such requests
// with a SOAP Fault.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func bad(format string, args ...any) error { return &badRequest{fmt.Sprintf(format, args...)} }

// envelopeIn are the sender's fields of CreateMessage, sanitised.
type envelopeIn struct {
	senderUnit, senderUnitNum, recipientUnit, recipientUnitNum, toHands, annotation string
	recipientRef, senderRef, recipientIdent, senderIdent                            string
	lawNum, lawYear, lawSect, lawPar, lawPoint                                      string
	personal, allowSubst                                                            bool
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return sanitize(*p)
}

func strT[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return sanitize(string(*p))
}

func num(p *int32) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(int(*p))
}

func flag(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// sanitize does to input strings what ISDS does (dmcheck.Sanitize).
func sanitize(s string) string { return dmcheck.Sanitize(s) }

func (s *Server) createMessageCall(x *call) ([]byte, error) {
	var req dm.CreateMessage
	if err := x.decode(&req); err != nil {
		return nil, err
	}
	clearNils(&req, x)
	return s.createMessage(x.login, &req, x.now)
}

// clearNils turns elements sent as xsi:nil back into absent values, where
// gowsdl's decoding made them zero.
func clearNils(req *dm.CreateMessage, x *call) {
	e := req.DmEnvelope
	if e == nil || e.TEnvelopeSub == nil {
		return
	}
	for path, p := range map[string]**int32{
		"dmEnvelope/dmSenderOrgUnitNum": &e.DmSenderOrgUnitNum, "dmEnvelope/dmRecipientOrgUnitNum": &e.DmRecipientOrgUnitNum,
		"dmEnvelope/dmLegalTitleLaw": &e.DmLegalTitleLaw, "dmEnvelope/dmLegalTitleYear": &e.DmLegalTitleYear,
	} {
		if x.isNil(path) {
			*p = nil
		}
	}
	for path, p := range map[string]**bool{
		"dmEnvelope/dmPersonalDelivery": &e.DmPersonalDelivery, "dmEnvelope/dmAllowSubstDelivery": &e.DmAllowSubstDelivery,
	} {
		if x.isNil(path) {
			*p = nil
		}
	}
}

// createMessage handles CreateMessage.
func (s *Server) createMessage(l *login, req *dm.CreateMessage, now time.Time) ([]byte, error) {
	w := answer("CreateMessage")
	fail := func(st status) ([]byte, error) {
		w.dmStatus(st)
		return w.end("CreateMessage"), nil
	}
	if req.DmEnvelope == nil || req.DmEnvelope.TEnvelopeSub == nil || req.DmFiles == nil || len(req.DmFiles.DmFile) == 0 {
		return nil, bad("CreateMessage needs dmEnvelope and at least one dmFile")
	}
	if !l.has(PrivCreateDM) {
		return fail(st(codePrivileges))
	}
	sender := l.box
	if sender.State != StateAccessible {
		return fail(st(codeSenderInactive))
	}
	e := req.DmEnvelope
	in := envelopeIn{
		senderUnit: str(e.DmSenderOrgUnit), senderUnitNum: num(e.DmSenderOrgUnitNum),
		recipientUnit: str(e.DmRecipientOrgUnit), recipientUnitNum: num(e.DmRecipientOrgUnitNum),
		toHands: str(e.DmToHands), annotation: strT(e.DmAnnotation),
		recipientRef: strT(e.DmRecipientRefNumber), senderRef: strT(e.DmSenderRefNumber),
		recipientIdent: strT(e.DmRecipientIdent), senderIdent: strT(e.DmSenderIdent),
		lawNum: num(e.DmLegalTitleLaw), lawYear: num(e.DmLegalTitleYear), lawSect: str(e.DmLegalTitleSect),
		lawPar: str(e.DmLegalTitlePar), lawPoint: str(e.DmLegalTitlePoint),
		personal: flag(e.DmPersonalDelivery, false), allowSubst: flag(e.DmAllowSubstDelivery, true),
	}
	if err := dmcheck.Lengths(dmcheck.Field{Name: "dmAnnotation", Value: in.annotation, Max: maxAnnotation},
		dmcheck.Field{Name: "dmRecipientRefNumber", Value: in.recipientRef, Max: maxRef},
		dmcheck.Field{Name: "dmSenderRefNumber", Value: in.senderRef, Max: maxRef},
		dmcheck.Field{Name: "dmRecipientIdent", Value: in.recipientIdent, Max: maxRef},
		dmcheck.Field{Name: "dmSenderIdent", Value: in.senderIdent, Max: maxRef}); err != nil {
		return nil, bad("%s", err.Error())
	}
	rid := strT(e.DbIDRecipient)
	if r := dmcheck.Recipient(rid); r != nil {
		return fail(st(codeBadBoxID))
	}
	recipient := s.store.boxes[rid]
	switch {
	case recipient == nil:
		return fail(st(codeBoxNotFound))
	case recipient.State != StateAccessible || recipient.system() || recipient.ID == sender.ID:
		return fail(stf(codeRecipient, "Do schránky "+rid+" nelze zprávu dodat (schránka není přístupná, je vlastní nebo systémová)."))
	}
	var inType string
	if e.DmType != nil {
		inType = string(*e.DmType)
	}
	dmType, err := dmcheck.MessageType(inType)
	if err != nil {
		return nil, bad("%s", err.Error())
	}
	switch dmType {
	case "V":
		if !sender.ovm() && !recipient.ovm() {
			return fail(st(codeNoOVM))
		}
	case "K", "E", "I":
		if !recipient.OpenAddressing {
			return fail(st(codePDZRefused))
		}
	}
	files, size, virus, st2 := checkFiles(req.DmFiles.DmFile, s.maxAttachment)
	if st2 != nil {
		return fail(*st2)
	}
	id, seq := s.store.newID()
	m := &message{
		id: id, seq: seq, sender: sender.ID, recipient: recipient.ID, personal: in.personal,
		fiction: in.allowSubst || !sender.ovm(), recipientUnitNum: in.recipientUnitNum, senderUnitNum: in.senderUnitNum,
		attSize: (size + 512) / 1024, attsNum: len(req.DmFiles.DmFile), virus: virus, submitted: now,
		system: sender.system(),
	}
	if dmType != "V" {
		m.dmType = dmType
	}
	m.fields = envelopeFields(m.id, sender, recipient, in)
	m.envelope = wrapDmDm(m.fields, nil)
	m.full = wrapDmDm(m.fields, files)
	sum := sha256.Sum256(m.full)
	m.hash = sum[:]
	// The stamp states the submission time; a seeded message dated before
	// the TSA's certificate is stamped at the certificate's start instead.
	at := now
	if start := s.tsa.Certificate().NotBefore; at.Before(start) {
		at = start
	}
	qts, err := s.tsa.StampAt(at, crypto.SHA256, m.hash)
	if err != nil {
		return nil, fmt.Errorf("time-stamp message: %w", err)
	}
	m.qts = qts
	m.events = append(m.events, event{at: now, state: msgStamped, descr: "EV0: Datová zpráva byla podána."})
	if virus {
		m.state = msgVirus
		m.events = append(m.events, event{at: now, state: msgVirus, listed: true,
			descr: "EV8: Datová zpráva obsahuje škodlivý kód a nebyla dodána."})
	} else {
		m.state, m.delivered = msgDelivered, now
		m.events = append(m.events, event{at: now, state: msgDelivered, listed: true,
			descr: "EV5: Datová zpráva byla dodána do schránky adresáta."})
	}
	s.store.msgs[m.id] = m
	w.el("dmID", m.id)
	w.dmStatus(ok())
	return w.end("CreateMessage"), nil
}

// checkFiles checks the documents of a message (dmcheck.Files) and writes
// their dmFiles element. It returns the total size of the documents and
// whether the antivirus check fails, or the status refusing them.
func checkFiles(in []*dm.TFileWithAttrs, maxBytes int) ([]byte, int, bool, *status) {
	files, size, r := dmcheck.Files(in, maxBytes)
	if r != nil {
		s := stf(r.Code, r.Text)
		return nil, 0, false, &s
	}
	w := newXW("p")
	w.open("dmFiles")
	virus := false
	for _, f := range files {
		if bytes.Contains(f.Content, eicar) {
			virus = true
		}
		w.open("dmFile", "dmMimeType", f.MimeType, "dmFileMetaType", f.MetaType, "dmFileGuid", f.Guid,
			"dmUpFileGuid", f.UpGuid, "dmFileDescr", f.Name, "dmFormat", f.Format)
		if f.XML {
			w.open("dmXMLContent")
			w.raw(f.Content)
			w.close("dmXMLContent")
		} else {
			w.el("dmEncodedContent", base64.StdEncoding.EncodeToString(f.Content))
		}
		w.close("dmFile")
	}
	w.close("dmFiles")
	return w.bytes(), size, virus, nil
}

// envelopeFields writes the elements of gMessageEnvelope as ISDS fixes
// them when it accepts a message.
func envelopeFields(id string, sender, recipient *Box, in envelopeIn) []byte {
	w := newXW("p")
	w.el("dmID", id)
	w.el("dbIDSender", sender.ID)
	w.opt("dmSender", sender.name())
	w.opt("dmSenderAddress", sender.Address.line())
	w.el("dmSenderType", strconv.Itoa(sender.senderType()))
	w.opt("dmRecipient", recipient.name())
	w.opt("dmRecipientAddress", recipient.Address.line())
	w.el("dmAmbiguousRecipient", "false")
	w.opt("dmSenderOrgUnit", in.senderUnit)
	w.opt("dmSenderOrgUnitNum", in.senderUnitNum)
	w.el("dbIDRecipient", recipient.ID)
	w.opt("dmRecipientOrgUnit", in.recipientUnit)
	w.opt("dmRecipientOrgUnitNum", in.recipientUnitNum)
	w.opt("dmToHands", in.toHands)
	w.opt("dmAnnotation", in.annotation)
	w.opt("dmRecipientRefNumber", in.recipientRef)
	w.opt("dmSenderRefNumber", in.senderRef)
	w.opt("dmRecipientIdent", in.recipientIdent)
	w.opt("dmSenderIdent", in.senderIdent)
	w.opt("dmLegalTitleLaw", in.lawNum)
	w.opt("dmLegalTitleYear", in.lawYear)
	w.opt("dmLegalTitleSect", in.lawSect)
	w.opt("dmLegalTitlePar", in.lawPar)
	w.opt("dmLegalTitlePoint", in.lawPoint)
	w.el("dmPersonalDelivery", strconv.FormatBool(in.personal))
	w.el("dmAllowSubstDelivery", strconv.FormatBool(in.allowSubst))
	return w.bytes()
}

// wrapDmDm writes <p:dmDm> around the fields (and the documents), declaring
// the prefix on itself as ISDS does, so the same bytes serve in answers and
// in signed payloads.
func wrapDmDm(fields, files []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`<p:dmDm xmlns:p="` + nsV20 + `">`)
	b.Write(fields)
	b.Write(files)
	b.WriteString(`</p:dmDm>`)
	return b.Bytes()
}
