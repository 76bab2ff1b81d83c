package sim

import (
	"strings"
	"time"
	_ "time/tzdata" // ISDS times are Prague times; do not depend on the host's zone files
)

// prague is the zone ISDS writes its times in and reads zone-less input
// times in.
var prague = func() *time.Location {
	l, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		panic("sim: Europe/Prague: " + err.Error()) // embedded by time/tzdata
	}
	return l
}()

// Box states (dbState).
const (
	StateAccessible   = 1 // the only state that can receive
	StateTemporary    = 2 // temporarily inaccessible
	StateNotActivated = 3
	StatePermanent    = 4 // permanently inaccessible
	StateDeleted      = 5
)

// Address is a box owner's address (gAddressExt2).
type Address struct {
	Code                 string // RÚIAN address point
	City                 string
	District             string
	Street               string
	NumberInStreet       string
	NumberInMunicipality string
	ZipCode              string
	State                string
}

// line is the address in one line, as dmSenderAddress carries it.
func (a Address) line() string {
	street := a.Street
	if street == "" {
		street = a.City
	}
	num := a.NumberInMunicipality
	if a.NumberInStreet != "" {
		num += "/" + a.NumberInStreet
	}
	s := strings.TrimSpace(street + " " + num)
	return s + ", " + a.ZipCode + " " + a.City + ", " + a.State
}

// Box is a data box of the sandbox.
type Box struct {
	ID   string
	Type string // dbType: OVM, OVM_REQ, PO, PFO, PFO_ADVOK, FO, ...; empty for system boxes
	// Owner: FirmName for OVM, PO and PFO; GivenNames and LastName for
	// persons (FO, PFO).
	FirmName   string
	GivenNames string
	LastName   string
	IC         string
	Address    Address
	IdOVM      string // dbIdOVM
	State      int    // dbState
	// OpenAddressing: the box accepts commercial messages (PDZ) from
	// anyone.
	OpenAddressing bool
	UpperID        string
	// Vault: the box has an active data vault (Datový trezor): delivered
	// messages move into it (state 10) instead of being deleted. With
	// VaultCapacity > 0 it holds at most that many messages; further ones
	// are deleted as without a vault.
	Vault         bool
	VaultCapacity int
}

// name is the owner's name as messages carry it.
func (b *Box) name() string {
	if b.FirmName != "" {
		return b.FirmName
	}
	return strings.TrimSpace(b.GivenNames + " " + b.LastName)
}

// ovm reports whether the box belongs to a public authority.
func (b *Box) ovm() bool { return strings.HasPrefix(b.Type, "OVM") }

// senderType is the coarse dmSenderType: 0 system, 10 OVM, 20 PO, 30 PFO,
// 40 FO.
func (b *Box) senderType() int {
	switch {
	case b.Type == "":
		return 0
	case b.ovm():
		return 10
	case strings.HasPrefix(b.Type, "PO"):
		return 20
	case strings.HasPrefix(b.Type, "PFO"):
		return 30
	}
	return 40
}

// system reports whether the box is a system box (administrator, operator).
func (b *Box) system() bool { return b.Type == "" }
