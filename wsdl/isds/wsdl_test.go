package isds

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

func TestWSDL(t *testing.T) {
	for _, svc := range []string{ServiceOperations, ServiceInfo, ServiceSearch, ServiceManage} {
		t.Run(strings.ToLower(svc), func(t *testing.T) {
			w, ok := WSDL(svc)
			if !ok {
				t.Fatal("no WSDL")
			}
			if bytes.Contains(w, []byte("schemaLocation")) {
				t.Error("the WSDL still refers to a schema file")
			}
			var defs struct {
				XMLName xml.Name
				Types   struct {
					Schemas []struct {
						Target string `xml:"targetNamespace,attr"`
						Types  []struct {
							Name string `xml:"name,attr"`
						} `xml:"complexType"`
					} `xml:"schema"`
				} `xml:"types"`
				Address struct {
					Location string `xml:"location,attr"`
				} `xml:"service>port>address"`
			}
			if err := xml.Unmarshal(w, &defs); err != nil {
				t.Fatalf("WSDL is not XML: %v", err)
			}
			if defs.XMLName.Local != "definitions" || len(defs.Types.Schemas) != 1 || defs.Types.Schemas[0].Target != NS ||
				len(defs.Types.Schemas[0].Types) == 0 {
				t.Fatalf("WSDL without its inlined schema: %+v", defs.XMLName)
			}
			if defs.Address.Location != "https://ws1.datovka.gov.cz/DS/"+svc {
				t.Errorf("address %q", defs.Address.Location)
			}
			at, ok := WSDLAt(svc, "https://konektor.example/bus/isds/"+svc+"?a=1&b=2")
			if !ok || !bytes.Contains(at, []byte(`location="https://konektor.example/bus/isds/`+svc+`?a=1&amp;b=2"`)) {
				t.Errorf("WSDLAt did not set the escaped address")
			}
		})
	}
	if _, ok := WSDL("vodz"); ok {
		t.Error("WSDL of an unknown service")
	}
}

func TestLookup(t *testing.T) {
	if o, ok := Lookup("dz", "CreateMessage"); !ok || o.Box || o.Response() != "CreateMessageResponse" {
		t.Errorf("Lookup(dz, CreateMessage) = %+v, %v", o, ok)
	}
	if o, ok := Lookup("df", "CheckDataBox"); !ok || !o.Box {
		t.Errorf("Lookup(df, CheckDataBox) = %+v, %v", o, ok)
	}
	if _, ok := Lookup("dx", "CreateMessage"); ok {
		t.Error("CreateMessage found under dx")
	}
	if !IsService("DsManage") || IsService("dsmanage") || IsService("vodz") {
		t.Error("IsService")
	}
}
