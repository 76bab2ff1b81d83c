package catalogue

import (
	"bufio"
	"encoding/xml"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestLoadKnownEntries(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code, op, elem string
		side           SideEffect
		cache          CacheClass
	}{
		{"E03", "IszrRobCtiAifo", "RobCtiAifo", Read, CacheNever},
		{"E278", "IszrRobCtiPodleUdaju2", "RobCtiPodleUdaju2", Read, CacheNever},
		{"E256", "IszrRosCtiIco2", "RosCtiIco2", Read, CacheNever},
		{"E36", "IszrRuianCtiAdresu", "RuianCtiAdresu", Read, CacheTTL},
		{"E227", "IszrVypisOpravneniPolozky", "IszrVypisOpravneniPolozky", Read, CacheNever},
		{"E164", "IszrProbe", "IszrProbe", Read, CacheNever},
		{"E01", "IszrRobVlozObyvatele", "RobVlozObyvatele", Write, CacheNever},
		{"E99", "IszrAsyncVypisFronty", "IszrAsyncVypisFronty", Read, CacheNever},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			e, ok := c.Lookup("iszr", tc.code)
			if !ok {
				t.Fatal("missing")
			}
			if e.Operation != tc.op || e.Request.Local != tc.elem || e.Response.Local != tc.elem+"Response" {
				t.Fatalf("got %+v", e)
			}
			if e.Request.Space != "urn:cz:isvs:iszr:schemas:"+tc.op+":v1" {
				t.Fatalf("namespace %q", e.Request.Space)
			}
			if e.SideEffect != tc.side || e.Cache != tc.cache {
				t.Fatalf("side effect %v cache %v", e.SideEffect, e.Cache)
			}
		})
	}
	if _, ok := c.Lookup("iszr", "E9999"); ok {
		t.Fatal("unknown code found")
	}
}

func TestSideEffectClassification(t *testing.T) {
	tests := map[string]SideEffect{
		"IszrRobCtiZmeny":          Read,
		"IszrRobCtiZmenyZaloz":     Write,
		"IszrRuianCtiSeznamZmenAD": Read,
		"IszrOrgPrihlasAifo":       Write,
		"IszrAsyncSmazatFrontu":    Write,
		"IszrRosZapisPravniStav2":  Write,
		"IszrRppVypisAgendu":       Read,
		"IszrUnknownThing":         Write,
	}
	for op, want := range tests {
		if got := egonSideEffect(op); got != want {
			t.Errorf("%s: got %v want %v", op, got, want)
		}
	}
}

// TestMatchesPublishedCatalogue checks egon.tsv against the published
// catalogue in ../shared/reference (skipped where it is absent).
func TestMatchesPublishedCatalogue(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	ref := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "reference", "iszr", "egon-services.tsv")
	f, err := os.Open(ref)
	if err != nil {
		t.Skipf("reference catalogue absent: %v", err)
	}
	defer f.Close()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		if len(col) < 7 || col[0] == "ecode" || col[0] == "" { // rows without a code cannot be routed
			continue
		}
		n++
		e, ok := c.Lookup("iszr", col[0])
		if !ok {
			t.Errorf("%s missing", col[0])
			continue
		}
		if e.Operation != col[2] || e.Request.Local != col[3] || e.Response.Local != col[4] || e.Request.Space != col[5] || e.Operation != col[6] {
			t.Errorf("%s: %+v differs from %v", col[0], e, col[1:7])
		}
	}
	if n != len(c.Codes("iszr")) {
		t.Errorf("reference has %d services, catalogue %d", n, len(c.Codes("iszr")))
	}
}

func TestAddMultiOperationEndpoint(t *testing.T) {
	c, _ := Load()
	ns := "http://isds.czechpoint.cz/v20"
	create := &Entry{Upstream: "isds", Code: "dz", Operation: "CreateMessage", Request: xml.Name{Space: ns, Local: "CreateMessage"}, SideEffect: Write}
	list := &Entry{Upstream: "isds", Code: "dx", Operation: "GetListOfReceivedMessages", Request: xml.Name{Space: ns, Local: "GetListOfReceivedMessages"}}
	if err := c.Add(create, list); err != nil {
		t.Fatal(err)
	}
	if e, ok := c.LookupOperation("isds", "dz", xml.Name{Space: ns, Local: "CreateMessage"}); !ok || e != create || e.Name() != "dz/CreateMessage" {
		t.Fatalf("got %v %v", e, ok)
	}
	if _, ok := c.LookupOperation("isds", "dz", xml.Name{Space: ns, Local: "GetListOfReceivedMessages"}); ok {
		t.Fatal("an operation found behind the wrong endpoint")
	}
	if !c.HasEndpoint("isds", "dx") || c.HasEndpoint("isds", "df") {
		t.Fatal("HasEndpoint")
	}
	if err := c.Add(create); err == nil {
		t.Fatal("duplicate accepted")
	}
	if err := c.Add(&Entry{Upstream: "iszr", Code: "E03", Operation: "X", Request: xml.Name{Local: "X"}}); err == nil {
		t.Fatal("clash with a single-operation code accepted")
	}
	if e, _ := c.Lookup("iszr", "E03"); e.Name() != "E03" {
		t.Fatalf("eGON name %q", e.Name())
	}
}
