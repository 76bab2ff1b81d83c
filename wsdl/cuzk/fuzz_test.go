package cuzk_test

import (
	"bytes"
	"testing"

	"konektor/wsdl/cuzk"
)

// FuzzParseCheck feeds arbitrary bytes to Parse and, when they parse, to
// Check and Bytes: no panic, no hang, and what Bytes writes parses again.
func FuzzParseCheck(f *testing.F) {
	seeds := []string{
		`<NajdiParceluRequest xmlns="http://katastr.cuzk.cz/vyhledat/types/v2.8"><parcelaId>2850901306</parcelaId></NajdiParceluRequest>`,
		`<GenerujLVRequest xmlns="http://katastr.cuzk.cz/sestavy/types/v2.8"><lvId>1</lvId><format>xml</format><cisloJednaci>X</cisloJednaci><ucelKod>5</ucelKod></GenerujLVRequest>`,
		`<SeznamKURequest xmlns="http://katastr.cuzk.cz/ciselnik/types/v2.8"><kde><nazevKU><obsahuje>Jáma%</obsahuje></nazevKU></kde></SeznamKURequest>`,
		`<SeznamKrajuResponse xmlns="http://katastr.cuzk.cz/ciselnik/types/v2.8" xmlns:ct="http://katastr.cuzk.cz/commonTypes/v2.8"><vysledek><ct:zprava kod="0" uroven="INFORMACE">OK</ct:zprava></vysledek></SeznamKrajuResponse>`,
		`<!DOCTYPE r><r/>`,
		`<p:r xmlns:p="urn:a"><p:x xmlns:p="urn:b"/></p:r>`,
		`<?xml version="1.0" encoding="windows-1250"?><r/>`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := cuzk.Parse(bytes.NewReader(data), cuzk.Limits{MaxBytes: 1 << 16, MaxDepth: 32, MaxElements: 2000})
		if err != nil {
			return
		}
		_ = cuzk.Check(e)
		out := e.Bytes()
		if _, err := cuzk.Parse(bytes.NewReader(out), cuzk.Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxElements: 2000}); err != nil {
			t.Fatalf("Bytes wrote what Parse rejects: %v\nin:  %q\nout: %q", err, data, out)
		}
	})
}
