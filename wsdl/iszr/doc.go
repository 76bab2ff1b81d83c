// Package iszr holds konektor's own contracts for the ISZR (eGON) services it
// speaks: one WSDL per service (<Operation>.wsdl) and the XML schemas they
// import (xsd/), written from the official DIA catalogue with the same
// element names, namespaces and order, but only the parts konektor needs.
//
// The Go types in the generated package iszr/egon come from these files
// through `go tool gowsdl` (see generate.go). gowsdl writes element names
// without namespaces, so a value marshalled by encoding/xml alone is not
// what ISZR sends; Marshal re-qualifies every element from the schemas
// here, and Check verifies the namespaces, names and mandatory elements of
// a received message against them.
//
// WSDL returns a self-contained WSDL (all schemas inlined) that a client can
// generate from, for the GET ?wsdl answer of the gateway and the sandbox.
package iszr
