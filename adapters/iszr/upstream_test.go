package iszr

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"konektor/adapters/relay"
	"konektor/gateway/catalogue"
	"konektor/gateway/fault"
	"konektor/gateway/pipeline"
	"konektor/gateway/soap"
)

func exchangeFor(t *testing.T, code string, body []byte) *pipeline.Exchange {
	t.Helper()
	cat, _ := catalogue.Load()
	e, ok := cat.Lookup("iszr", code)
	if !ok {
		t.Fatal(code)
	}
	env, err := soap.Parse(body, soap.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return &pipeline.Exchange{Upstream: "iszr", Code: code, Entry: e, Envelope: env, Body: body}
}

func TestCallRelaysBytesAndPath(t *testing.T) {
	answer := []byte("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><x xmlns:reg=\"" + NSReg + "\"><reg:Status><reg:VysledekKod>VAROVANI</reg:VysledekKod><reg:VysledekDetail><reg:VysledekSubKod>STARSI VERZE</reg:VysledekSubKod></reg:VysledekDetail></reg:Status></x></s:Body></s:Envelope>\n  ")
	var gotPath, gotAction string
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotAction = r.URL.RequestURI(), r.Header.Get("SOAPAction")
		gotBody, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Write(answer)
	}))
	defer srv.Close()
	u, _ := New(time.Now, relay.NewNode(relay.Options{Name: "a", Base: srv.URL + "/publikace"}))
	body := FillSample(SampleRosCtiIco2, "2026-11-23T10:00:00Z", "6f1c1f7e-3c1b-4b8e-9a57-0d6f5e0f8a11")
	ex := exchangeFor(t, "E256", body)
	ex.Async = true
	r, err := u.Call(context.Background(), ex)
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Body) != string(answer) || string(gotBody) != string(body) {
		t.Fatal("bytes altered on the way")
	}
	if gotPath != "/publikace/E256?async" || gotAction != `"IszrRosCtiIco2"` {
		t.Fatalf("path %q action %q", gotPath, gotAction)
	}
	if r.UpstreamStatus != "VAROVANI/STARSI VERZE" || r.Outcome != pipeline.OutcomeOK {
		t.Fatalf("reply %+v", r)
	}
}

func TestCallFailsOverOnlyForReads(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<second/>")) }))
	defer srv.Close()
	dead := relay.NewNode(relay.Options{Name: "dead", Base: "http://127.0.0.1:1/publikace", Timeout: time.Second})
	second := relay.NewNode(relay.Options{Name: "b", Base: srv.URL + "/publikace"})
	u, _ := New(time.Now, dead, second)
	read := exchangeFor(t, "E256", FillSample(SampleRosCtiIco2, "x", "y"))
	r, err := u.Call(context.Background(), read)
	if err != nil || string(r.Body) != "<second/>" {
		t.Fatalf("read did not fail over: %v", err)
	}
	write := exchangeFor(t, "E256", FillSample(SampleRosCtiIco2, "x", "y"))
	write.Entry = &catalogue.Entry{Upstream: "iszr", Code: "E01", Operation: "IszrRobVlozObyvatele", SideEffect: catalogue.Write}
	_, err = u.Call(context.Background(), write)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Unavailable {
		t.Fatalf("a write must not fail over; got %v", err)
	}
}
