package wssec

// message is the structural view of a parsed SOAP envelope. Every element
// the signer or the verifier works on is found here by position, never by
// search, and every security-relevant element is counted over the whole
// document.
type message struct {
	doc    *document
	env    *element
	soapNS string
	header *element // nil when the envelope has none
	body   *element
	ids    map[string]*element

	// Every occurrence in the document, in document order.
	securities []*element
	signatures []*element
	timestamps []*element
}

// parseEnvelope parses and checks the SOAP structure of raw.
// The caller releases m.doc when done with the tree.
func parseEnvelope(raw []byte, l Limits) (*message, error) {
	doc, err := parseXML(raw, l)
	if err != nil {
		return nil, err
	}
	m, err := checkEnvelope(doc)
	if err != nil {
		doc.release()
		return nil, err
	}
	return m, nil
}

// checkEnvelope finds the SOAP structure of a parsed document.
func checkEnvelope(doc *document) (*message, error) {
	env := doc.Root()
	if env == nil {
		return nil, reject(CodeMalformed, "no root element")
	}
	m := &message{doc: doc, env: env, soapNS: env.NamespaceURI(), ids: map[string]*element{}}
	if env.Tag != "Envelope" || (m.soapNS != nsSOAP11 && m.soapNS != nsSOAP12) {
		return nil, reject(CodeStructure, "root element is not a SOAP 1.1 or 1.2 Envelope")
	}
	if hasText(env) {
		return nil, reject(CodeStructure, "text directly inside Envelope")
	}
	kids := env.ChildElements()
	switch {
	case len(kids) == 1 && m.is(kids[0], m.soapNS, "Body"):
		m.body = kids[0]
	case len(kids) == 2 && m.is(kids[0], m.soapNS, "Header") && m.is(kids[1], m.soapNS, "Body"):
		m.header, m.body = kids[0], kids[1]
	default:
		return nil, reject(CodeStructure, "Envelope must hold an optional Header followed by one Body and nothing else")
	}
	var bodies, headers int
	var dupID string
	var walk func(*element)
	walk = func(e *element) {
		switch ns := e.NamespaceURI(); {
		case ns == m.soapNS && e.Tag == "Body":
			bodies++
		case ns == m.soapNS && e.Tag == "Header":
			headers++
		case ns == nsWSSE && e.Tag == "Security":
			m.securities = append(m.securities, e)
		case ns == nsDS && e.Tag == "Signature":
			m.signatures = append(m.signatures, e)
		case ns == nsWSU && e.Tag == "Timestamp":
			m.timestamps = append(m.timestamps, e)
		}
		for _, a := range e.Attr {
			if a.Key != "Id" && a.Key != "ID" && a.Key != "id" || a.Value == "" {
				continue
			}
			if _, ok := isNSDecl(a); ok {
				continue
			}
			if _, dup := m.ids[a.Value]; dup && dupID == "" {
				dupID = a.Value
			}
			m.ids[a.Value] = e
		}
		for _, t := range e.Child {
			if c, ok := t.(*element); ok {
				walk(c)
			}
		}
	}
	walk(env)
	if bodies != 1 || headers > 1 {
		return nil, reject(CodeWrapping, "the document holds %d soap:Body and %d soap:Header elements", bodies, headers)
	}
	if dupID != "" {
		return nil, reject(CodeDuplicateID, "ID %q appears more than once", dupID)
	}
	return m, nil
}

// is reports whether e is the element {ns}tag.
func (m *message) is(e *element, ns, tag string) bool {
	return e != nil && e.Tag == tag && e.NamespaceURI() == ns
}

// children returns e's child elements named {ns}tag.
func children(e *element, ns, tag string) []*element {
	var out []*element
	for _, c := range e.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			out = append(out, c)
		}
	}
	return out
}

// onlyChild returns e's single child element {ns}tag.
func onlyChild(e *element, ns, tag string) (*element, bool) {
	cs := children(e, ns, tag)
	if len(cs) != 1 {
		return nil, false
	}
	return cs[0], true
}

// isInside reports whether e is anc or a descendant of anc.
func isInside(e, anc *element) bool {
	for ; e != nil; e = e.Parent() {
		if e == anc {
			return true
		}
	}
	return false
}
