package cuzk_test

import (
	"strings"
	"testing"

	"konektor/adapters/cuzk"
	"konektor/adapters/cuzk/sim"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
	"konektor/gateway/subject"
)

// TestOwnerSearchSubject: an owner search names its data subject for the
// access log's keyed hash (rodné číslo, else IČO, else the person's name
// and date of birth), the call still reaches ČÚZK, and no log line holds
// the personal data.
func TestOwnerSearchSubject(t *testing.T) {
	e := newEnv(t, setup{})
	cases := []struct {
		name, service, payload, kind, id string
	}{
		{name: "rodne-cislo", service: "vyhledat", payload: req("vyhledat", "NajdiOSRequest",
			"<v:jmeno>Jana</v:jmeno><v:prijmeni>Nováková</v:prijmeni><v:rc>"+sim.SampleOwnerRC+"</v:rc>"), kind: subject.KindRC, id: sim.SampleOwnerRC},
		{name: "ico", service: "vyhledat", payload: req("vyhledat", "NajdiOSRequest", "<v:ico>"+sim.SampleCompanyICO+"</v:ico>"),
			kind: subject.KindICO, id: sim.SampleCompanyICO},
		{name: "name-and-birth-date", service: "vyhledat", payload: req("vyhledat", "NajdiOSRequest",
			"<v:jmeno>Jana</v:jmeno><v:prijmeni>Nováková</v:prijmeni><v:datumNarozeni>1975-03-12</v:datumNarozeni>"),
			kind: subject.KindPerson, id: "Nováková|Jana|1975-03-12"},
		{name: "surname-only", service: "vyhledat", payload: req("vyhledat", "NajdiOSRequest", "<v:prijmeni> Nováková </v:prijmeni>"),
			kind: subject.KindPerson, id: "Nováková||"},
		{name: "company-name-names-nobody", service: "vyhledat", payload: req("vyhledat", "NajdiOSRequest", "<v:nazev>Šumavská</v:nazev>")},
		{name: "parcel-search-has-no-subject", service: "vyhledat", payload: najdiParcelu},
	}
	h, err := subject.New([]byte(strings.Repeat("k", subject.MinKeySize)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(client999002, tc.service, envelope(tc.payload, kontext("12345678")))
			if r.err != nil || r.reply.Status != 200 {
				t.Fatalf("%v %+v", r.err, r.reply)
			}
			if r.ex.Call.SubjectKind != tc.kind || r.ex.Call.SubjectID != tc.id {
				t.Fatalf("subject %q %q, want %q %q", r.ex.Call.SubjectKind, r.ex.Call.SubjectID, tc.kind, tc.id)
			}
			if tc.kind != "" {
				if _, err := h.Hash(tc.kind, tc.id); err != nil {
					t.Fatalf("the access log cannot hash the subject: %v", err)
				}
			}
		})
	}
	for _, l := range e.logs.All() {
		line := l.Message
		for k, v := range l.ContextMap() {
			line += " " + k + "=" + strings.TrimSpace(strings.ReplaceAll(stringOf(v), "\n", " "))
		}
		for _, pd := range []string{sim.SampleOwnerRC, "Nováková", "1975-03-12"} {
			if strings.Contains(line, pd) {
				t.Fatalf("log line holds personal data: %s", line)
			}
		}
	}
}

// TestRightsRegisterSubject: generujEvidenciPravProOsobu names the person
// (rcIco as a rodné číslo) or the company (as an IČO).
func TestRightsRegisterSubject(t *testing.T) {
	e := newEnv(t, setup{})
	for _, tc := range []struct{ typ, rcIco, kind string }{
		{"OFO", sim.SampleOwnerRC, subject.KindRC},
		{"OPO", sim.SampleCompanyICO, subject.KindICO},
	} {
		ex := e.describe(t, "sestavy", req("sestavy", "GenerujEvidenciPravProOsobuRequest",
			"<v:typ>"+tc.typ+"</v:typ><v:nazev>x</v:nazev><v:rcIco>"+tc.rcIco+"</v:rcIco><v:format>pdf</v:format>"))
		if ex.Call.SubjectKind != tc.kind || ex.Call.SubjectID != tc.rcIco {
			t.Fatalf("%s: subject %q %q", tc.typ, ex.Call.SubjectKind, ex.Call.SubjectID)
		}
	}
}

func stringOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// describe runs only the adapter's Describe stage on a payload.
func (e *env) describe(t *testing.T, service, payload string) *pipeline.Exchange {
	t.Helper()
	body := envelope(payload)
	parsed, err := soap.Parse([]byte(body), soap.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxElements: 10000})
	if err != nil {
		t.Fatal(err)
	}
	ex := &pipeline.Exchange{ID: "test-1", Received: e.clock.Now(), Upstream: cuzk.UpstreamName, Code: service,
		Body: []byte(body), Envelope: parsed, Version: parsed.Version, Client: client999002}
	entry, ok := cuzk.EntryFor(service, parsed.Payload)
	if !ok {
		t.Fatalf("no catalogue entry for %s", parsed.Payload.Local)
	}
	ex.Entry = entry
	if err := e.up.Describe(ex); err != nil {
		t.Fatal(err)
	}
	return ex
}
