package policies

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestModelFileRoundTrip(t *testing.T) {
	m := decodeFixture(t, "refusals.yaml")
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := LoadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip changed the model")
	}
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"wrong-magic", "hello\n"},
		{"truncated", modelMagic + "\x01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := LoadModel(strings.NewReader(tc.in)); !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestSourcesLoad(t *testing.T) {
	dir := t.TempDir()
	m, err := ImportRPP(t.Context(), "testdata/rpp", nil)
	if err != nil {
		t.Fatal(err)
	}
	modelPath := filepath.Join(dir, "rpp.model")
	f, err := os.Create(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	src := Sources{ModelFile: modelPath, YAML: []string{"testdata/rpp-local.yaml"}}
	if got := src.Paths(); len(got) != 2 {
		t.Errorf("Paths = %v", got)
	}
	s, err := src.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := s.Decide(Request{AIS: "5002", OVM: "10000002", Agenda: "A1097", Role: "CR2001", Service: "E03", Items: []string{"Prijmeni"}})
	if !d.Permit {
		t.Fatalf("merged policy denies: %s", Explain(d, "en"))
	}
	if _, err := (Sources{YAML: []string{filepath.Join(dir, "missing.yaml")}}).Load(); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("agendas: [{code: B1}]"), 0o600)
	if _, err := (Sources{YAML: []string{bad}}).Load(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("invalid file: %v", err)
	}
}

func TestMergeCompletesItems(t *testing.T) {
	m := &Model{Items: []DataItem{{Rpp: "101-1-1", Name: "Příjmení"}, {Rpp: "101-1-2"}}}
	m.Merge(&Model{Items: []DataItem{{Iszr: "Prijmeni", Rpp: "101-1-1"}, {Iszr: "Jmeno"}, {Iszr: "Other", Rpp: "101-1-2"}}})
	want := []DataItem{{Iszr: "Prijmeni", Rpp: "101-1-1", Name: "Příjmení"}, {Iszr: "Other", Rpp: "101-1-2"}, {Iszr: "Jmeno"}}
	if !reflect.DeepEqual(m.Items, want) {
		t.Errorf("merged items = %+v, want %+v", m.Items, want)
	}
	conflict := &Model{Items: []DataItem{{Iszr: "A", Rpp: "1-1-1"}}}
	conflict.Merge(&Model{Items: []DataItem{{Iszr: "B", Rpp: "1-1-1"}}})
	if err := conflict.Validate(); err == nil || !strings.Contains(err.Error(), `"1-1-1" is listed twice`) {
		t.Errorf("conflicting mapping not reported: %v", err)
	}
}

func TestMergeAgendasAddsServices(t *testing.T) {
	m := &Model{Agendas: []Agenda{{Code: "A1", Name: "Jedna", Roles: []Role{{Code: "CR1", Services: []string{"E03"}}}}}}
	o := &Model{Agendas: []Agenda{{Code: "A1", Roles: []Role{{Code: "CR1", Services: []string{"E278"}}, {Code: "CR2"}}}, {Code: "A2"}}}
	m.Merge(o)
	if len(m.Agendas) != 2 || m.Agendas[0].Name != "Jedna" || len(m.Agendas[0].Roles) != 2 ||
		!reflect.DeepEqual(m.Agendas[0].Roles[0].Services, []string{"E03", "E278"}) {
		t.Errorf("merged agendas = %+v", m.Agendas)
	}
	m.Agendas[0].Roles[1].Services = append(m.Agendas[0].Roles[1].Services, "E1")
	if len(o.Agendas[0].Roles[1].Services) != 0 {
		t.Error("Merge aliases the other model's slices")
	}
}
