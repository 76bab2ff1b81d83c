package iszr

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"konektor/gateway/catalogue"
	"konektor/internal/xsdcheck"
)

func TestAnswerValidatesAgainstOfficialSchemas(t *testing.T) {
	cat, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	for _, code := range []string{"E03", "E276", "E278", "E256", "E36", "E251", "E227", "E164", "E99", "E100"} {
		t.Run(code, func(t *testing.T) {
			e, _ := cat.Lookup("iszr", code)
			popis := "AIS 999003 nesmí jednat za OVM 12345678 <&> " + strings.Repeat("ř", 2000)
			body := Answer(e.Response, "CHYBA", "NENI OPRAVNENI EGON", popis, "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11", now)
			if code == "E100" {
				body = AnswerAsync(e.Response, "E278", "CHYBA", "NENI OPRAVNENI EGON", popis, "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11", now)
			}
			xsdcheck.ValidateBody(t, body, code)
			st := ReadStatus(body)
			if st.Kod != "CHYBA" || st.SubKod != "NENI OPRAVNENI EGON" {
				t.Fatalf("status %v", st)
			}
		})
	}
}

func TestAnswerReplacesInvalidRequestID(t *testing.T) {
	body := string(Answer(xml.Name{Space: "urn:x", Local: "XResponse"}, "CHYBA", "NEVALIDNI DATA", "", "not-a-uuid", time.Now()))
	if !strings.Contains(body, "00000000-0000-0000-0000-000000000000") || strings.Contains(body, "not-a-uuid") {
		t.Fatal(body)
	}
}

func TestReadStatus(t *testing.T) {
	tests := []struct {
		name, body string
		want       Status
	}{
		{"ok", `<r xmlns:reg="` + NSReg + `"><reg:Status><reg:VysledekKod>OK</reg:VysledekKod></reg:Status></r>`, Status{Kod: "OK"}},
		{"first-detail-only", `<r xmlns:reg="` + NSReg + `"><reg:Status><reg:VysledekKod>CHYBA</reg:VysledekKod><reg:VysledekDetail><reg:VysledekSubKod>AIFO NEEXISTUJE</reg:VysledekSubKod></reg:VysledekDetail><reg:VysledekDetail><reg:VysledekSubKod>X</reg:VysledekSubKod></reg:VysledekDetail></reg:Status></r>`, Status{Kod: "CHYBA", SubKod: "AIFO NEEXISTUJE"}},
		{"other-namespace-ignored", `<r><Status><VysledekKod>OK</VysledekKod></Status></r>`, Status{}},
		{"garbage", `not xml`, Status{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReadStatus([]byte(tc.body)); got != tc.want {
				t.Fatalf("got %+v", got)
			}
		})
	}
}
