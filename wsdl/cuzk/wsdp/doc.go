// Package wsdp holds the Go types `go tool gowsdl` generates from konektor's
// ČÚZK WSDP 2.8 contract (../bundle.wsdl); wsdp.go is generated, never
// edited. The types carry no namespaces on their child elements: encode
// them with cuzk.Marshal, decode checked messages with cuzk.Unmarshal.
// base64Binary fields ([]byte) hold the base64 text, not decoded bytes.
package wsdp
