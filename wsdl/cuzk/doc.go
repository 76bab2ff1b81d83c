// Package cuzk is konektor's contract for the ČÚZK WSDP 2.8 web services
// (remote access to the Czech cadastre): the WSDL and XSD files in this
// folder, with the official element names, namespaces, element order and
// SOAPActions but only the operations konektor's sandbox serves, and the Go
// code around them.
//
//   - Operations lists every official WSDP 2.8 operation (66, of the
//     services ciselnik, vyhledat, informace, sestavy, ucet and ctios) with
//     its request and response element and SOAPAction, whether or not this
//     contract declares it; the gateway's catalogue and the sandbox use it.
//   - Parse reads XML into a bounded tree (no DOCTYPE, no processing
//     instructions, depth, element and size limits).
//   - Check validates a received message against the schemas in xsd/ the
//     way ČÚZK reports it (cvc-… texts for a SOAP-ENV:Client fault): names,
//     namespaces, repetition, mandatory elements, order, choices and the
//     facets of simple types (pattern, enumeration, length).
//   - Marshal encodes a value of the generated package wsdp and puts every
//     element in its namespace from the schemas (gowsdl's tags carry none);
//     Unmarshal decodes a checked element into a wsdp value.
//   - WSDL and WSDLAt return the self-contained WSDL of a service (schemas
//     inlined), for GET ?wsdl.
//
// See README.md for what differs from the official files and why.
package cuzk
