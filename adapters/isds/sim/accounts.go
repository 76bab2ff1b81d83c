package sim

import (
	"crypto/sha256"
	"crypto/x509"
)

// ISDS user privileges (userPrivils).
const (
	PrivReadNonPersonal = 1
	PrivReadAll         = 2
	PrivCreateDM        = 4
	PrivViewInfo        = 8
	PrivSearchDB        = 16
	PrivOwnerAdm        = 32
	PrivEraseVault      = 128
	// PrivVirtual are the privileges of a virtual user (system certificate,
	// hosted records service): everything but PRIVIL_OWNER_ADM.
	PrivVirtual = 159
	// PrivAll are all privileges a primary user holds.
	PrivAll = PrivVirtual | PrivOwnerAdm
)

// User kinds, which decide the event that records delivery by login.
const (
	KindPrimary   = "primary"   // EV11
	KindEntrusted = "entrusted" // EV12
	KindVirtual   = "virtual"   // EV13: application with a system certificate or hosted service
)

// Account is a user with a name and password (/DS/, and /certds/ when
// Certificate is set).
type Account struct {
	Username   string
	Password   string
	Box        string
	Privileges int
	Kind       string // KindPrimary or KindEntrusted
	// Certificate, when set, is the user's registered certificate: Basic
	// alone no longer works, the user logs in at /certds/ with both.
	Certificate *x509.Certificate
	// Throttled puts the account into ISDS's restricted mode: a request
	// while another of the account runs is refused with 3009.
	Throttled bool
}

// SystemCertificate is a certificate registered to a box as its system
// certificate (/cert/DS/): a virtual user with PrivVirtual.
type SystemCertificate struct {
	Box         string
	Certificate *x509.Certificate
	Throttled   bool
}

// HostedService is a hosted records service provider (/hspis/DS/): its
// certificate, and the boxes it may act for (Basic user = box ID, empty
// password). Each box is a virtual user with PrivVirtual.
type HostedService struct {
	Certificate *x509.Certificate
	Boxes       []string
	Throttled   bool
}

// login is an authenticated caller.
type login struct {
	account    string // key of the account: basic:NAME, cert:FP, hspis:FP:BOX
	box        *Box
	privileges int
	kind       string
	throttled  bool
}

func fingerprint(c *x509.Certificate) string {
	s := sha256.Sum256(c.Raw)
	return string(s[:])
}

func (l *login) has(p int) bool { return l.privileges&p == p }

// mayRead reports whether the login may read a message with the given
// personal-delivery flag.
func (l *login) mayRead(personal bool) bool {
	if personal {
		return l.has(PrivReadAll)
	}
	return l.has(PrivReadAll) || l.has(PrivReadNonPersonal)
}

// deliveryEvent is the event that records delivery by this login.
func (l *login) deliveryEvent() string {
	switch l.kind {
	case KindEntrusted:
		return "EV12: Datová zpráva byla doručena přihlášením pověřené osoby."
	case KindVirtual:
		return "EV13: Datová zpráva byla doručena přihlášením aplikace se systémovým certifikátem."
	}
	return "EV11: Datová zpráva byla doručena přihlášením oprávněné osoby."
}
