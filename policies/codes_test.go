package policies

import "testing"

func TestCodeKeys(t *testing.T) {
	tests := []struct {
		name string
		key  func(string) (uint64, bool)
		a, b string // distinct codes that must get distinct keys ("" = a must not parse)
	}{
		{"agenda-leading-zero", agendaKey, "A101", "A0101"},
		{"agenda-test-prefix", agendaKey, "A999", "X999"},
		{"agenda-invalid", agendaKey, "A", ""},
		{"agenda-too-long", agendaKey, "A1234567890", ""},
		{"role-prefixes", roleKey, "CR2", "XR2"},
		{"role-invalid", roleKey, "CR-1", ""},
		{"ovm-suffix", ovmKey, "70099618", "70099618.9999"},
		{"ovm-suffix-zero", ovmKey, "70099618.1", "70099618.01"},
		{"ovm-short", ovmKey, "1234567", ""},
		{"ovm-dot-only", ovmKey, "12345678.", ""},
		{"ovm-bad-separator", ovmKey, "12345678-1", ""},
		{"ais-leading-zero", aisKey, "0999002", ""},
		{"ais-values", aisKey, "999002", "999003"},
		{"service-letter", serviceKey, "E35", "E35a"},
		{"service-invalid", serviceKey, "E", ""},
		{"category-prefixes", categoryKey, "KO3", "KU3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ka, okA := tc.key(tc.a)
			if tc.b == "" {
				if okA {
					t.Fatalf("%q parsed", tc.a)
				}
				return
			}
			kb, okB := tc.key(tc.b)
			if !okA || !okB {
				t.Fatalf("parse %q %v, %q %v", tc.a, okA, tc.b, okB)
			}
			if ka == kb {
				t.Fatalf("%q and %q share key %x", tc.a, tc.b, ka)
			}
		})
	}
}

func TestCodeValidatorsAgreeWithKeys(t *testing.T) {
	codes := []string{"A1", "X999", "A0", "A", "B1", "CR1", "XR2", "CR", "12345678", "12345678.9999", "1234567", "KO1", "KU", "999002", "0", "E03", "E35a", "E3A"}
	pairs := []struct {
		valid func(string) bool
		key   func(string) (uint64, bool)
	}{
		{validAgenda, agendaKey}, {validRole, roleKey}, {validOVM, ovmKey}, {validCategory, categoryKey},
		{validAIS, aisKey}, {validService, serviceKey},
	}
	for _, p := range pairs {
		for _, c := range codes {
			if _, ok := p.key(c); ok != p.valid(c) {
				t.Errorf("%q: key ok %v, valid %v", c, ok, p.valid(c))
			}
		}
	}
}
