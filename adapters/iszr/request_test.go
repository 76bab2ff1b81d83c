package iszr

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"konektor/gateway/soap"
)

func payloadDoc(t testing.TB, envelope string) []byte {
	t.Helper()
	env, err := soap.Parse([]byte(envelope), soap.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return env.PayloadDocument()
}

func TestReadRequest(t *testing.T) {
	sample := string(FillSample(SampleRosCtiIco2, "2026-11-23T10:00:00.000Z", "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11"))
	noAuth := strings.Replace(sample, sample[strings.Index(sample, "<abs:AutorizaceInfo>"):strings.Index(sample, "<e256:Zadost>")], "", 1)
	emptyItems := strings.Replace(sample, "Ico ObchodniNazev PravniForma AdresaSidla", "", 1)
	withMax := strings.Replace(sample, "<abs:SeznamUdaju>", "<abs:MaximalniPocetZaznamu>5</abs:MaximalniPocetZaznamu><abs:SeznamUdaju>", 1)
	badMax := strings.Replace(sample, "<abs:SeznamUdaju>", "<abs:MaximalniPocetZaznamu>0</abs:MaximalniPocetZaznamu><abs:SeznamUdaju>", 1)
	// Namespaces declared on the Envelope, default namespace for reg.
	onEnvelope := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1"><s:Body>` +
		`<RobCtiAifo xmlns="urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1"><abs:ZadostInfo xmlns="urn:cz:isvs:reg:schemas:RegTypy:v1">` +
		`<Agenda>X999</Agenda><AgendovaRole>XR2</AgendovaRole><Ovm>12345678</Ovm><AgendaZadostId>id</AgendaZadostId></abs:ZadostInfo></RobCtiAifo></s:Body></s:Envelope>`
	// An element named like ZadostInfo but in another namespace is not the header.
	foreign := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x:Op xmlns:x="urn:x"><x:ZadostInfo><x:Ovm>1</x:Ovm></x:ZadostInfo></x:Op></s:Body></s:Envelope>`
	twice := strings.Replace(sample, "</abs:ZadostInfo>", "</abs:ZadostInfo><abs:ZadostInfo/>", 1)
	nested := strings.Replace(sample, "<sdo:Ico>", "<abs:ZadostInfo><reg:Ovm>99999999</reg:Ovm></abs:ZadostInfo><sdo:Ico>", 1)
	tests := []struct {
		name    string
		env     string
		want    Request
		wantErr string
	}{
		{name: "sample", env: sample, want: Request{CasZadosti: "2026-11-23T10:00:00.000Z", Agenda: "X999", AgendovaRole: "XR2", Ovm: "12345678", Ais: "999002",
			Uzivatel: "novak", DuvodUcel: "overeni dodavatele", AgendaZadostId: "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11",
			HasAutorizace: true, SeznamUdaju: []string{"Ico", "ObchodniNazev", "PravniForma", "AdresaSidla"}, SubjectKind: "ico", SubjectID: "00838420"}},
		{name: "no-autorizaceinfo-means-all-items", env: noAuth, want: Request{CasZadosti: "2026-11-23T10:00:00.000Z", Agenda: "X999", AgendovaRole: "XR2", Ovm: "12345678", Ais: "999002",
			Uzivatel: "novak", DuvodUcel: "overeni dodavatele", AgendaZadostId: "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11", SubjectKind: "ico", SubjectID: "00838420"}},
		{name: "empty-seznamudaju-is-not-absent", env: emptyItems, want: Request{CasZadosti: "2026-11-23T10:00:00.000Z", Agenda: "X999", AgendovaRole: "XR2", Ovm: "12345678", Ais: "999002",
			Uzivatel: "novak", DuvodUcel: "overeni dodavatele", AgendaZadostId: "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11", HasAutorizace: true, SeznamUdaju: []string{}, SubjectKind: "ico", SubjectID: "00838420"}},
		{name: "namespaces-from-envelope-and-default", env: onEnvelope, want: Request{Agenda: "X999", AgendovaRole: "XR2", Ovm: "12345678", AgendaZadostId: "id"}},
		{name: "nested-zadostinfo-is-ignored", env: nested, want: Request{CasZadosti: "2026-11-23T10:00:00.000Z", Agenda: "X999", AgendovaRole: "XR2", Ovm: "12345678", Ais: "999002",
			Uzivatel: "novak", DuvodUcel: "overeni dodavatele", AgendaZadostId: "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11",
			HasAutorizace: true, SeznamUdaju: []string{"Ico", "ObchodniNazev", "PravniForma", "AdresaSidla"}, SubjectKind: "ico", SubjectID: "00838420"}},
		{name: "foreign-namespace", env: foreign, wantErr: "no ZadostInfo"},
		{name: "zadostinfo-twice", env: twice, wantErr: "twice"},
		{name: "bad-maximalnipocetzaznamu", env: badMax, wantErr: "MaximalniPocetZaznamu"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadRequest(payloadDoc(t, tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
	got, err := ReadRequest(payloadDoc(t, withMax))
	if err != nil || got.MaximalniPocetZaznamu != 5 {
		t.Fatalf("MaximalniPocetZaznamu: %+v %v", got, err)
	}
	if _, err := ReadRequest(payloadDoc(t, foreign)); !errors.Is(err, ErrNoZadostInfo) {
		t.Fatalf("want ErrNoZadostInfo, got %v", err)
	}
}

func FuzzReadRequest(f *testing.F) {
	f.Add(FillSample(SampleRosCtiIco2, "2026-11-23T10:00:00.000Z", "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11"))
	if b, err := os.ReadFile("../../gateway/pipeline/testdata/e03-999002.xml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, err := soap.Parse(raw, soap.Limits{MaxBytes: 1 << 16, MaxDepth: 32, MaxElements: 2000, MaxAttrs: 16, MaxNameLen: 64})
		if err != nil {
			return
		}
		r, err := ReadRequest(env.PayloadDocument())
		if err != nil {
			return
		}
		for _, v := range []string{r.Agenda, r.Ovm, r.AgendovaRole, r.Uzivatel, r.DuvodUcel} {
			if len(v) > maxField {
				t.Fatalf("field longer than the bound: %d", len(v))
			}
		}
	})
}

func TestReadRequestE100(t *testing.T) {
	env := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
		`<e:IszrAsyncOdpovedZFronty xmlns:e="urn:cz:isvs:iszr:schemas:IszrAsyncOdpovedZFronty:v1" xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1">` +
		`<e:KodAsyncSluzby>E278</e:KodAsyncSluzby><e:ZadostInfo><reg:CasZadosti>2026-11-23T10:00:00Z</reg:CasZadosti><reg:Agenda>X999</reg:Agenda>` +
		`<reg:AgendovaRole>XR2</reg:AgendovaRole><reg:Ovm>12345678</reg:Ovm><reg:AgendaZadostId>id-1</reg:AgendaZadostId></e:ZadostInfo>` +
		`<e:Zadost><e:IszrAsyncOdpovedZFrontyData><e:IszrZadostId>x</e:IszrZadostId></e:IszrAsyncOdpovedZFrontyData></e:Zadost></e:IszrAsyncOdpovedZFronty></s:Body></s:Envelope>`
	r, err := ReadRequest(payloadDoc(t, env))
	if err != nil {
		t.Fatal(err)
	}
	if r.KodAsyncSluzby != "E278" || r.Agenda != "X999" || r.Ovm != "12345678" || r.AgendaZadostId != "id-1" {
		t.Fatalf("got %+v", r)
	}
}
