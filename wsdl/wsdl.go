// Package wsdl holds the WSDL/XSD contracts konektor authors: the upstream
// services it speaks (with the official names and namespaces) and its own
// services, with the Go code `go tool gowsdl` generates from them.
//
// ISZR contracts live in package wsdl/iszr (files, schema checks, codec) and
// its generated types in wsdl/iszr/egon.
package wsdl

import "konektor/wsdl/iszr"

// ISZR returns the self-contained WSDL of the eGON service with code code
// (E03, E278, ...), the answer to GET /bus/iszr/{code}?wsdl, and false for a
// service konektor has no contract for.
func ISZR(code string) ([]byte, bool) { return iszr.WSDL(code) }

// ISZRAt is ISZR with the soap:address set to location, the URL a client
// should call.
func ISZRAt(code, location string) ([]byte, bool) { return iszr.WSDLAt(code, location) }
