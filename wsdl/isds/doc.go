// Package isds holds konektor's contracts for the ISDS (data box) web
// services it relays: one WSDL per service as ISDS publishes them
// (dm_operations.wsdl for /DS/dz, dm_info.wsdl for /DS/dx, db_search.wsdl
// for /DS/df, db_access.wsdl for /DS/DsManage; SOAP 1.1 document/literal,
// soapAction "", namespace http://isds.czechpoint.cz/v20) and the two
// schemas they include (xsd/), with the operations konektor relays only.
//
// On the wire the schemas are the official ones (WSDL/XSD 3.11); their
// types are shaped for go tool gowsdl, which generates the Go types of
// packages isds/dm and isds/db (see generate.go and the schema headers for
// what differs and why).
//
// The package also knows the facts every party needs: the operation table
// (Operations, Lookup), box IDs and their check character (ValidBoxID,
// BoxID), and the self-contained WSDL a client generates from (WSDL,
// WSDLAt).
//
// gowsdl's types decode requests well. They cannot write ISDS answers:
// mandatory elements that ISDS writes as xsi:nil disappear (omitempty), a
// zero status or count disappears too, and base64 fields hold the text,
// not the bytes. Answers are written by the sandbox's own writer.
package isds
