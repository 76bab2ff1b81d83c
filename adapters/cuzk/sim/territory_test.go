package sim_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"konektor/adapters/cuzk/sim"
	"konektor/internal/xsdcheck"
)

func TestBuiltinTerritory(t *testing.T) {
	tr := sim.BuiltinTerritory()
	if len(tr.Kraje) != 14 || len(tr.Okresy) != 77 || len(tr.Obce) != 65 || len(tr.KU) != 228 || len(tr.Casti) != 272 {
		t.Fatalf("%d kraje, %d okresy, %d obce, %d k.ú., %d části", len(tr.Kraje), len(tr.Okresy), len(tr.Obce), len(tr.KU), len(tr.Casti))
	}
	tests := []struct {
		name string
		ok   bool
		got  string
		want string
	}{
		{name: "ku-jama", got: func() string { k, _ := tr.KUOf(693936); return k.Nazev }(), want: "Jáma"},
		{name: "obec-micovice", got: func() string { o, _ := tr.ObecOf(550426); return o.Nazev }(), want: "Mičovice"},
		{name: "okres-prachatice-kraj", got: func() string { o, _ := tr.OkresOf(3306); k, _ := tr.KrajOf(o.NKraj); return k.Nazev }(), want: "Jihočeský"},
		{name: "cast-obce-jama", got: func() string { c, _ := tr.CastOf(93939); return c.Nazev }(), want: "Jáma"},
		{name: "praha-okres", got: func() string { o, _ := tr.OkresOf(3100); return o.Nazev }(), want: "Hlavní město Praha"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("%q, want %q", tt.got, tt.want)
			}
		})
	}
	if _, ok := tr.ObecOf(554782); ok {
		t.Error("Praha is outside the built-in municipalities")
	}
}

const obceCSV = "KOD;NAZEV;STATUS_KOD;POU_KOD;OKRES_KOD;CLENENI_SM_ROZSAH_KOD;CLENENI_SM_TYP_KOD;PLATI_OD;PLATI_DO;DATUM_VZNIKU\r\n" +
	"550426;Mičovice;2;884;3306;;;13.04.2024 00:00:00;;01.07.1990 00:00:00\r\n" +
	"999991;Zaniklá;2;884;3306;;;01.01.2000 00:00:00;01.01.2010 00:00:00;\r\n" +
	"554782;Praha;5;19;9999;;;01.01.2000 00:00:00;;\r\n"

const kuCSV = "KOD;NAZEV;OBEC_KOD;PLATI_OD;PLATI_DO;DATUM_VZNIKU\r\n" +
	"693936;Jáma;550426;01.07.2011 00:00:00;;\r\n" +
	"727181;Staré Město;554782;01.07.2011 00:00:00;;\r\n" +
	"600001;Zrušené;550426;01.07.2011 00:00:00;01.01.2015 00:00:00;\r\n"

const pscCSV = "kodcobce,nazcobce,psc,kodobce,nazobce,kodokresu,nazokresu,kodkraj,nazevkraj,kodmomc,nazmomc,kodpobvod,nazpobvod\n" +
	"93939,Jáma,38301,550426,Mičovice,3306,Prachatice,35,Jihočeský,,,,\n" +
	"93939,Jáma,38302,550426,Mičovice,3306,Prachatice,35,Jihočeský,,,,\n" +
	"490067,Staré Město,11000,554782,Praha,3100,Hlavní město Praha,19,Hlavní město Praha,,,,\n" +
	"111111,Jinde,12345,777777,Neznámá,3306,Prachatice,35,Jihočeský,,,,\n"

// cp1250 encodes the Czech letters of the fixtures as Windows-1250.
var cp1250 = strings.NewReplacer("á", "\xe1", "č", "\xe8", "é", "\xe9", "ě", "\xec", "í", "\xed", "Č", "\xc8", "Ž", "\xae", "ž", "\x9e", "Š", "\x8a", "š", "\x9a", "ř", "\xf8", "ů", "\xf9", "ú", "\xfa")

func TestLoadTerritory(t *testing.T) {
	tests := []struct {
		name      string
		files     func() sim.CodeListFiles
		obce, kus int
		casti     int
		wantErr   string
	}{
		{name: "utf8-with-postcodes", files: func() sim.CodeListFiles {
			return sim.CodeListFiles{Obce: strings.NewReader(obceCSV), KU: strings.NewReader(kuCSV), PSC: strings.NewReader(pscCSV)}
		}, obce: 2, kus: 2, casti: 2},
		{name: "cp1250-without-postcodes", files: func() sim.CodeListFiles {
			return sim.CodeListFiles{Obce: strings.NewReader(cp1250.Replace(obceCSV)), KU: strings.NewReader(cp1250.Replace(kuCSV))}
		}, obce: 2, kus: 2, casti: 0},
		{name: "utf8-bom", files: func() sim.CodeListFiles {
			return sim.CodeListFiles{Obce: strings.NewReader("\xef\xbb\xbf" + obceCSV), KU: strings.NewReader(kuCSV)}
		}, obce: 2, kus: 2},
		{name: "missing-file", files: func() sim.CodeListFiles { return sim.CodeListFiles{Obce: strings.NewReader(obceCSV)} }, wantErr: "required"},
		{name: "missing-column", files: func() sim.CodeListFiles {
			return sim.CodeListFiles{Obce: strings.NewReader("KOD;NAZEV\r\n1;x\r\n"), KU: strings.NewReader(kuCSV)}
		}, wantErr: "column STATUS_KOD missing"},
		{name: "bad-code", files: func() sim.CodeListFiles {
			return sim.CodeListFiles{Obce: strings.NewReader(strings.Replace(obceCSV, "550426;", "abc;", 1)), KU: strings.NewReader(kuCSV)}
		}, wantErr: "bad record"},
		{name: "ku-of-unknown-obec", files: func() sim.CodeListFiles {
			return sim.CodeListFiles{Obce: strings.NewReader(obceCSV), KU: strings.NewReader(kuCSV + "600002;Sirotek;123456;;;\r\n")}
		}, wantErr: "unknown obec 123456"},
		{name: "obec-of-unknown-okres", files: func() sim.CodeListFiles {
			return sim.CodeListFiles{Obce: strings.NewReader(obceCSV + "500001;Nikde;2;1;1234;;;;;\r\n"), KU: strings.NewReader(kuCSV)}
		}, wantErr: "unknown okres 1234"},
		{name: "short-record", files: func() sim.CodeListFiles {
			return sim.CodeListFiles{Obce: strings.NewReader(obceCSV + "500002;Krátká\r\n"), KU: strings.NewReader(kuCSV)}
		}, wantErr: "column STATUS_KOD missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := sim.LoadTerritory(tt.files())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Obce) != tt.obce || len(tr.KU) != tt.kus || len(tr.Casti) != tt.casti {
				t.Fatalf("%d obce, %d k.ú., %d části", len(tr.Obce), len(tr.KU), len(tr.Casti))
			}
			if o, _ := tr.ObecOf(550426); o.Nazev != "Mičovice" {
				t.Fatalf("decoded name %q", o.Nazev)
			}
			if _, ok := tr.ObecOf(999991); ok {
				t.Fatal("abolished municipality loaded")
			}
		})
	}
}

// TestLoadPublicCodeLists reads the full public lists from the reference
// folder (skipped where it is absent) and serves them.
func TestLoadPublicCodeLists(t *testing.T) {
	dir := filepath.Join(filepath.Dir(filepath.Dir(xsdcheck.CUZKReferenceDir(t))), "data")
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Skipf("code list %s: %v", name, err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	tr, err := sim.LoadTerritory(sim.CodeListFiles{Obce: open("UI_OBEC.csv"), KU: open("UI_KATASTRALNI_UZEMI.csv"), PSC: open("psc-list.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Obce) < 6000 || len(tr.KU) < 13000 || len(tr.Kraje) != 14 || len(tr.Okresy) < 76 {
		t.Fatalf("%d obce, %d k.ú., %d kraje, %d okresy", len(tr.Obce), len(tr.KU), len(tr.Kraje), len(tr.Okresy))
	}
	s := newSandbox(t, sim.Options{Territory: tr})
	r := s.call(t, "ciselnik", "seznamKU", "WSTEST", req("ciselnik", "SeznamKURequest", "<v:kde><v:kodObce><v:odpovida>582786</v:odpovida></v:kodObce></v:kde>"))
	if n := len(r.payload.All("katastralniUzemi")); n < 40 {
		t.Fatalf("Brno has %d k.ú.", n)
	}
	if !bytes.Contains(r.body, []byte("Brno")) {
		t.Fatal("no Brno k.ú.")
	}
}
