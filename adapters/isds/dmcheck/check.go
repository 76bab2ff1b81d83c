// Package dmcheck checks a data message (CreateMessage) the way ISDS does
// before it accepts one, as far as that needs no knowledge of the boxes:
// input text sanitised and its lengths (a SOAP Fault in ISDS), the
// recipient's box ID and its check character (1007), the input message
// type, and the documents — count, names, base64, allowed formats of
// Vyhláška 194/2009 Sb. with MIME type and content checks, containers, the
// size limit (1214, 1200). The ISDS sandbox applies it to every message,
// konektor to the drafts it keeps, so a draft fails exactly where sending
// it would; whether the recipient box exists and can receive, and the
// rules between sender and recipient types, are ISDS's to check when the
// draft is sent.
package dmcheck

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

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
	MaxFileName               = 255
	MaxAnnotation             = 255
	MaxRef                    = 50
)

// Status codes of refusals (dmStatusCode, HTTP 200).
const (
	CodeBadBoxID   = "1007" // malformed box ID
	CodeTooLarge   = "1200" // message size limit
	CodeAttachment = "1214" // attachment check failed
)

// Texts of the status codes.
const (
	TextBadBoxID = "Chybný formát identifikátoru datové schránky."
	TextTooLarge = "Překročena povolená velikost datové zprávy."
)

// Refusal is a status ISDS answers a message with (HTTP 200).
type Refusal struct {
	Code, Text string
}

// SchemaError is a request ISDS rejects with a SOAP Fault.
type SchemaError struct{ Msg string }

func (e *SchemaError) Error() string { return e.Msg }

func schema(format string, args ...any) error {
	return &SchemaError{fmt.Sprintf(format, args...)}
}

// Sanitize does to input strings what ISDS does: TAB, CR, LF and a few
// space characters become a space; C1 controls, soft hyphens and
// invisible format characters are removed.
func Sanitize(s string) string {
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

// Field is a sanitised text field of the envelope with its limit.
type Field struct {
	Name  string
	Value string
	Max   int
}

// Lengths checks the lengths of envelope text fields (a SOAP Fault in
// ISDS, whose schema bounds them).
func Lengths(fields ...Field) error {
	for _, f := range fields {
		if n := len([]rune(f.Value)); n > f.Max {
			return schema("%s has %d characters, at most %d are allowed", f.Name, n, f.Max)
		}
	}
	return nil
}

// Recipient checks the recipient's box ID: seven characters with a valid
// check character (1007 otherwise).
func Recipient(id string) *Refusal {
	if err := isds.CheckBoxID(id); err != nil {
		return &Refusal{CodeBadBoxID, TextBadBoxID}
	}
	return nil
}

// MessageType returns the input message type (dmType; V when absent) or a
// schema error for a type that is not one of V, K, E, I, O.
func MessageType(t string) (string, error) {
	if t == "" {
		return "V", nil
	}
	switch t {
	case "V", "K", "E", "I", "O":
		return t, nil
	}
	return "", schema("dmType %q is not an input message type (V, K, E, I, O)", t)
}

// File is a checked document of a message.
type File struct {
	Name      string // dmFileDescr, sanitised
	MimeType  string
	MetaType  string // main, enclosure, signature, meta
	Guid      string
	UpGuid    string
	Format    string
	Content   []byte // decoded, or the inline XML
	XML       bool   // dmXMLContent rather than dmEncodedContent
	Container bool   // ZIP or ASiC
}

// Files checks the documents of a message: at most MaxFiles, names of 1
// to MaxFileName characters, base64 content (line breaks allowed), a
// known dmFileMetaType, an allowed format matching MIME type and content,
// at most MaxContainers containers and maxBytes in total. It returns the
// decoded documents and their total size, or the refusal (1214: the text
// ends with ": <file name>", as ISDS writes it since 2024; 1200).
func Files(in []*dm.TFileWithAttrs, maxBytes int) ([]File, int, *Refusal) {
	refuse := func(text, name string) ([]File, int, *Refusal) {
		return nil, 0, &Refusal{CodeAttachment, text + ": " + name}
	}
	if len(in) > MaxFiles {
		return refuse(fmt.Sprintf("Překročen počet příloh (nejvýše %d)", MaxFiles), strconv.Itoa(len(in)))
	}
	out := make([]File, 0, len(in))
	size, containers := 0, 0
	for _, f := range in {
		if f == nil {
			return refuse("Soubor nemá obsah", "")
		}
		name := Sanitize(f.DmFileDescr)
		if name == "" || len([]rune(name)) > MaxFileName {
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
		why, container := CheckFile(name, f.DmMimeType, content, xmlContent)
		if why != "" {
			return refuse(why, name)
		}
		if container {
			if containers++; containers > MaxContainers {
				return refuse(fmt.Sprintf("Překročen počet kontejnerů (nejvýše %d)", MaxContainers), name)
			}
		}
		size += len(content)
		if size > maxBytes {
			return nil, 0, &Refusal{CodeTooLarge, TextTooLarge}
		}
		out = append(out, File{Name: name, MimeType: f.DmMimeType, MetaType: meta, Guid: f.DmFileGuid, UpGuid: f.DmUpFileGuid,
			Format: f.DmFormat, Content: content, XML: xmlContent, Container: container})
	}
	return out, size, nil
}

func dropSpace(r rune) rune {
	if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
		return -1
	}
	return r
}

// Message is a CreateMessage that passed the checks.
type Message struct {
	Recipient  string // dbIDRecipient
	Annotation string // dmAnnotation, sanitised
	Type       string // input dmType
	Files      []File
	Size       int // bytes of the documents
}

// Check applies every check of this package to a CreateMessage in ISDS's
// order: a SchemaError (SOAP Fault), a Refusal (status), or the message.
func Check(req *dm.CreateMessage, maxBytes int) (*Message, *Refusal, error) {
	if req == nil || req.DmEnvelope == nil || req.DmEnvelope.TEnvelopeSub == nil || req.DmFiles == nil || len(req.DmFiles.DmFile) == 0 {
		return nil, nil, schema("CreateMessage needs dmEnvelope and at least one dmFile")
	}
	e := req.DmEnvelope
	m := &Message{Annotation: text(e.DmAnnotation)}
	if err := Lengths(Field{"dmAnnotation", m.Annotation, MaxAnnotation},
		Field{"dmRecipientRefNumber", text(e.DmRecipientRefNumber), MaxRef}, Field{"dmSenderRefNumber", text(e.DmSenderRefNumber), MaxRef},
		Field{"dmRecipientIdent", text(e.DmRecipientIdent), MaxRef}, Field{"dmSenderIdent", text(e.DmSenderIdent), MaxRef}); err != nil {
		return nil, nil, err
	}
	m.Recipient = text(e.DbIDRecipient)
	if r := Recipient(m.Recipient); r != nil {
		return nil, r, nil
	}
	var dmType string
	if e.DmType != nil {
		dmType = string(*e.DmType)
	}
	t, err := MessageType(dmType)
	if err != nil {
		return nil, nil, err
	}
	m.Type = t
	files, size, r := Files(req.DmFiles.DmFile, maxBytes)
	if r != nil {
		return nil, r, nil
	}
	m.Files, m.Size = files, size
	return m, nil, nil
}

func text[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return Sanitize(string(*p))
}
