package sim_test

import (
	"slices"
	"strings"
	"testing"

	"konektor/adapters/cuzk/sim"
)

func TestDejMBRParcel(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	r := s.call(t, "informace", "dejMBRParcel", "WSTEST",
		req("informace", "DejMBRParcelRequest", "<v:parcelaId>2850901306</v:parcelaId><v:parcelaId>2850912306</v:parcelaId>"))
	mbrs := r.payload.Child("infoList").Child("MBRList").All("MBR")
	if len(mbrs) != 2 || !slices.Equal(r.codes(), []int{0}) {
		t.Fatalf("%v\n%s", r.codes(), r.body)
	}
	env := mbrs[0].Child("boundedBy").Child("Envelope")
	if env == nil || env.Value("lowerCorner") != "778412 1150831" || env.Value("upperCorner") != "778449 1150866" {
		t.Fatalf("envelope:\n%s", r.body)
	}
	if typ, _ := mbrs[0].Child("IDList").AttrValue("typ"); typ != "PAR_S" {
		t.Fatalf("IDList typ %q", typ)
	}
	if mbrs[1].Child("boundedBy").Child("Null") == nil || mbrs[1].Child("boundedBy").Name.Space != "http://www.opengis.net/gml/3.2" {
		t.Fatalf("parcel without geometry:\n%s", r.body)
	}
	unknown := s.call(t, "informace", "dejMBRParcel", "WSTEST",
		req("informace", "DejMBRParcelRequest", "<v:parcelaId>2850901306</v:parcelaId><v:parcelaId>5</v:parcelaId><v:parcelaId>6</v:parcelaId>"))
	if !slices.Equal(unknown.codes(), []int{304}) || !strings.Contains(string(unknown.body), "5, 6") || unknown.payload.Child("infoList") != nil {
		t.Fatalf("unknown ids: %v\n%s", unknown.codes(), unknown.body)
	}
	dup := s.call(t, "informace", "dejMBRParcel", "WSTEST",
		req("informace", "DejMBRParcelRequest", "<v:parcelaId>2850901306</v:parcelaId><v:parcelaId>2850901306</v:parcelaId>"))
	if !slices.Equal(dup.codes(), []int{404}) {
		t.Fatalf("duplicates: %v", dup.codes())
	}
}

func TestDejNahledLV(t *testing.T) {
	tests := []struct {
		name, user, payload string
		codes               []int
		lvCislo             string
		owners, parcels     int
	}{
		{name: "free-account-by-id", user: "WSTESTB", payload: "<v:lvId>807841306</v:lvId>", codes: []int{0}, lvCislo: "352", owners: 1, parcels: 3},
		{name: "free-account-by-number", user: "WSTESTB", payload: "<v:katuzeKod>693936</v:katuzeKod><v:lvCislo>138</v:lvCislo>", codes: []int{0}, lvCislo: "138", owners: 1, parcels: 3},
		{name: "verifying-account", user: "WSTESTO", payload: "<v:lvId>807790306</v:lvId>", codes: []int{0}, lvCislo: "73", owners: 2, parcels: 1},
		{name: "paying-account-refused", user: "WSTEST", payload: "<v:lvId>807841306</v:lvId>", codes: []int{207}},
		{name: "unknown-lv", user: "WSTESTB", payload: "<v:lvId>1</v:lvId>", codes: []int{304}},
		{name: "unknown-ku", user: "WSTESTB", payload: "<v:katuzeKod>999998</v:katuzeKod><v:lvCislo>1</v:lvCislo>", codes: []int{302}},
		{name: "both-ways", user: "WSTESTB", payload: "<v:katuzeKod>693936</v:katuzeKod><v:lvCislo>352</v:lvCislo><v:lvId>807841306</v:lvId>", codes: []int{321}},
		{name: "number-without-lv", user: "WSTESTB", payload: "<v:katuzeKod>693936</v:katuzeKod>", codes: []int{107}},
	}
	s := newSandbox(t, sim.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.call(t, "informace", "dejNahledLV", tt.user, req("informace", "DejNahledLVRequest", tt.payload))
			if !slices.Equal(r.codes(), tt.codes) {
				t.Fatalf("codes %v\n%s", r.codes(), r.body)
			}
			if tt.lvCislo == "" {
				if r.payload.Child("LV") != nil {
					t.Fatal("LV in a refusal")
				}
				return
			}
			if path(r.payload, "LV", "lvCislo") != tt.lvCislo || len(r.payload.All("OS")) != tt.owners || len(r.payload.All("parcela")) != tt.parcels {
				t.Fatalf("LV %s, %d owners, %d parcels\n%s", path(r.payload, "LV", "lvCislo"), len(r.payload.All("OS")), len(r.payload.All("parcela")), r.body)
			}
		})
	}
}

func TestDejInfoOJednotce(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	byID := s.call(t, "informace", "dejInfoOJednotce", "WSTESTB", req("informace", "DejInfoOJednotceRequest", "<v:idJednotky>3310001306</v:idJednotky>"))
	if !slices.Equal(byID.codes(), []int{0}) || path(byID.payload, "LV", "lvCislo") != "360" || byID.payload.Child("jednotka").Value("zpuVyNazev") != "byt" ||
		byID.payload.All("OS")[0].Value("vlastnikTyp") != "BSM" {
		t.Fatalf("%s", byID.body)
	}
	byNumber := s.call(t, "informace", "dejInfoOJednotce", "WSTESTB", req("informace", "DejInfoOJednotceRequest",
		"<v:castObceKod>93939</v:castObceKod><v:stavbaTypKod>1</v:stavbaTypKod><v:stavbaCislo>41</v:stavbaCislo><v:jednotkaCislo>2</v:jednotkaCislo>"))
	if path(byNumber.payload, "jednotka", "idJednotky") != "3310002306" {
		t.Fatalf("%s", byNumber.body)
	}
	if r := s.call(t, "informace", "dejInfoOJednotce", "WSTEST", req("informace", "DejInfoOJednotceRequest", "<v:idJednotky>3310001306</v:idJednotky>")); !slices.Equal(r.codes(), []int{207}) {
		t.Fatalf("paying account: %v", r.codes())
	}
}
