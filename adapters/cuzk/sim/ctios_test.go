package sim_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"konektor/adapters/cuzk/sim"
)

func TestCtiOS(t *testing.T) {
	key := make([]byte, 32)
	s := newSandbox(t, sim.Options{POSIdentKey: key})
	now := s.clock.Now()
	valid := s.POSIdent(sim.SampleOwner, now.Add(time.Hour))
	bsm := s.POSIdent(sim.SampleSJM, now.Add(time.Hour))
	expired := s.POSIdent(sim.SampleOwner, now.Add(-time.Second))
	unknown := s.POSIdent("424242", now.Add(time.Hour))
	other, _ := sim.New(sim.Options{Now: s.clock.Now, POSIdentKey: []byte(strings.Repeat("k", 32))})
	foreign := other.POSIdent(sim.SampleOwner, now.Add(time.Hour))
	payload := ""
	for _, p := range []string{valid, bsm, expired, unknown, foreign, "nesmysl"} {
		payload += "<v:pOSIdent>" + p + "</v:pOSIdent>"
	}
	r := s.call(t, "ctios", "ctios", "WSTEST", req("ctios", "CtiOsRequest", payload))
	if !slices.Equal(r.codes(), []int{0}) {
		t.Fatalf("%v", r.codes())
	}
	os := r.payload.Child("osList").All("os")
	if len(os) != 6 {
		t.Fatalf("%d results\n%s", len(os), r.body)
	}
	d := os[0].Child("osDetail")
	if os[0].Value("pOSIdent") != valid || os[0].Value("osId") != sim.SampleOwner || d.Value("rodneCislo") != sim.SampleOwnerRC ||
		d.Value("prijmeni") != "Nováková" || d.Value("prijmeniU") != "Novakova" || d.Value("stavDat") != "0" || d.Value("opsubType") != "OFO" {
		t.Fatalf("valid identifier:\n%s", r.body)
	}
	if b := os[1].Child("osDetail"); b.Value("partnerBsm1") != sim.SampleUnitsOwnerA || b.Value("opsubType") != "BSM" {
		t.Fatalf("BSM:\n%s", r.body)
	}
	for i, want := range []string{"", "", sim.POSExpirovany, sim.POSNeexistuje, sim.POSNeplatny, sim.POSNeplatny} {
		if got := os[i].Value("chybaPOSIdent"); got != want {
			t.Errorf("identifier %d: %q, want %q", i, got, want)
		}
	}
	if e := os[2].Child("osId"); e != nil {
		t.Error("an expired identifier disclosed the person")
	}
}

func TestCtiOSLimit(t *testing.T) {
	s := newSandbox(t, sim.Options{})
	tok := s.POSIdent(sim.SampleOwner, s.clock.Now().Add(time.Hour))
	payload := strings.Repeat("<v:pOSIdent>"+tok+"</v:pOSIdent>", sim.MaxPOSIdents+1)
	r := s.call(t, "ctios", "ctios", "WSTEST", req("ctios", "CtiOsRequest", payload))
	if !slices.Equal(r.codes(), []int{524}) || r.payload.Child("osList") != nil {
		t.Fatalf("%v", r.codes())
	}
	ok := s.call(t, "ctios", "ctios", "WSTEST", req("ctios", "CtiOsRequest", strings.Repeat("<v:pOSIdent>"+tok+"</v:pOSIdent>", sim.MaxPOSIdents)))
	if len(ok.payload.Child("osList").All("os")) != sim.MaxPOSIdents {
		t.Fatal("100 identifiers not answered")
	}
}

func TestPOSIdentKey(t *testing.T) {
	if _, err := sim.New(sim.Options{POSIdentKey: []byte("short")}); err == nil {
		t.Fatal("a 5-byte key was accepted")
	}
}
