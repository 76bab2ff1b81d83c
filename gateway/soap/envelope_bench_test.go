package soap

import (
	"strings"
	"testing"

	"konektor/internal/cputime"
)

// envelope5KB is an eGON-shaped request of about 5 KB.
func envelope5KB() []byte {
	var b strings.Builder
	b.WriteString(`<soapenv:Envelope xmlns:soapenv="` + NS11 + `"><soapenv:Body><e:RobCtiPodleUdaju2 xmlns:e="urn:cz:isvs:iszr:schemas:IszrRobCtiPodleUdaju2:v1" xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1" xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1">`)
	b.WriteString(`<abs:ZadostInfo><reg:CasZadosti>2026-11-23T10:00:00.000Z</reg:CasZadosti><reg:Agenda>X999</reg:Agenda><reg:AgendovaRole>XR2</reg:AgendovaRole><reg:Ovm>12345678</reg:Ovm><reg:Ais>999002</reg:Ais><reg:AgendaZadostId>6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11</reg:AgendaZadostId></abs:ZadostInfo>`)
	for b.Len() < 5000 {
		b.WriteString(`<e:Kriterium><e:Jmeno>Marek</e:Jmeno><e:Prijmeni>Rolnička</e:Prijmeni><e:DatumNarozeni>1970-01-01</e:DatumNarozeni></e:Kriterium>`)
	}
	b.WriteString(`</e:RobCtiPodleUdaju2></soapenv:Body></soapenv:Envelope>`)
	return []byte(b.String())
}

func BenchmarkParse5KB(b *testing.B) {
	raw := envelope5KB()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	cpu := cputime.Start()
	for b.Loop() {
		if _, err := Parse(raw, DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
	cpu.ReportPerOp(b)
}

// BenchmarkParse5KBReference is the encoding/xml-based Parse this package
// used before the byte-level scanner, for comparison.
func BenchmarkParse5KBReference(b *testing.B) {
	raw := envelope5KB()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	cpu := cputime.Start()
	for b.Loop() {
		if _, err := parseReference(raw, DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
	cpu.ReportPerOp(b)
}
