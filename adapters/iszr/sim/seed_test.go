package sim

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"konektor/internal/xsdcheck"
)

func TestValidIco(t *testing.T) {
	tests := []struct {
		name string
		ico  int
		want bool
	}{
		{"demo-ico", 838420, true},
		{"check-digit-from-remainder-1", 17320500, true},
		{"check-digit-from-remainder-0", 46692011, true},
		{"wrong-check-digit", 27182818, false},
		{"zero", 0, false},
		{"too-long", 123456789, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := validIco(tc.ico); got != tc.want {
				t.Fatalf("validIco(%d) = %v", tc.ico, got)
			}
		})
	}
}

func TestSeedIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range persons {
		b, err := base64.StdEncoding.Strict().DecodeString(p.Aifo)
		if err != nil || len(b) != aifoLen {
			t.Errorf("%s %s: AIFO %q is not 17 bytes of base64", p.Jmeno, p.Prijmeni, p.Aifo)
		}
		if seen[p.Aifo] {
			t.Errorf("AIFO %s used twice", p.Aifo)
		}
		seen[p.Aifo] = true
		if _, ok := findAddress(p.AdresaPobytu); !ok {
			t.Errorf("%s %s lives at unknown address %d", p.Jmeno, p.Prijmeni, p.AdresaPobytu)
		}
		if other := agendaAifo(&p, "X998"); other == p.Aifo || !validAifo(other) {
			t.Errorf("%s %s: AIFO in X998 is %q", p.Jmeno, p.Prijmeni, other)
		}
		for _, d := range []string{p.DatumNarozeni, p.DatumUmrti} {
			if d != "" && !validDate(d) {
				t.Errorf("%s %s: bad date %q", p.Jmeno, p.Prijmeni, d)
			}
		}
	}
	if p, ok := personByAifo(SampleAgenda, SampleAifo); !ok || p.Prijmeni != "ROLNIČKA" || p.AdresaPobytu != SampleAddress {
		t.Errorf("SampleAifo does not name MAREK ROLNIČKA at SampleAddress")
	}
	icos := map[string]bool{}
	for _, e := range entities {
		n, ok := parseIco(e.Ico)
		if !ok || len(e.Ico) != 8 || !validIco(n) {
			t.Errorf("%s: IČO %s fails the mod-11 check", e.Nazev, e.Ico)
		}
		if icos[e.Ico] {
			t.Errorf("IČO %s used twice", e.Ico)
		}
		icos[e.Ico] = true
		if _, ok := findAddress(e.AdresaSidla); !ok {
			t.Errorf("%s: unknown seat %d", e.Nazev, e.AdresaSidla)
		}
	}
	if !icos[SampleIco] {
		t.Error("SampleIco is not in the seed")
	}
	codes := map[int]bool{}
	for _, a := range addresses {
		if codes[a.Kod] {
			t.Errorf("address point %d twice", a.Kod)
		}
		codes[a.Kod] = true
	}
	if !codes[SampleAddress] || !codes[SampleFamilyAddress] {
		t.Error("sample addresses missing")
	}
}

// TestSeedMunicipalitiesAreReal checks municipality codes, names and okres
// codes against the ČÚZK code list UI_OBEC.csv (skipped without it).
func TestSeedMunicipalitiesAreReal(t *testing.T) {
	ref := xsdcheck.ReferenceDir(t)
	f, err := os.Open(filepath.Join(ref, "cuzk", "data", "UI_OBEC.csv"))
	if err != nil {
		t.Skipf("UI_OBEC.csv: %v", err)
	}
	defer f.Close()
	type obec struct {
		name  string
		okres int
	}
	obce := map[int]obec{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c := strings.Split(strings.TrimRight(sc.Text(), "\r"), ";")
		if len(c) < 5 {
			continue
		}
		kod, err1 := strconv.Atoi(c[0])
		okres, err2 := strconv.Atoi(c[4])
		if err1 == nil && err2 == nil {
			obce[kod] = obec{c[1], okres}
		}
	}
	for _, a := range addresses {
		o, ok := obce[a.ObecKod]
		if !ok || o.name != a.ObecNazev {
			t.Errorf("address %d: obec %d %q not in UI_OBEC (%q)", a.Kod, a.ObecKod, a.ObecNazev, o.name)
			continue
		}
		if a.OkresKod != 0 && a.OkresKod != o.okres {
			t.Errorf("address %d: okres %d, UI_OBEC says %d", a.Kod, a.OkresKod, o.okres)
		}
	}
	// Část obce, its name and the postcode, from the PSČ list.
	psc, err := os.ReadFile(filepath.Join(ref, "cuzk", "data", "psc-list.csv"))
	if err != nil {
		t.Fatalf("psc-list.csv: %v", err)
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(string(psc), "\n") {
		c := strings.Split(strings.TrimRight(line, "\r"), ",")
		if len(c) >= 4 {
			rows[strings.Join(c[:4], ",")] = true
		}
	}
	for _, a := range addresses {
		key := fmt.Sprintf("%d,%s,%05d,%d", a.CastObceKod, a.CastObceNazev, a.PSC, a.ObecKod)
		if !rows[key] {
			t.Errorf("address %d: část obce / PSČ %s not in psc-list.csv", a.Kod, key)
		}
	}
	for _, p := range persons {
		if p.MistoNarozeni != 0 {
			if _, ok := obce[p.MistoNarozeni]; !ok {
				t.Errorf("%s %s: birthplace %d not in UI_OBEC", p.Jmeno, p.Prijmeni, p.MistoNarozeni)
			}
		}
	}
}
