package sim

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// gowsdl's types cannot tell <e xsi:nil="true"/> from <e>0</e> or
// <e>false</e>: both decode to a pointer to the zero value. Where the
// difference matters (an org unit number 0, dmAllowSubstDelivery that
// defaults to true) the sandbox looks up the nil elements of the request,
// by their path below the operation element ("dmEnvelope/dmLegalTitleLaw").

// nilPaths returns the paths of the elements marked xsi:nil inside the
// first element of the SOAP Body.
func nilPaths(body []byte) map[string]bool {
	d := xml.NewDecoder(bytes.NewReader(body))
	out := map[string]bool{}
	var path []string
	depth := 0 // 0 outside the operation element
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if t.Name.Space == nsV20 {
					depth = 1
				}
				continue
			}
			depth++
			path = append(path, t.Name.Local)
			for _, a := range t.Attr {
				if a.Name.Space == nsXSI && a.Name.Local == "nil" && (a.Value == "true" || a.Value == "1") {
					out[strings.Join(path, "/")] = true
				}
			}
		case xml.EndElement:
			if depth == 0 {
				continue
			}
			if depth--; depth == 0 {
				return out
			}
			path = path[:len(path)-1]
		}
	}
}
