package app

import (
	"bytes"
	"crypto/tls"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"konektor/adapters/iszr"
	"konektor/adapters/iszr/sim"
	"konektor/certs"
	"konektor/gateway/catalogue"
	"konektor/internal/config"
	"konektor/internal/xsdcheck"
	"konektor/policies"
)

// recordingUpstream is the ISZR sandbox with a tap: it keeps the exact
// bytes the sandbox answered, so a test can compare them with what
// konektor handed to its caller.
type recordingUpstream struct {
	mu   sync.Mutex
	last []byte
	h    http.Handler
}

func (u *recordingUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &tap{ResponseWriter: w}
	u.h.ServeHTTP(rec, r)
	u.mu.Lock()
	u.last = rec.buf.Bytes()
	u.mu.Unlock()
}

type tap struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (t *tap) Write(b []byte) (int, error) { t.buf.Write(b); return t.ResponseWriter.Write(b) }

// TestWireCompatibility sends every golden request of the sandbox through
// konektor: the caller gets the sandbox's answer byte for byte, and both
// request and answer validate against the official ISZR schemas.
func TestWireCompatibility(t *testing.T) {
	xsdcheck.SchemaDir(t) // skips where xmllint or ../shared is absent
	files, _ := filepath.Glob("../../adapters/iszr/sim/testdata/golden/*.request.xml")
	if len(files) == 0 {
		t.Fatal("no golden requests")
	}
	dir := t.TempDir()
	pkiDir := filepath.Join(dir, "pki")
	if err := certs.InitDevPKI(pkiDir, certs.DevPKIOptions{}); err != nil {
		t.Fatal(err)
	}
	goldenTime := time.Date(2026, 3, 2, 10, 0, 1, 0, time.FixedZone("CET", 3600))
	up := &recordingUpstream{h: sim.New(sim.Options{Now: func() time.Time { return goldenTime }, Policy: policies.Demo(), Connectors: []string{UpstreamCN}})}
	url := serveTLS(t, pkiDir, up)
	in := startInstanceIn(t, dir, func(c *config.Config) { c.Upstreams.ISZR.Nodes = []config.Node{{Name: "sandbox", URL: url}} })
	codeRE := regexp.MustCompile(`^(e\d+)-`)
	aisRE := regexp.MustCompile(`<reg:Ais>(\d+)</reg:Ais>`)
	cat, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	relayed := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".request.xml")
		t.Run(name, func(t *testing.T) {
			req, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			code := strings.ToUpper(codeRE.FindStringSubmatch(name)[1])
			ais := "999002"
			if m := aisRE.FindSubmatch(req); m != nil {
				ais = string(m[1])
			}
			if !strings.Contains(name, "nevalidni") && code != "E07" { // these are invalid on purpose
				xsdcheck.ValidateBody(t, req, code)
			}
			entry, ok := cat.Lookup("iszr", code)
			if !ok {
				t.Fatalf("%s not in the catalogue", code)
			}
			op := entry.Operation
			up.mu.Lock()
			up.last = nil
			up.mu.Unlock()
			resp, got := in.post(ais, "/bus/iszr/"+code, op, req)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, got)
			}
			xsdcheck.ValidateBody(t, got, code)
			up.mu.Lock()
			sent := up.last
			up.mu.Unlock()
			if sent == nil {
				// konektor refused locally; its answer is ISZR-shaped (validated above).
				if st := iszr.ReadStatus(got); st.Kod != "CHYBA" {
					t.Fatalf("refused locally without CHYBA: %v", st)
				}
				t.Logf("refused by konektor's policy: %v", iszr.ReadStatus(got))
				return
			}
			relayed++
			if !bytes.Equal(got, sent) {
				t.Fatalf("answer altered:\nsandbox: %s\nkonektor: %s", sent, got)
			}
		})
	}
	if relayed < len(files)-3 {
		t.Fatalf("only %d of %d golden requests were relayed", relayed, len(files))
	}
}

func serveTLS(t *testing.T, pkiDir string, h http.Handler) string {
	t.Helper()
	pki := certs.DevPKIPaths(pkiDir)
	pool, err := certs.LoadPool(pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := certs.ServerTLS(pki.Server, pki.ServerKey, pool)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, TLSConfig: conf}
	go srv.Serve(tls.NewListener(ln, conf))
	t.Cleanup(func() { srv.Close() })
	return "https://" + ln.Addr().String() + "/publikace"
}
