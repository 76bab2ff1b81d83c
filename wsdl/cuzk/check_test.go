package cuzk_test

import (
	"errors"
	"strings"
	"testing"

	"konektor/wsdl/cuzk"
)

const (
	vyh = `xmlns="http://katastr.cuzk.cz/vyhledat/types/v2.8"`
	ses = `xmlns="http://katastr.cuzk.cz/sestavy/types/v2.8"`
	cis = `xmlns="http://katastr.cuzk.cz/ciselnik/types/v2.8"`
	ct  = `xmlns:ct="http://katastr.cuzk.cz/commonTypes/v2.8"`
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // constraint named in the error; "" = valid
	}{
		{name: "najdi-parcelu-by-id", in: `<NajdiParceluRequest ` + vyh + `><parcelaId>2850901306</parcelaId></NajdiParceluRequest>`},
		{name: "najdi-parcelu-by-number-token-whitespace", in: `<NajdiParceluRequest ` + vyh + `><katastrUzemiKod> 693936 </katastrUzemiKod><kmenoveCislo>77</kmenoveCislo></NajdiParceluRequest>`},
		{name: "id-of-30-digits", in: `<NajdiParceluRequest ` + vyh + `><parcelaId>999999999999999999999999999999</parcelaId></NajdiParceluRequest>`},
		{name: "id-of-31-digits", in: `<NajdiParceluRequest ` + vyh + `><parcelaId>1000000000000000000000000000000</parcelaId></NajdiParceluRequest>`, want: "cvc-pattern-valid"},
		{name: "id-zero", in: `<NajdiParceluRequest ` + vyh + `><parcelaId>0</parcelaId></NajdiParceluRequest>`, want: "cvc-pattern-valid"},
		{name: "unknown-element", in: `<NajdiParceluRequest ` + vyh + `><lvId>1</lvId></NajdiParceluRequest>`, want: "cvc-complex-type.2.4.a"},
		{name: "wrong-namespace", in: `<NajdiParceluRequest ` + vyh + `><parcelaId xmlns="urn:x">1</parcelaId></NajdiParceluRequest>`, want: "cvc-complex-type.2.4.a"},
		{name: "out-of-order", in: `<NajdiParceluRequest ` + vyh + `><kmenoveCislo>77</kmenoveCislo><katastrUzemiKod>693936</katastrUzemiKod></NajdiParceluRequest>`, want: "cvc-complex-type.2.4.a"},
		{name: "repeated", in: `<NajdiParceluRequest ` + vyh + `><parcelaId>1</parcelaId><parcelaId>2</parcelaId></NajdiParceluRequest>`, want: "cvc-complex-type.2.4.a"},
		{name: "unknown-root", in: `<NajdiListRequest ` + vyh + `/>`, want: "cvc-elt.1"},
		{name: "text-in-element-only", in: `<NajdiParceluRequest ` + vyh + `>x<parcelaId>1</parcelaId></NajdiParceluRequest>`, want: "cvc-complex-type.2.3"},
		{name: "child-in-simple", in: `<NajdiParceluRequest ` + vyh + `><parcelaId><a/></parcelaId></NajdiParceluRequest>`, want: "cvc-type.3.1.2"},
		{name: "undeclared-attribute", in: `<NajdiParceluRequest ` + vyh + ` foo="1"/>`, want: "cvc-complex-type.3.2.2"},
		{name: "najdi-os-name-too-short", in: `<NajdiOSRequest ` + vyh + `><prijmeni>N</prijmeni></NajdiOSRequest>`, want: "cvc-minLength-valid"},
		{name: "najdi-os-date", in: `<NajdiOSRequest ` + vyh + `><prijmeni>Nováková</prijmeni><datumNarozeni>1970-01-31</datumNarozeni></NajdiOSRequest>`},
		{name: "najdi-os-bad-date", in: `<NajdiOSRequest ` + vyh + `><datumNarozeni>31.1.1970</datumNarozeni></NajdiOSRequest>`, want: "cvc-pattern-valid"},
		{name: "generuj-lv-missing-format", in: `<GenerujLVRequest ` + ses + `><lvId>807841306</lvId></GenerujLVRequest>`, want: "cvc-complex-type.2.4.b"},
		{name: "generuj-lv-bad-format", in: `<GenerujLVRequest ` + ses + `><lvId>807841306</lvId><format>doc</format></GenerujLVRequest>`, want: "cvc-enumeration-valid"},
		{name: "generuj-lv-free-account", in: `<GenerujLVRequest ` + ses + `><lvId>807841306</lvId><format>xml</format><cisloJednaci>MUPT-1/2026</cisloJednaci><ucelKod>5</ucelKod></GenerujLVRequest>`},
		{name: "generuj-lv-ucel-over-99", in: `<GenerujLVRequest ` + ses + `><lvId>807841306</lvId><format>xml</format><cisloJednaci>X</cisloJednaci><ucelKod>100</ucelKod></GenerujLVRequest>`, want: "cvc-pattern-valid"},
		{name: "cislo-jednaci-too-long", in: `<GenerujLVRequest ` + ses + `><lvId>1</lvId><format>pdf</format><cisloJednaci>` + strings.Repeat("x", 51) + `</cisloJednaci></GenerujLVRequest>`, want: "cvc-maxLength-valid"},
		{name: "seznam-ku-kde", in: `<SeznamKURequest ` + cis + `><kde><nazevKU><obsahuje>Jáma%</obsahuje></nazevKU></kde></SeznamKURequest>`},
		{name: "seznam-ku-two-branches", in: `<SeznamKURequest ` + cis + `><kde><kodObce><odpovida>550426</odpovida></kodObce><kodKU><odpovida>693936</odpovida></kodKU></kde></SeznamKURequest>`, want: "cvc-complex-type.2.4.a"},
		{name: "seznam-ku-empty-kde", in: `<SeznamKURequest ` + cis + `><kde/></SeznamKURequest>`, want: "cvc-complex-type.2.4.b"},
		{name: "answer-with-zprava", in: `<SeznamKrajuResponse ` + cis + ` ` + ct + ` posledniAktualizaceCiselniku="2024-01-01"><vysledek><ct:zprava kod="0" uroven="INFORMACE">OK</ct:zprava></vysledek><kraj><kod>35</kod><nazev>Jihočeský</nazev></kraj></SeznamKrajuResponse>`},
		{name: "zprava-without-kod", in: `<SeznamKrajuResponse ` + cis + ` ` + ct + `><vysledek><ct:zprava uroven="INFORMACE">OK</ct:zprava></vysledek></SeznamKrajuResponse>`, want: "cvc-complex-type.4"},
		{name: "zprava-bad-uroven", in: `<SeznamKrajuResponse ` + cis + ` ` + ct + `><vysledek><ct:zprava kod="0" uroven="INFO">OK</ct:zprava></vysledek></SeznamKrajuResponse>`, want: "cvc-enumeration-valid"},
		{name: "vysledek-empty", in: `<SeznamKrajuResponse ` + cis + `><vysledek/></SeznamKrajuResponse>`, want: "cvc-complex-type.2.4.b"},
		{name: "zprava-in-wrong-namespace", in: `<SeznamKrajuResponse ` + cis + `><vysledek><zprava kod="0" uroven="INFORMACE">OK</zprava></vysledek></SeznamKrajuResponse>`, want: "cvc-complex-type.2.4.a"},
		{name: "ctios-base64-free-text", in: `<CtiOsRequest xmlns="http://katastr.cuzk.cz/ctios/types/v2.8"><pOSIdent>any text</pOSIdent></CtiOsRequest>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := cuzk.Parse(strings.NewReader(tt.in), cuzk.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			err = cuzk.Check(e)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("valid message rejected: %v", err)
				}
				return
			}
			var ie *cuzk.InvalidError
			if !errors.As(err, &ie) || !errors.Is(err, cuzk.ErrInvalid) || !strings.HasPrefix(ie.Reason, tt.want) {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
		})
	}
}

// TestContractDeclaresItsOperations ties the operation table to the
// schemas: every operation marked Contract has its request and answer
// declared, and no other operation has.
func TestContractDeclaresItsOperations(t *testing.T) {
	counts := map[string]int{}
	for _, op := range cuzk.Operations() {
		counts[op.Service]++
		req := &cuzk.Element{Name: op.Request}
		err := cuzk.Check(req)
		declared := err == nil || !strings.HasPrefix(err.(*cuzk.InvalidError).Reason, "cvc-elt.1")
		if declared != op.Contract {
			t.Errorf("%s/%s: request declared = %v, Contract = %v (%v)", op.Service, op.Name, declared, op.Contract, err)
		}
		if op.Contract {
			if err := cuzk.Qualify(&cuzk.Element{Name: op.Response}); err != nil {
				t.Errorf("%s/%s: answer %s not declared: %v", op.Service, op.Name, op.Response.Local, err)
			}
		}
		if got, ok := cuzk.Lookup(op.Service, op.Name); !ok || got != op {
			t.Errorf("Lookup(%s, %s) = %+v", op.Service, op.Name, got)
		}
		if got, ok := cuzk.ByRequest(op.Service, op.Request); !ok || got != op {
			t.Errorf("ByRequest(%s, %s) = %+v", op.Service, op.Request.Local, got)
		}
	}
	want := map[string]int{"ciselnik": 33, "vyhledat": 7, "informace": 3, "sestavy": 21, "ucet": 1, "ctios": 1}
	for s, n := range want {
		if counts[s] != n {
			t.Errorf("%s has %d operations, the 2.8 WSDL has %d", s, counts[s], n)
		}
	}
}

func TestActions(t *testing.T) {
	tests := []struct {
		service, op, action string
	}{
		{"vyhledat", "najdiParcelu", "http://katastr.cuzk.cz/vyhledat//najdiParcelu"},
		{"vyhledat", "najdiListinuVeSbirceListin", "http://katastr.cuzk.cz/vyhledat//najdiListinu"},
		{"sestavy", "generujLV", "http://katastr.cuzk.cz/sestavy//generujLV"},
		{"informace", "dejNahledLV", "http://katastr.cuzk.cz/informace/dejNahledLV"},
		{"ciselnik", "seznamKU", "http://katastr.cuzk.cz/ciselnik/seznamKU"},
		{"ctios", "ctios", "http://katastr.cuzk.cz/ctios/ctios"},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			op, ok := cuzk.Lookup(tt.service, tt.op)
			if !ok || op.Action != tt.action {
				t.Fatalf("action %q, want %q", op.Action, tt.action)
			}
		})
	}
	if op, _ := cuzk.Lookup("sestavy", "vratSestavu"); op.Response.Local != "GenerujSestavuResponse" {
		t.Errorf("vratSestavu answers %s", op.Response.Local)
	}
}
