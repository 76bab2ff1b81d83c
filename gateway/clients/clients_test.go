package clients

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
)

func TestNewValidates(t *testing.T) {
	_, err := New([]Client{
		{Name: "", AIS: "1"},
		{Name: "a", AIS: "x1"},
		{Name: "b", AIS: "5", OVM: "123", ActsFor: []string{"abc"}},
		{Name: "c"},
	})
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{"clients[0]", "x1", "8-digit", "abc", "needs an ais code or a role"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestLookup(t *testing.T) {
	r, err := New([]Client{{Name: "999002", AIS: "999002", OVM: "12345678", ActsFor: []string{"12345678"}}, {Name: "auditor", Roles: []string{"auditor"}}})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := r.Lookup(&x509.Certificate{Subject: pkix.Name{CommonName: "999002"}})
	if !ok || c.AIS != "999002" || !c.MayActFor("12345678") || c.MayActFor("87654321") {
		t.Fatalf("got %+v %v", c, ok)
	}
	if _, ok := r.Lookup(&x509.Certificate{Subject: pkix.Name{CommonName: "999004"}}); ok {
		t.Fatal("unknown CN found")
	}
	if _, ok := r.Lookup(nil); ok {
		t.Fatal("nil cert found")
	}
	a, _ := r.ByName("auditor")
	if !a.HasRole("auditor") {
		t.Fatal("auditor role")
	}
}
