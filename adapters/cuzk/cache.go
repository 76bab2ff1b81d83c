package cuzk

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	"konektor/gateway/catalogue"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	contract "konektor/wsdl/cuzk"
)

// codeLists tracks the last-change date of each code list, as ČÚZK's
// seznamCiselniku reports it.
type codeLists struct {
	mu    sync.RWMutex
	dates map[string]string
}

func (c *codeLists) update(m map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range m {
		c.dates[k] = v
	}
}

func (c *codeLists) date(list string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.dates[list]
}

// CodeListDates returns the last-change dates konektor knows, by list.
func (u *Upstream) CodeListDates() map[string]string {
	u.lists.mu.RLock()
	defer u.lists.mu.RUnlock()
	out := make(map[string]string, len(u.lists.dates))
	for k, v := range u.lists.dates {
		out[k] = v
	}
	return out
}

// CanonicalRequest returns the question as a canonical token stream
// (namespace-resolved names, sorted attributes, no whitespace between
// elements, konektor's Kontext header left out: only the payload counts).
// For a code list it also carries the list's last-change date as konektor
// last learned it, so a cached list is refreshed as soon as ČÚZK reports a
// change.
func (u *Upstream) CanonicalRequest(ex *pipeline.Exchange) ([]byte, error) {
	b, err := canonical(ex.Envelope.PayloadDocument())
	if err != nil {
		return nil, err
	}
	if ex.Entry != nil && ex.Entry.Code == contract.Ciselnik {
		b = append(b, "\x00posledniZmena="+u.lists.date(ex.Entry.Operation)...)
	}
	return b, nil
}

func canonical(doc []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var b bytes.Buffer
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.Bytes(), nil
		}
		if err != nil {
			return nil, fmt.Errorf("cuzk: canonical request: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "konektor-scope" && t.Name.Space == "" {
				continue
			}
			b.WriteString("<{" + t.Name.Space + "}" + t.Name.Local)
			attrs := make([]string, 0, len(t.Attr))
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				attrs = append(attrs, "{"+a.Name.Space+"}"+a.Name.Local+"="+a.Value)
			}
			sort.Strings(attrs)
			for _, a := range attrs {
				b.WriteString(" " + a)
			}
			b.WriteByte('>')
		case xml.EndElement:
			if t.Name.Local == "konektor-scope" && t.Name.Space == "" {
				continue
			}
			b.WriteString("</>")
		case xml.CharData:
			if s := bytes.TrimSpace(t); len(s) > 0 {
				_ = xml.EscapeText(&b, s)
			}
		}
	}
}

// Storable reports whether an answer may be cached: HTTP 200, a vysledek
// without errors, and not a busy answer (477, 210).
func (u *Upstream) Storable(r *pipeline.Reply) bool {
	return r.Status == http.StatusOK && strings.HasPrefix(r.UpstreamStatus, "OK ") && !u.Unavailable(r)
}

// Refresh returns a cached answer as stored: WSDP answers echo nothing of
// the call.
func (u *Upstream) Refresh(_ *pipeline.Exchange, body []byte) []byte { return body }

// ErrNoRefreshAccount is returned by RefreshCodeLists without
// Options.RefreshAccount.
var ErrNoRefreshAccount = errors.New("cuzk: no account for refreshing code lists")

// RefreshCodeLists asks ČÚZK which code lists changed (seznamCiselniku)
// with Options.RefreshAccount and records their last-change dates, so
// that cached lists that changed are fetched again. The lead runs it on a
// ticker (daily is enough); relayed seznamCiselniku answers update the
// dates too.
func (u *Upstream) RefreshCodeLists(ctx context.Context) error {
	if u.refresh == "" {
		return ErrNoRefreshAccount
	}
	op, _ := contract.Lookup(contract.Ciselnik, "seznamCiselniku")
	raw := []byte(`<soapenv:Envelope xmlns:soapenv="` + contract.NSSOAP11 + `"><soapenv:Body><c:SeznamCiselnikuRequest xmlns:c="` +
		contract.TypesNS(contract.Ciselnik) + `"/></soapenv:Body></soapenv:Envelope>`)
	env, err := soap.Parse(raw, soap.Limits{})
	if err != nil {
		return fmt.Errorf("cuzk: refresh request: %w", err)
	}
	_, ans, err := u.relay(ctx, u.refresh, op, catalogue.Read, env)
	if err != nil {
		return err
	}
	if ans.failed() || ans.lists == nil {
		return fmt.Errorf("cuzk: seznamCiselniku answered %s", ans.status())
	}
	return nil
}

// Unavailable reports whether an answer says ČÚZK cannot serve now: a
// gateway error or konektor's outage answer (HTTP 5xx other than a SOAP
// fault's 500), or 477/210 (too many working users). A stale cached answer
// may then serve.
func (u *Upstream) Unavailable(r *pipeline.Reply) bool {
	if r.Status >= 500 && r.Status != http.StatusInternalServerError {
		return true
	}
	_, codes, _ := strings.Cut(r.UpstreamStatus, " ")
	for _, c := range strings.Split(codes, ",") {
		if c == "477" || c == "210" {
			return true
		}
	}
	return false
}
