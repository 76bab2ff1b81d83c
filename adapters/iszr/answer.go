package iszr

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"time"
)

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Answer writes an eGON answer that carries only OdpovedInfo with the
// given status, in the response element of the service: what ISZR sends
// when it refuses or cannot serve a call. Popis is cut to the schema's
// 1024 characters.
func Answer(response xml.Name, kod, subKod, popis, agendaZadostID string, now time.Time) []byte {
	return answer(response, "", kod, subKod, popis, agendaZadostID, now)
}

// AnswerAsync is Answer for E100 (IszrAsyncOdpovedZFronty), whose answer
// starts with KodAsyncSluzby and carries OdpovedInfo in the service's own
// namespace.
func AnswerAsync(response xml.Name, kodAsyncSluzby, kod, subKod, popis, agendaZadostID string, now time.Time) []byte {
	if kodAsyncSluzby == "" {
		kodAsyncSluzby = "E00"
	}
	return answer(response, kodAsyncSluzby, kod, subKod, popis, agendaZadostID, now)
}

func answer(response xml.Name, kodAsync, kod, subKod, popis, agendaZadostID string, now time.Time) []byte {
	info := "abs:OdpovedInfo"
	if kodAsync != "" {
		info = "s:OdpovedInfo"
	}
	var b bytes.Buffer
	b.Grow(1024 + len(popis))
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	b.WriteString(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><s:`)
	b.WriteString(response.Local)
	b.WriteString(` xmlns:s="`)
	esc(&b, response.Space)
	b.WriteString(`" xmlns:abs="` + NSAbstract + `" xmlns:reg="` + NSReg + `">`)
	if kodAsync != "" {
		b.WriteString(`<s:KodAsyncSluzby>`)
		esc(&b, kodAsync)
		b.WriteString(`</s:KodAsyncSluzby>`)
	}
	b.WriteString(`<` + info + `><reg:CasOdpovedi>`)
	b.WriteString(now.Format("2006-01-02T15:04:05.000Z07:00"))
	b.WriteString(`</reg:CasOdpovedi><reg:Status><reg:VysledekKod>`)
	esc(&b, kod)
	b.WriteString(`</reg:VysledekKod>`)
	if subKod != "" {
		b.WriteString(`<reg:VysledekDetail><reg:VysledekSubKod>`)
		esc(&b, subKod)
		b.WriteString(`</reg:VysledekSubKod>`)
		if popis != "" {
			b.WriteString(`<reg:VysledekPopis>`)
			esc(&b, truncateRunes(popis, 1024))
			b.WriteString(`</reg:VysledekPopis>`)
		}
		b.WriteString(`</reg:VysledekDetail>`)
	}
	b.WriteString(`</reg:Status><reg:AgendaZadostId>`)
	if !uuidRE.MatchString(agendaZadostID) {
		agendaZadostID = "00000000-0000-0000-0000-000000000000"
	}
	esc(&b, agendaZadostID)
	b.WriteString(`</reg:AgendaZadostId></` + info + `></s:`)
	b.WriteString(response.Local)
	b.WriteString(`></soap:Body></soap:Envelope>`)
	return b.Bytes()
}

func esc(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
