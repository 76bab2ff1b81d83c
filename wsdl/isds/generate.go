package isds

// The generated packages dm (message operations, from xsd/dmBaseTypes.xsd)
// and db (data-box operations, from xsd/dbTypes.xsd) hold the Go types of
// the requests and answers. The two schemas share a namespace and both
// declare tIdDb, so they are generated apart; bundle-dm.wsdl and
// bundle-db.wsdl gather their operations for gowsdl only and are never
// served. The output is deterministic: running go generate twice leaves no
// diff.
//
//go:generate go tool gowsdl -d . -p dm -o dm.go bundle-dm.wsdl
//go:generate go tool gowsdl -d . -p db -o db.go bundle-db.wsdl
