package fault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"konektor/gateway/soap"
)

func TestFrom(t *testing.T) {
	_, parseErr := soap.Parse([]byte("<!DOCTYPE x><x/>"), soap.DefaultLimits)
	_, bigErr := soap.Parse(make([]byte, 20), soap.Limits{MaxBytes: 10})
	tests := []struct {
		name   string
		err    error
		status int
		sender bool
		code   string
	}{
		{"classified-forbidden", New(Forbidden, "unknown-client", "cs", "en"), http.StatusForbidden, true, "unknown-client"},
		{"wrapped-classified", fmt.Errorf("stage: %w", Wrap(Unavailable, "upstream-down", "cs", "en", errors.New("dial"))), http.StatusServiceUnavailable, false, "upstream-down"},
		{"parse-error", parseErr, http.StatusBadRequest, true, "envelope-doctype"},
		{"too-large", bigErr, http.StatusRequestEntityTooLarge, true, "envelope-too-large"},
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), http.StatusGatewayTimeout, false, "timeout"},
		{"unclassified-is-internal", errors.New("secret detail"), http.StatusInternalServerError, false, "internal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := From(tc.err)
			if c.Status != tc.status || c.Sender != tc.sender || c.Code != tc.code {
				t.Fatalf("got %+v", c)
			}
			if c.CS == "" || c.EN == "" {
				t.Fatalf("missing reason texts: %+v", c)
			}
		})
	}
}

func TestInternalCauseNeverShown(t *testing.T) {
	f, _ := SOAP(Wrap(Internal, "internal", "vnitřní chyba", "internal error", errors.New("password=hunter2")), "cid")
	body := string(soap.WriteFault(soap.V11, f))
	for _, bad := range []string{"hunter2", "password"} {
		if contains(body, bad) {
			t.Fatalf("fault leaks %q: %s", bad, body)
		}
	}
	if !contains(body, "cid") {
		t.Fatalf("fault lacks correlation id: %s", body)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
