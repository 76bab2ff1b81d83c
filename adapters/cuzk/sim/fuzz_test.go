package sim_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"konektor/adapters/cuzk/sim"
)

// FuzzServe sends arbitrary bodies to every service: no panic, and every
// answer is HTTP 200 or a SOAP fault (500), never anything else.
func FuzzServe(f *testing.F) {
	for _, p := range []string{
		najdiParcelu,
		req("ciselnik", "SeznamKURequest", "<v:kde><v:nazevKU><v:obsahuje>J%</v:obsahuje></v:nazevKU></v:kde>"),
		req("sestavy", "GenerujLVRequest", "<v:lvId>807841306</v:lvId><v:format>pdf</v:format>"),
		req("ctios", "CtiOsRequest", "<v:pOSIdent>abc</v:pOSIdent>"),
		req("vyhledat", "NajdiOSRequest", "<v:prijmeni>No</v:prijmeni>"),
	} {
		f.Add([]byte(env("WSTESTB", "WSHESLOB", p)))
	}
	f.Add([]byte(`<!DOCTYPE a><a/>`))
	f.Add([]byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>`))
	s, err := sim.New(sim.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, svc := range []string{"ciselnik", "vyhledat", "informace", "sestavy", "ctios"} {
			path := "/ws/wsdp/2.8/" + svc
			if svc == "ctios" {
				path = "/ws/ctios/2.8/ctios"
			}
			rq := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
			w := httptest.NewRecorder()
			s.ServeHTTP(w, rq)
			if w.Code != 200 && w.Code != 500 {
				t.Fatalf("%s: HTTP %d", svc, w.Code)
			}
		}
	})
}

// FuzzLoadTerritory feeds arbitrary code lists to the loader: an error or
// a consistent territory, never a panic.
func FuzzLoadTerritory(f *testing.F) {
	f.Add([]byte(obceCSV), []byte(kuCSV), []byte(pscCSV))
	f.Add([]byte(cp1250.Replace(obceCSV)), []byte(kuCSV), []byte{})
	f.Add([]byte("KOD;NAZEV\n\"x;y\n"), []byte(";;;"), []byte(","))
	f.Fuzz(func(t *testing.T, obce, kus, psc []byte) {
		files := sim.CodeListFiles{Obce: bytes.NewReader(obce), KU: bytes.NewReader(kus)}
		if len(psc) > 0 {
			files.PSC = bytes.NewReader(psc)
		}
		tr, err := sim.LoadTerritory(files)
		if err != nil {
			return
		}
		for _, k := range tr.KU {
			if _, ok := tr.ObecOf(k.Obec); !ok {
				t.Fatalf("k.ú. %d of unknown obec %d accepted", k.Kod, k.Obec)
			}
		}
		for _, o := range tr.Obce {
			if o.Nazev == "" || o.Kod <= 0 {
				t.Fatalf("municipality %+v accepted", o)
			}
		}
	})
}
