package app

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"konektor/adapters/iszr"
	"konektor/certs"
	"konektor/internal/config"
)

// printBanner tells a new user where konektor listens and gives a request
// to paste into a shell (bash) that gets a real answer.
func printBanner(w io.Writer, c config.Config, busURL, opsURL string) {
	pki := certs.DevPKIPaths(c.PKIDir())
	cert, key := pki.Client("999002")
	upstream := "sandbox ISZR (in-process)"
	if !c.UsesSandbox() {
		upstream = c.Upstreams.ISZR.Nodes[0].URL
	}
	sample := strings.NewReplacer("{{CAS}}", "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)", "{{ID}}", "$(cat /proc/sys/kernel/random/uuid)").
		Replace(iszr.SampleRosCtiIco2)
	fmt.Fprintf(w, `
konektor běží / konektor is running
  sběrnice / bus (mTLS):   %s/bus/iszr/{kód služby}   např. / e.g. %s/bus/iszr/E256
  provoz / ops:            %s/healthz  %s/readyz  %s/metrics
  ISZR:                    %s
  data:                    %s

Ukázkový požadavek (AIS 999002, E256 rosCtiIco2) / sample request:

curl -sS --cacert %s --cert %s --key %s \
  -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "IszrRosCtiIco2"' \
  --data-binary @- %s/bus/iszr/E256 <<EOF
%s
EOF

`, busURL, busURL, opsURL, opsURL, opsURL, upstream, c.DataDir,
		rel(pki.CA), rel(cert), rel(key), busURL, sample)
}

func rel(p string) string {
	if r, err := filepath.Rel(".", p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}
