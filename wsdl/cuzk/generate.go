package cuzk

// The generated package wsdp holds the Go types of every service in this
// folder. bundle.wsdl gathers the services into one portType for gowsdl
// only; it is never served. The output is deterministic: running go generate
// twice leaves no diff.
//
//go:generate go tool gowsdl -d . -p wsdp -o wsdp.go bundle.wsdl
