package policies

// Request is what a decision is asked about. The AIS comes from the caller's
// client certificate; the rest from the call (ZadostInfo, AutorizaceInfo) and
// the route.
type Request struct {
	AIS     string   // AIS code from the client certificate (CN)
	OVM     string   // ZadostInfo/Ovm
	Agenda  string   // ZadostInfo/Agenda, A\d+ (or X\d+ in test environments)
	Role    string   // ZadostInfo/AgendovaRole, CR\d+ (or XR\d+)
	Service string   // eGON service code, E03, E278, ...
	Items   []string // AutorizaceInfo/SeznamUdaju; nil = absent = all the role may read
	// MaxRecords is AutorizaceInfo/MaximalniPocetZaznamu; 0 = absent.
	MaxRecords int
	// Write marks a call that writes the items (editor services such as
	// E01): they must be granted at level W instead of R/RH.
	Write bool
}

// Decision is the answer: Permit or Deny with the chain of links checked.
type Decision struct {
	Permit bool
	// SubCode is the ISZR/RPP text a refusal is reported with
	// (NENI OPRAVNENI EGON, PUSOBNOST NEEXISTUJE, ...); empty on permit.
	SubCode string
	// Reasons is the chain of links that allowed or refused the request,
	// in the order they were checked; the last one decides a refusal.
	// Read-only: it may be shared between decisions.
	Reasons []Reason
	// Items are the data items the call may read (the requested ones, or
	// all the role may read when none were requested). Read-only: it may be
	// the request's slice or shared with the Snapshot.
	Items []string
	// MaxRecords is the record cap to apply (0 = none).
	MaxRecords int
	// Request is the request decided, for Explain and the access log.
	Request Request

	// Buffers DecideInto reuses across calls; Reasons and Items point into
	// them, or into read-only memory shared with the Snapshot.
	reasonsBuf []Reason
	itemsBuf   []string
}

// Reason is one link of the decision chain.
type Reason struct {
	Link string // machine name: ais-registered, pusobnost, role-service, items, max-records, ...
	OK   bool
	CS   string // Czech text an operator can act on
	EN   string // English text
}
