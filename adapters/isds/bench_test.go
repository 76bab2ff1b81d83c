package isds

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkRelay compares a call through the adapter (Describe, the data-box
// policy decision, Call: envelope rebuilt, credentials added, status read,
// evidence) with the same request posted straight to the sandbox over the
// same TLS node and login. SignedSentMessageDownload adds the ZFO check.
func BenchmarkRelay(b *testing.B) {
	e := newEnv(b)
	a := e.adapter(nil)
	sent := run(b, a, exchange(b, "999002", "dz", "CreateMessage", createBody))
	id := field(sent.Body, "dmID")
	for _, c := range []struct{ name, svc, op, inner string }{
		{"DummyOperation", "dz", "DummyOperation", ""},
		{"SignedSentMessageDownload", "dz", "SignedSentMessageDownload", "<v:dmID>" + id + "</v:dmID>"},
	} {
		ex := exchange(b, "999002", c.svc, c.op, c.inner)
		b.Run(c.name+"/direct", func(b *testing.B) {
			node := e.node(e.upstream)
			body := upstreamEnvelope(ex.Envelope)
			h := http.Header{"Content-Type": {"text/xml; charset=utf-8"}, "Soapaction": {`""`}, "Authorization": {basicAuth("mstdemd", "")}}
			for b.Loop() {
				r, err := node.Post(context.Background(), "/hspis/DS/"+c.svc, h, body)
				if err != nil || r.Status != 200 {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/adapter", func(b *testing.B) {
			for b.Loop() {
				x := exchange(b, "999002", c.svc, c.op, c.inner)
				r := run(b, a, x)
				if r.UpstreamStatus != "ISDS 0000" || (strings.HasPrefix(c.op, "Signed") && !strings.Contains(r.Evidence, "valid=true")) {
					b.Fatalf("%s %s", r.UpstreamStatus, r.Evidence)
				}
			}
		})
	}
}
