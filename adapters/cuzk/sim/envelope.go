package sim

import (
	"bytes"
	"encoding/xml"
	"strings"
	"time"

	"konektor/wsdl/cuzk"
)

const nsSOAP12 = "http://www.w3.org/2003/05/soap-envelope"

// envelope is a request's SOAP structure.
type envelope struct {
	security *cuzk.Element // the wsse:Security header, nil without one
	payload  *cuzk.Element
}

// readEnvelope checks the SOAP 1.1 structure: Envelope with an optional
// Header and one Body holding one element.
func readEnvelope(body []byte) (*envelope, *fault) {
	root, err := cuzk.Parse(bytes.NewReader(body), requestLimits)
	if err != nil {
		return nil, clientFault("Unable to parse the request: " + err.Error())
	}
	if root.Name.Local == "Envelope" && root.Name.Space == nsSOAP12 {
		return nil, versionMismatch()
	}
	if root.Name != (xml.Name{Space: cuzk.NSSOAP11, Local: "Envelope"}) {
		return nil, clientFault("The request is not a SOAP 1.1 Envelope")
	}
	env := &envelope{}
	var bodyEl *cuzk.Element
	for i, c := range root.Children {
		switch {
		case c.Name.Space == cuzk.NSSOAP11 && c.Name.Local == "Header" && i == 0:
			for _, h := range c.Children {
				if h.Name.Space == cuzk.NSWSSE && h.Name.Local == "Security" {
					if env.security != nil {
						return nil, invalidSecurity("Error on verifying message against security policy")
					}
					env.security = h
				}
			}
		case c.Name.Space == cuzk.NSSOAP11 && c.Name.Local == "Body" && bodyEl == nil:
			bodyEl = c
		default:
			return nil, clientFault("Unexpected element " + c.Name.Local + " in the SOAP Envelope")
		}
	}
	if bodyEl == nil || len(bodyEl.Children) != 1 {
		return nil, clientFault("The SOAP Body must hold exactly one element")
	}
	env.payload = bodyEl.Children[0]
	return env, nil
}

// authenticate checks the UsernameToken as WSDP does (user guide §3.13):
// no Security header, or one without a UsernameToken, is InvalidSecurity;
// a password type other than PasswordText is an unsupported token;
// wsu:Created out of the clock skew is InvalidSecurityToken; a wrong user,
// password or a locked account is FailedAuthentication, and three
// consecutive failures lock the account for 15 minutes.
func (s *Server) authenticate(sec *cuzk.Element, now time.Time) (Account, *fault) {
	if sec == nil {
		return Account{}, invalidSecurity("Error on verifying message against security policy")
	}
	var tok *cuzk.Element
	for _, c := range sec.Children {
		if c.Name.Space == cuzk.NSWSSE && c.Name.Local == "UsernameToken" {
			if tok != nil {
				return Account{}, invalidSecurity("Error on verifying message against security policy")
			}
			tok = c
		}
	}
	if tok == nil {
		return Account{}, invalidSecurity("Error on verifying message against security policy")
	}
	var user, password, created string
	var pwType string
	var haveUser, havePassword bool
	for _, c := range tok.Children {
		switch {
		case c.Name.Space == cuzk.NSWSSE && c.Name.Local == "Username":
			user, haveUser = strings.TrimSpace(c.Text), true
		case c.Name.Space == cuzk.NSWSSE && c.Name.Local == "Password":
			password, havePassword = c.Text, true
			pwType, _ = c.AttrValue("Type")
		case c.Name.Space == cuzk.NSWSU && c.Name.Local == "Created":
			created = strings.TrimSpace(c.Text)
		}
	}
	if !haveUser || !havePassword {
		return Account{}, invalidSecurity("Error on verifying message against security policy")
	}
	if pwType != "" && pwType != cuzk.PasswordText {
		return Account{}, invalidSecurity("Unsupported WS-Security token type: " + pwType)
	}
	if created != "" {
		t, err := time.Parse(time.RFC3339Nano, created)
		if err != nil || t.After(now.Add(ClockSkew)) || t.Before(now.Add(-ClockSkew)) {
			return Account{}, invalidToken()
		}
	}
	acct, ok := s.auth.login(user, password, now)
	if !ok {
		return Account{}, failedAuthentication()
	}
	return acct, nil
}

// fault is a SOAP 1.1 fault.
type fault struct {
	code   string // faultcode, prefixed (S:Client, wsse:FailedAuthentication)
	text   string // faultstring
	wsseNS bool   // the code uses the wsse prefix
}

func clientFault(text string) *fault { return &fault{code: "S:Client", text: text} }
func serverFault(text string) *fault { return &fault{code: "S:Server", text: text} }
func versionMismatch() *fault {
	return &fault{code: "S:VersionMismatch", text: "WSDP accepts SOAP 1.1 only"}
}
func invalidSecurity(text string) *fault {
	return &fault{code: "wsse:InvalidSecurity", text: text, wsseNS: true}
}
func invalidToken() *fault {
	return &fault{code: "wsse:InvalidSecurityToken", text: "Security token failed to validate.", wsseNS: true}
}
func failedAuthentication() *fault {
	return &fault{code: "wsse:FailedAuthentication", text: "Failed to assert identity with UsernameToken.", wsseNS: true}
}

func (f *fault) envelope() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<S:Envelope xmlns:S="` + cuzk.NSSOAP11 + `"><S:Body><S:Fault`)
	if f.wsseNS {
		b.WriteString(` xmlns:wsse="` + cuzk.NSWSSE + `"`)
	}
	b.WriteString(`><faultcode>` + f.code + `</faultcode><faultstring>`)
	_ = xml.EscapeText(&b, []byte(f.text))
	b.WriteString(`</faultstring></S:Fault></S:Body></S:Envelope>`)
	return b.Bytes()
}
