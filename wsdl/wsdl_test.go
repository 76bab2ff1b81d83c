package wsdl_test

import (
	"bytes"
	"testing"

	"konektor/wsdl"
)

func TestISZR(t *testing.T) {
	tests := []struct {
		name, code string
		ok         bool
		want       string
	}{
		{"served-service", "E03", true, `soapAction="IszrRobCtiAifo"`},
		{"async-service", "E278", true, `<wsdl:port name="IszrRobCtiPodleUdaju2PortService"`},
		{"catalogue-service-without-contract", "E07", false, ""},
		{"not-a-code", "../x", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := wsdl.ISZR(tc.code)
			if ok != tc.ok || !bytes.Contains(b, []byte(tc.want)) {
				t.Fatalf("ISZR(%q) = %d bytes, %v", tc.code, len(b), ok)
			}
		})
	}
	b, ok := wsdl.ISZRAt("E36", "https://konektor.example/bus/iszr/E36")
	if !ok || !bytes.Contains(b, []byte(`location="https://konektor.example/bus/iszr/E36"`)) {
		t.Fatal("ISZRAt did not set the address")
	}
}
