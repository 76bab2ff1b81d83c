package cuzk

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
)

const nsXOP = "http://www.w3.org/2004/08/xop/include"

// zpr is one message of an answer's vysledek.
type zpr struct {
	kod    int
	uroven string
}

// reportFile is a report of a GenerujSestavuResponse.
type reportFile struct {
	id, format, elZnacka string
	file                 []byte // decoded souborSestavy
	hasFile              bool
}

// answer is what konektor reads of a WSDP answer.
type answer struct {
	element   xml.Name
	fault     string // local part of the faultcode of a SOAP Fault, e.g. FailedAuthentication
	faultText string
	zpravy    []zpr
	reports   []reportFile
	lists     map[string]string // seznamCiselniku: list name → datumPosledniZmeny
}

// Errors reading an answer.
var (
	ErrAnswer = errors.New("cuzk: unreadable WSDP answer")
)

// readAnswer reads a WSDP answer: a SOAP 1.1 envelope, or an MTOM
// (multipart/related) message whose root part is one and whose report
// files are attachments.
func readAnswer(contentType string, body []byte) (answer, error) {
	root, parts, err := splitMTOM(contentType, body)
	if err != nil {
		return answer{}, err
	}
	return parseAnswer(root, parts)
}

// splitMTOM returns the root XML and the attachments by Content-ID of an
// MTOM message, or the body itself for a plain SOAP message.
func splitMTOM(contentType string, body []byte) ([]byte, map[string][]byte, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return body, nil, nil
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, nil, fmt.Errorf("%w: multipart answer without a boundary", ErrAnswer)
	}
	start := strings.Trim(params["start"], "<>")
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	var root []byte
	parts := map[string][]byte{}
	for i := 0; ; i++ {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: multipart: %v", ErrAnswer, err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: multipart: %v", ErrAnswer, err)
		}
		data, err = decodePart(p.Header, data)
		if err != nil {
			return nil, nil, err
		}
		id := strings.Trim(p.Header.Get("Content-Id"), "<>")
		if (start != "" && id == start) || (start == "" && i == 0) {
			root = data
			continue
		}
		parts[id] = data
	}
	if root == nil {
		return nil, nil, fmt.Errorf("%w: multipart answer without its root part", ErrAnswer)
	}
	return root, parts, nil
}

// decodePart undoes a part's transfer encoding (binary, 8bit or base64).
func decodePart(h textproto.MIMEHeader, data []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "", "binary", "8bit", "7bit":
		return data, nil
	case "base64":
		out, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), ""))
		if err != nil {
			return nil, fmt.Errorf("%w: attachment: %v", ErrAnswer, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: unsupported transfer encoding %q", ErrAnswer, h.Get("Content-Transfer-Encoding"))
}

// parseAnswer reads the envelope: the payload's name, a fault, vysledek,
// the reports and the code-list dates.
func parseAnswer(doc []byte, parts map[string][]byte) (answer, error) {
	var a answer
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string // local names below Body's parent
	var text strings.Builder
	var rep *reportFile
	var listName, listDate string
	inBody := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return a, fmt.Errorf("%w: %v", ErrAnswer, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			text.Reset()
			switch {
			case len(stack) == 2 && t.Name.Local == "Body":
				inBody = true
			case len(stack) == 3 && inBody:
				a.element = t.Name
			case !inBody:
			case t.Name.Local == "zprava" && parent(stack) == "vysledek" && len(stack) == 5:
				z := zpr{}
				for _, at := range t.Attr {
					switch at.Name.Local {
					case "kod":
						z.kod, _ = strconv.Atoi(strings.TrimSpace(at.Value))
					case "uroven":
						z.uroven = strings.TrimSpace(at.Value)
					}
				}
				a.zpravy = append(a.zpravy, z)
			case t.Name.Local == "report" && parent(stack) == "reportList":
				rep = &reportFile{}
			case t.Name.Local == "Include" && t.Name.Space == nsXOP && rep != nil && parent(stack) == "souborSestavy":
				for _, at := range t.Attr {
					if at.Name.Local == "href" {
						cid := strings.TrimPrefix(strings.TrimSpace(at.Value), "cid:")
						data, ok := parts[cid]
						if !ok {
							return a, fmt.Errorf("%w: attachment %s missing", ErrAnswer, cid)
						}
						rep.file, rep.hasFile = data, true
					}
				}
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			name := t.Name.Local
			v := strings.TrimSpace(text.String())
			switch {
			case !inBody:
			case len(stack) == 4 && name == "faultcode":
				a.fault = v
				if _, local, ok := strings.Cut(v, ":"); ok {
					a.fault = local
				}
			case len(stack) == 4 && name == "faultstring":
				a.faultText = v
			case rep != nil && parent(stack) == "report":
				switch name {
				case "id":
					rep.id = v
				case "format":
					rep.format = v
				case "elZnacka":
					rep.elZnacka = v
				case "souborSestavy":
					if !rep.hasFile {
						data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), ""))
						if err != nil {
							return a, fmt.Errorf("%w: souborSestavy is not base64", ErrAnswer)
						}
						rep.file, rep.hasFile = data, true
					}
				}
			case rep != nil && name == "report":
				a.reports = append(a.reports, *rep)
				rep = nil
			case parent(stack) == "ciselnik" && name == "nazev":
				listName = v
			case parent(stack) == "ciselnik" && name == "datumPosledniZmeny":
				listDate = v
			case name == "ciselnik" && a.element.Local == "SeznamCiselnikuResponse":
				if listName != "" {
					if a.lists == nil {
						a.lists = map[string]string{}
					}
					a.lists[listName] = listDate
				}
				listName, listDate = "", ""
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	if a.element.Local == "" {
		return a, fmt.Errorf("%w: no SOAP Body payload", ErrAnswer)
	}
	if a.element.Local == "Fault" && a.fault == "" {
		return a, fmt.Errorf("%w: SOAP Fault without faultcode", ErrAnswer)
	}
	return a, nil
}

// parent returns the local name of the current element's parent.
func parent(stack []string) string {
	if len(stack) < 2 {
		return ""
	}
	return stack[len(stack)-2]
}

// isFault reports whether the answer is a SOAP Fault.
func (a answer) isFault() bool { return a.element.Local == "Fault" }

// failed reports whether vysledek holds an error, operational notices
// (kod > 9000) aside.
func (a answer) failed() bool {
	for _, z := range a.zpravy {
		if z.uroven == "CHYBA" && z.kod < 9000 {
			return true
		}
	}
	return false
}

// busy reports whether ČÚZK said too many users are working (477, 210).
func (a answer) busy() bool {
	for _, z := range a.zpravy {
		if z.kod == 477 || z.kod == 210 {
			return true
		}
	}
	return false
}

// status summarises an answer for the access log: "OK 0,392", "CHYBA 304",
// or "FAULT FailedAuthentication"; operational notices are left out.
func (a answer) status() string {
	if a.isFault() {
		return "FAULT " + a.fault
	}
	var codes []string
	level := "OK"
	for _, z := range a.zpravy {
		if z.kod > 9000 {
			continue
		}
		codes = append(codes, strconv.Itoa(z.kod))
		if z.uroven == "CHYBA" {
			level = "CHYBA"
		}
	}
	return level + " " + strings.Join(codes, ",")
}
