package sim

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"konektor/wsdl/cuzk/wsdp"
)

// POSIdent returns the pseudonymous identifier of a person (oprávněný
// subjekt) as the cadastral exchange format (VFK) carries it: the person's
// id and an expiry, encrypted with the sandbox's key. ctios turns it back
// into the person until validUntil.
func (s *Server) POSIdent(osID string, validUntil time.Time) string {
	block, _ := aes.NewCipher(s.posKey) // 32-byte key checked by New
	gcm, _ := cipher.NewGCM(block)
	nonce := make([]byte, gcm.NonceSize())
	_, _ = rand.Read(nonce)
	plain := osID + ";" + strconv.FormatInt(validUntil.Unix(), 10)
	return base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(plain), nil))
}

// Reasons a POSIdent yields no person (ChybaPOSIdentType).
const (
	POSNeplatny   = "NEPLATNY_IDENTIFIKATOR"
	POSExpirovany = "EXPIROVANY_IDENTIFIKATOR"
	POSNeexistuje = "OPRAVNENY_SUBJEKT_NEEXISTUJE"
)

// openPOSIdent decrypts an identifier: the person's id, or why not.
func (s *Server) openPOSIdent(tok string, now time.Time) (string, string) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(tok))
	block, _ := aes.NewCipher(s.posKey)
	gcm, _ := cipher.NewGCM(block)
	if err != nil || len(raw) < gcm.NonceSize()+gcm.Overhead() {
		return "", POSNeplatny
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return "", POSNeplatny
	}
	osID, exp, ok := strings.Cut(string(plain), ";")
	until, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil {
		return "", POSNeplatny
	}
	if now.Unix() > until {
		return "", POSExpirovany
	}
	if s.data.os[osID] == nil {
		return "", POSNeexistuje
	}
	return osID, ""
}

// ctios returns, for each POSIdent (at most 100), the person's current
// record, or the reason there is none.
func (c *call) ctios() any {
	ids := c.req.All("pOSIdent")
	if len(ids) > MaxPOSIdents {
		return c.emptyAnswer(msg(524))
	}
	list := &wsdp.OsResultListType{}
	for _, e := range ids {
		res := &wsdp.OSTypeResult{POSIdent: e.Text}
		osID, why := c.s.openPOSIdent(e.Text, c.now)
		if why != "" {
			res.ChybaPOSIdent = ptr[wsdp.ChybaPOSIdentType](why)
		} else {
			o := c.s.data.os[osID]
			res.OsId = idp(o.ID)
			res.OsDetail = []*wsdp.OSDetailType{osDetail(o)}
		}
		list.Os = append(list.Os, res)
	}
	return &wsdp.CtiOsResponseType{Vysledek: c.vysledek(okMsg()), OsList: list}
}

func osDetail(o *OS) *wsdp.OSDetailType {
	d := &wsdp.OSDetailType{StavDat: ptr[wsdp.StavDatOSType]("0"), DatumVzniku: ptr[wsdp.DateTimeType](dateTime(o.Vznik)),
		PriznakKontext: ptr[wsdp.PriznakKontextuType]("1"), RizeniIdVzniku: idp(o.RizeniVzniku),
		PartnerBsm1: idp(o.Partner1), PartnerBsm2: idp(o.Partner2),
		OpsubType: ptr[wsdp.TypVlastnikaType](o.Typ), CharOsType: ptrInt[wsdp.CharakteristikaOSKodType](max(o.CharOS, 1))}
	set := func(v string, f func(string)) {
		if v != "" {
			f(v)
		}
	}
	set(o.ICO, func(v string) { d.Ico = ptr[wsdp.IcoType](v) })
	set(o.Nazev, func(v string) { d.Nazev, d.NazevU = ptr[wsdp.NazevFirmyType](v), ptr[wsdp.NazevFirmyType](ascii(v)) })
	set(o.RC, func(v string) { d.RodneCislo = ptr[wsdp.RcType](v) })
	set(o.TitulPred, func(v string) { d.TitulPredJmenem = ptr[wsdp.TitulPredJmenemType](v) })
	set(o.Jmeno, func(v string) { d.Jmeno, d.JmenoU = ptr[wsdp.JmenoType](v), ptr[wsdp.JmenoType](ascii(v)) })
	set(o.Prijmeni, func(v string) { d.Prijmeni, d.PrijmeniU = ptr[wsdp.PrijmeniType](v), ptr[wsdp.PrijmeniType](ascii(v)) })
	if o.CisloDomovni > 0 {
		d.CisloDomovni = ptrInt[wsdp.CisloDomovniType](o.CisloDomovni)
		d.CpCe = ptr[wsdp.CpCeType]("1")
	}
	set(o.CisloOrientacni, func(v string) { d.CisloOrientacni = ptr[wsdp.CisloOrientacniType](v) })
	set(o.Ulice, func(v string) { d.NazevUlice = ptr[wsdp.UliceNazevType](v) })
	set(o.CastObce, func(v string) { d.CastObce = ptr[wsdp.CastObceNazevType](v) })
	set(o.Obec, func(v string) { d.Obec = ptr[wsdp.ObecNazevType](v) })
	set(o.Okres, func(v string) { d.Okres = ptr[wsdp.OkresNazevType](v) })
	if o.PSC > 0 {
		d.Psc = ptrInt[wsdp.PSCType](o.PSC)
	}
	return d
}
