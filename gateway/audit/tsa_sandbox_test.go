package audit

import (
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http/httptest"
	"testing"
	"time"

	"konektor/certs/tsa"
)

// konektor's own sandbox TSA (certs/tsa), reached over HTTP as a real TSA
// would be, stamps checkpoints that VerifyLog accepts against its CA.
func TestCheckpointsStampedBySandboxTSA(t *testing.T) {
	t.Parallel()
	ca, err := tsa.NewSandboxCA(pkix.Name{CommonName: "audit test sandbox CA"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := tsa.NewSandbox(ca, tsa.Options{Now: func() time.Time { return t0.Add(time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(auth)
	defer srv.Close()
	client, err := NewTSAClient(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	st, _ := openSQLite(t)
	p := pki(t)
	cp := newCheckpointer(t, st, CheckpointOptions{Seal: p.seal, TSA: client})
	r := newRecorder(t, st, Options{})
	mustRecord(t, r, exchange(0))
	c, _, err := cp.Checkpoint(context.Background())
	if err != nil || c.TimeStamp == nil {
		t.Fatalf("Checkpoint = %+v, %v; want a time-stamped checkpoint", c, err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Leaf())
	rep := mustVerifyLog(t, st, Trust{SealCerts: p.trust().SealCerts, TSARoots: roots, RequireTimeStamps: true})
	if !rep.OK || rep.Stamped != 1 || !rep.LastStampAt.Equal(t0.Add(time.Minute).Truncate(time.Second)) {
		t.Fatalf("VerifyLog = %+v", rep)
	}
	// In process, without HTTP, through TimestamperFunc.
	inproc := TimestamperFunc(func(_ context.Context, d []byte) ([]byte, error) { return auth.Stamp(crypto.SHA256, d) })
	token, err := inproc.TimeStamp(context.Background(), digest("x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyTimeStamp(token, digest("x"), roots); err != nil {
		t.Fatalf("VerifyTimeStamp of an in-process sandbox token: %v", err)
	}
}
