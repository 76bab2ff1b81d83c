package xsdcheck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SOAP envelope namespaces.
const (
	soap11 = "http://schemas.xmlsoap.org/soap/envelope/"
	soap12 = "http://www.w3.org/2003/05/soap-envelope"
)

const xmlNS = "http://www.w3.org/XML/1998/namespace"

// Body returns the first element child of the SOAP Body of envelope (SOAP
// 1.1 or 1.2) as a standalone document: every namespace the subtree uses is
// declared inside it, even when the envelope declared the prefix.
func Body(envelope []byte) ([]byte, error) {
	d := xml.NewDecoder(bytes.NewReader(envelope))
	var path []xml.Name
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, errors.New("no element inside the SOAP Body")
		}
		if err != nil {
			return nil, fmt.Errorf("envelope: %w", err)
		}
		switch tok := tok.(type) {
		case xml.Directive:
			return nil, errors.New("envelope: DOCTYPE is not allowed")
		case xml.StartElement:
			switch len(path) {
			case 0:
				if tok.Name.Local != "Envelope" || (tok.Name.Space != soap11 && tok.Name.Space != soap12) {
					return nil, fmt.Errorf("root is {%s}%s, want a SOAP Envelope", tok.Name.Space, tok.Name.Local)
				}
			case 1:
				if tok.Name.Local == "Body" && tok.Name.Space == path[0].Space {
					break
				}
				if err := d.Skip(); err != nil {
					return nil, err
				}
				continue
			case 2:
				var out bytes.Buffer
				out.WriteString(xml.Header)
				if err := copyElement(&out, d, tok, ""); err != nil {
					return nil, err
				}
				return out.Bytes(), nil
			}
			path = append(path, tok.Name)
		case xml.EndElement:
			if len(path) == 2 {
				return nil, errors.New("SOAP Body is empty")
			}
			path = path[:len(path)-1]
		}
	}
}

// copyElement writes start and its subtree, declaring the default namespace
// wherever it changes and a prefix for every qualified attribute.
func copyElement(w *bytes.Buffer, d *xml.Decoder, start xml.StartElement, parentNS string) error {
	w.WriteByte('<')
	w.WriteString(start.Name.Local)
	if start.Name.Space != parentNS {
		fmt.Fprintf(w, ` xmlns="%s"`, escape(start.Name.Space))
	}
	n := 0
	for _, a := range start.Attr {
		switch {
		case a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns"):
			continue
		case a.Name.Space == "":
			fmt.Fprintf(w, ` %s="%s"`, a.Name.Local, escape(a.Value))
		case a.Name.Space == xmlNS:
			fmt.Fprintf(w, ` xml:%s="%s"`, a.Name.Local, escape(a.Value))
		default:
			n++
			fmt.Fprintf(w, ` xmlns:a%d="%s" a%d:%s="%s"`, n, escape(a.Name.Space), n, a.Name.Local, escape(a.Value))
		}
	}
	w.WriteByte('>')
	for {
		tok, err := d.Token()
		if err != nil {
			return fmt.Errorf("body: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if err := copyElement(w, d, tok, start.Name.Space); err != nil {
				return err
			}
		case xml.CharData:
			w.WriteString(escape(string(tok)))
		case xml.EndElement:
			fmt.Fprintf(w, "</%s>", start.Name.Local)
			return nil
		case xml.Directive:
			return errors.New("body: DOCTYPE is not allowed")
		}
	}
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\r", "&#xD;")

// escape escapes text and attribute values; newlines in text stay literal.
func escape(s string) string { return escaper.Replace(s) }
