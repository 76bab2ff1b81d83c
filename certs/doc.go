// Package certs loads keys and certificates (PEM and PKCS#12), builds trust
// pools, creates the development PKI that `konektor serve` uses on first
// start, builds the TLS configurations for the bus listener (mTLS) and for
// upstream calls, and reports certificate expiry.
//
// Client identity: a client certificate's subject common name is the AIS
// code; a certificate whose subject carries the organizational unit
// "auditor" (see AuditorOU and IsAuditor) identifies an auditor rather than
// an agenda system.
package certs
