package sim_test

import (
	"bytes"
	"testing"
	"time"

	"konektor/wsdl/iszr"
)

func TestAsyncQueue(t *testing.T) {
	s, clk := newServer(t)
	search := call{code: "E278", async: true, items: "Jmeno Prijmeni", payload: e278Payload(``, `<rod:Prijmeni>NOVÁKOVÁ</rod:Prijmeni>`)}
	ack := do(t, s, search)
	expect(t, ack, "E278", "OK", "")
	id := ack.text("OdpovedInfo", "IszrZadostId")
	if id == "" || ack.root.Child("RobOdpoved") != nil || len(ack.root.Children) != 1 {
		t.Fatalf("the acknowledgement must hold only OdpovedInfo with IszrZadostId:\n%s", ack.body)
	}
	// A second async call (E256) queues behind it.
	ack2 := do(t, s, call{code: "E256", async: true, payload: e256Payload("27182819")})
	expect(t, ack2, "E256", "OK", "")

	// Before AsyncDelay: nothing listed, E100 says PROBIHA ZPRACOVANI.
	expectQueue(t, do(t, s, call{code: "E99"}))
	clk.Add(10 * time.Second)
	wait := do(t, s, call{code: "E100", kodAsync: "E278", payload: e100Payload(id)})
	expect(t, wait, "E100", "VAROVANI", "PROBIHA ZPRACOVANI")
	if got := wait.text("OdpovedInfo", "CekaciCas"); got != "20" {
		t.Errorf("CekaciCas = %q, want 20 (seconds left)", got)
	}
	if got := wait.text("KodAsyncSluzby"); got != "E278" {
		t.Errorf("KodAsyncSluzby = %q", got)
	}

	// After AsyncDelay: both listed in order, E100 hands out the answer.
	clk.Add(20 * time.Second)
	expectQueue(t, do(t, s, call{code: "E99"}), id, ack2.text("OdpovedInfo", "IszrZadostId"))
	from2 := do(t, s, call{code: "E99", payload: `<svc:Zadost><svc:IszrAsyncVypisFrontyData><svc:IdTransakceOd>2</svc:IdTransakceOd></svc:IszrAsyncVypisFrontyData></svc:Zadost>`})
	expectQueue(t, from2, ack2.text("OdpovedInfo", "IszrZadostId"))

	for _, kod := range []string{"E100", "E278", "IszrRobCtiPodleUdaju2"} {
		got := do(t, s, call{code: "E100", kodAsync: kod, payload: e100Payload(id)})
		expect(t, got, "E100", "OK", "")
		stored := got.root.Path("IszrOdpoved", "IszrAsyncOdpovedZFrontyDataResponse", "AsyncDotazDataResponse", "RobCtiPodleUdaju2Response")
		if stored == nil || stored.Name.Space != iszr.SchemaNS("IszrRobCtiPodleUdaju2") {
			t.Fatalf("KodAsyncSluzby %s: no stored E278 answer:\n%s", kod, got.body)
		}
		if n := len(got.all("Osoba")); n != 2 {
			t.Errorf("stored answer has %d persons, want 2", n)
		}
		// The stored answer itself is a valid E278 answer.
		xsdcheckStored(t, stored)
	}
	// The wrong service name does not find it; neither does another AIS.
	expect(t, do(t, s, call{code: "E100", kodAsync: "E256", payload: e100Payload(id)}), "E100", "CHYBA", "NENALEZENO")
	expect(t, do(t, s, call{code: "E100", cn: connectorCN, ais: "999003", payload: e100Payload(id)}), "E100", "CHYBA", "NENI OPRAVNENI EGON")

	// Answers expire after a day.
	clk.Add(24 * time.Hour)
	now := clk.Now().Format(timeLayout)
	expectQueue(t, do(t, s, call{code: "E99", cas: now}))
	expect(t, do(t, s, call{code: "E100", cas: now, payload: e100Payload(id)}), "E100", "CHYBA", "NENALEZENO")
}

func TestAsyncListPages(t *testing.T) {
	s, clk := newServer(t)
	for i := 0; i < 101; i++ {
		if a := do(t, s, call{code: "E256", async: true, payload: e256Payload("27182819")}); a.kod() != "OK" {
			t.Fatalf("async call %d: %s", i, a.body)
		}
	}
	clk.Add(time.Minute)
	a := do(t, s, call{code: "E99"})
	expect(t, a, "E99", "OK", "")
	st := a.root.Path("IszrOdpoved", "IszrAsyncVypisFrontyDataResponse", "IszrAplikacniStatus")
	if st.Child("VypisPokracuje").Text != "true" || st.Child("NasledujiciIdTransakce").Text != "101" {
		t.Fatalf("IszrAplikacniStatus = %s", st.Bytes())
	}
	if n := len(a.all("PolozkaFronty")); n != 100 {
		t.Fatalf("%d items on the first page, want 100", n)
	}
}

// expectQueue checks an E99 answer lists exactly ids, in order.
func expectQueue(t *testing.T, a answer, ids ...string) {
	t.Helper()
	expect(t, a, "E99", "OK", "")
	items := a.all("PolozkaFronty")
	if len(items) != len(ids) {
		t.Fatalf("queue lists %d answers, want %d:\n%s", len(items), len(ids), a.body)
	}
	for i, it := range items {
		if got := it.Child("IszrZadostId").Text; got != ids[i] {
			t.Errorf("item %d: IszrZadostId %s, want %s", i, got, ids[i])
		}
		if it.Child("CasExpirace") == nil || it.Child("KodAsyncSluzby") == nil {
			t.Errorf("item %d incomplete: %s", i, it.Bytes())
		}
	}
}

func xsdcheckStored(t *testing.T, stored *iszr.Element) {
	t.Helper()
	var env bytes.Buffer
	env.WriteString(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`)
	env.Write(stored.Bytes())
	env.WriteString(`</s:Body></s:Envelope>`)
	validate(t, env.Bytes(), "E278")
}
