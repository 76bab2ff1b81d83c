package sim

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"konektor/wsdl/isds"
	"konektor/wsdl/isds/dm"
)

// Limits of a message (CreateMessage).
const (
	// DefaultMaxAttachmentBytes: 20 MB of documents; the sources do not say
	// whether ISDS means MB or MiB, the client libraries use MiB.
	DefaultMaxAttachmentBytes = 20 << 20
	MaxFiles                  = 100
	MaxContainers             = 10
	maxFileName               = 255
	maxAnnotation             = 255
	maxRef                    = 50
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

// sanitize does to input strings what ISDS does: TAB, CR, LF and a few
// space characters become a space; C1 controls, soft hyphens and
// invisible format characters are removed.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\r' || r == '\n' || r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0xA0:
			return ' '
		case r >= 0x80 && r <= 0x9F, r == 0xAD, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2061 && r <= 0x206F:
			return -1
		}
		return r
	}, s)
}

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
	for _, f := range []struct {
		name, v string
		max     int
	}{{"dmAnnotation", in.annotation, maxAnnotation}, {"dmRecipientRefNumber", in.recipientRef, maxRef},
		{"dmSenderRefNumber", in.senderRef, maxRef}, {"dmRecipientIdent", in.recipientIdent, maxRef}, {"dmSenderIdent", in.senderIdent, maxRef}} {
		if n := len([]rune(f.v)); n > f.max {
			return nil, bad("%s has %d characters, at most %d are allowed", f.name, n, f.max)
		}
	}
	rid := strT(e.DbIDRecipient)
	if err := isds.CheckBoxID(rid); err != nil {
		return fail(st(codeBadBoxID))
	}
	recipient := s.store.boxes[rid]
	switch {
	case recipient == nil:
		return fail(st(codeBoxNotFound))
	case recipient.State != StateAccessible || recipient.system() || recipient.ID == sender.ID:
		return fail(stf(codeRecipient, "Do schránky "+rid+" nelze zprávu dodat (schránka není přístupná, je vlastní nebo systémová)."))
	}
	dmType := "V"
	if e.DmType != nil && *e.DmType != "" {
		dmType = string(*e.DmType)
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
	case "O":
	default:
		return nil, bad("dmType %q is not an input message type (V, K, E, I, O)", dmType)
	}
	files, size, virus, st2 := checkFiles(req.DmFiles.DmFile, s.maxAttachment)
	if st2 != nil {
		return fail(*st2)
	}
	m := &message{
		id: s.store.newID(), sender: sender.ID, recipient: recipient.ID, personal: in.personal,
		fiction: in.allowSubst || !sender.ovm(), recipientUnitNum: in.recipientUnitNum, senderUnitNum: in.senderUnitNum,
		attSize: (size + 512) / 1024, attsNum: len(req.DmFiles.DmFile), virus: virus, submitted: now,
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

// checkFiles checks the documents of a message and writes their dmFiles
// element. It returns the total size of the documents and whether the
// antivirus check fails, or the status refusing them.
func checkFiles(in []*dm.TFileWithAttrs, maxBytes int) ([]byte, int, bool, *status) {
	refuse := func(text, name string) ([]byte, int, bool, *status) {
		s := stf(codeAttachment, text+": "+name)
		return nil, 0, false, &s
	}
	if len(in) > MaxFiles {
		return refuse(fmt.Sprintf("Překročen počet příloh (nejvýše %d)", MaxFiles), strconv.Itoa(len(in)))
	}
	w := newXW("p")
	w.open("dmFiles")
	size, containers, virus := 0, 0, false
	for _, f := range in {
		name := sanitize(f.DmFileDescr)
		if name == "" || len([]rune(name)) > maxFileName {
			return refuse("Chybný název souboru (1 až 255 znaků)", name)
		}
		var content []byte
		xmlContent := f.TFile != nil && f.TFile.DmXMLContent.InnerXML != ""
		switch {
		case f.TFile != nil && len(f.TFile.DmEncodedContent) > 0:
			// gowsdl's []byte holds the base64 text; ISDS accepts line breaks in it.
			dec, err := base64.StdEncoding.DecodeString(strings.Map(dropSpace, string(f.TFile.DmEncodedContent)))
			if err != nil {
				return refuse("Obsah souboru není platné base64", name)
			}
			content = dec
		case xmlContent:
			content = []byte(f.TFile.DmXMLContent.InnerXML)
		default:
			return refuse("Soubor nemá obsah", name)
		}
		meta := "main"
		if f.DmFileMetaType != nil {
			meta = string(*f.DmFileMetaType)
		}
		switch meta {
		case "main", "enclosure", "signature", "meta":
		default:
			return refuse("Chybný typ písemnosti "+meta, name)
		}
		why, format := checkFile(name, f.DmMimeType, content, xmlContent)
		if why != "" {
			return refuse(why, name)
		}
		if format.container {
			if containers++; containers > MaxContainers {
				return refuse(fmt.Sprintf("Překročen počet kontejnerů (nejvýše %d)", MaxContainers), name)
			}
		}
		if bytes.Contains(content, eicar) {
			virus = true
		}
		size += len(content)
		if size > maxBytes {
			s := st(codeTooLarge)
			return nil, 0, false, &s
		}
		w.open("dmFile", "dmMimeType", f.DmMimeType, "dmFileMetaType", meta, "dmFileGuid", f.DmFileGuid,
			"dmUpFileGuid", f.DmUpFileGuid, "dmFileDescr", name, "dmFormat", f.DmFormat)
		if xmlContent {
			w.open("dmXMLContent")
			w.raw(content)
			w.close("dmXMLContent")
		} else {
			w.el("dmEncodedContent", base64.StdEncoding.EncodeToString(content))
		}
		w.close("dmFile")
	}
	w.close("dmFiles")
	return w.bytes(), size, virus, nil
}

func dropSpace(r rune) rune {
	if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
		return -1
	}
	return r
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
