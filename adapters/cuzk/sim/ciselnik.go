package sim

import (
	"strconv"
	"strings"
	"time"

	"konektor/wsdl/cuzk"
	"konektor/wsdl/cuzk/wsdp"
)

// ciselnikHandlers are the code lists the sandbox serves.
var ciselnikHandlers = map[string]handler{
	"seznamCiselniku":    (*call).seznamCiselniku,
	"seznamKraju":        (*call).seznamKraju,
	"seznamOkresu":       (*call).seznamOkresu,
	"seznamObci":         (*call).seznamObci,
	"seznamCastiObci":    (*call).seznamCastiObci,
	"seznamKU":           (*call).seznamKU,
	"seznamUcelu":        (*call).seznamUcelu,
	"seznamZprav":        (*call).seznamZprav,
	"seznamDruhuPozemku": (*call).seznamDruhuPozemku,
	"seznamTypuStaveb":   (*call).seznamTypuStaveb,
}

// Ucely is the sandbox's list of purposes (seznamUcelu) a free account's
// report request must name in ucelKod. ČÚZK's own list is not published
// outside the service; these entries are the sandbox's.
var Ucely = []struct {
	Kod   int
	Nazev string
}{
	{1, "Výkon přenesené působnosti obce (sandbox)"},
	{2, "Výkon samostatné působnosti obce (sandbox)"},
	{3, "Stavební řízení (sandbox)"},
	{4, "Správa daní a poplatků (sandbox)"},
	{5, "Vedení agendy evidence obyvatel (sandbox)"},
	{6, "Pozemkové úpravy (sandbox)"},
	{7, "Exekuční a insolvenční řízení (sandbox)"},
}

func ucelExists(kod int) bool {
	for _, u := range Ucely {
		if u.Kod == kod {
			return true
		}
	}
	return false
}

// druhyPozemku are the land-use types (druh pozemku) of the cadastre.
var druhyPozemku = []struct {
	Kod   int
	Nazev string
}{
	{2, "orná půda"}, {3, "chmelnice"}, {4, "vinice"}, {5, "zahrada"}, {6, "ovocný sad"},
	{7, "trvalý travní porost"}, {10, "lesní pozemek"}, {11, "vodní plocha"},
	{13, "zastavěná plocha a nádvoří"}, {14, "ostatní plocha"},
}

func druhNazev(kod int) string {
	for _, d := range druhyPozemku {
		if d.Kod == kod {
			return d.Nazev
		}
	}
	return strconv.Itoa(kod)
}

// typyStaveb are the building types a search accepts (1, 2) and the third
// kind the cadastre knows.
var typyStaveb = []struct {
	Kod   int
	Nazev string
}{
	{1, "budova s číslem popisným"}, {2, "budova s číslem evidenčním"}, {3, "budova bez čísla popisného nebo evidenčního"},
}

// ciselnikAnswer returns the empty answer of a code list with vysledek v
// and, when date is set, posledniAktualizaceCiselniku.
func ciselnikAnswer(name string, v *wsdp.ResponseInfoType, date string) any {
	var d *wsdp.DateType
	if date != "" {
		d = ptr[wsdp.DateType](date)
	}
	switch name {
	case "seznamCiselniku":
		return &wsdp.SeznamCiselnikuResponseType{Vysledek: v}
	case "seznamKraju":
		return &wsdp.SeznamKrajuResponseType{Vysledek: v, PosledniAktualizaceCiselniku: d}
	case "seznamOkresu":
		return &wsdp.SeznamOkresuResponseType{Vysledek: v, PosledniAktualizaceCiselniku: d}
	case "seznamObci":
		return &wsdp.SeznamObciResponseType{Vysledek: v, PosledniAktualizaceCiselniku: d}
	case "seznamCastiObci":
		return &wsdp.SeznamCastiObciResponseType{Vysledek: v, PosledniAktualizaceCiselniku: d}
	case "seznamKU":
		return &wsdp.SeznamKUResponseType{Vysledek: v, PosledniAktualizaceCiselniku: d}
	case "seznamUcelu":
		return &wsdp.SeznamUceluResponseType{Vysledek: v, PosledniAktualizaceCiselniku: d}
	case "seznamZprav":
		return &wsdp.SeznamZpravResponseType{Vysledek: v, PosledniAktualizaceCiselniku: d}
	case "seznamDruhuPozemku":
		return &wsdp.SeznamDruhuPozemkuResponseType{Vysledek: v, PosledniAktualizaceCiselniku: d}
	case "seznamTypuStaveb":
		return &wsdp.SeznamTypuStavebResponseType{Vysledek: v, PosledniAktualizaceCiselniku: d}
	}
	return nil
}

func date(t time.Time) string { return t.UTC().Format("2006-01-02") }

// seznamCiselniku lists every code list (the 33 operation names) with its
// last change; with zmenyOd only those changed on or after that date, and
// 308 when none is.
func (c *call) seznamCiselniku() any {
	r := &wsdp.SeznamCiselnikuResponseType{}
	var since time.Time
	if v := c.req.Value("zmenyOd"); v != "" {
		t, err := time.Parse("2006-01-02", v[:min(len(v), 10)])
		if err != nil {
			return c.emptyAnswer(msg(116, "zmenyOd"))
		}
		since = t
	}
	for _, op := range cuzk.Operations() {
		if op.Service != cuzk.Ciselnik || op.Name == "seznamCiselniku" {
			continue
		}
		d := c.s.codeListDate(op.Name)
		if !since.IsZero() && d.Before(since) {
			continue
		}
		r.Ciselnik = append(r.Ciselnik, &wsdp.CiselnikPolozkaType{Nazev: ptr[wsdp.CiselnikNazevType](op.Name),
			DatumPosledniZmeny: ptr[wsdp.DateType](date(d))})
	}
	if len(r.Ciselnik) == 0 {
		r.Vysledek = c.vysledek(okMsg(), msg(308))
		return r
	}
	r.Vysledek = c.vysledek(okMsg())
	return r
}

// list finishes a code-list answer: the 392 information when nothing
// matched, 310 when the result was cut at MaxResults.
func (c *call) listMessages(n int) []zprava {
	z := []zprava{okMsg()}
	switch {
	case n == 0:
		z = append(z, msg(392))
	case n > c.s.maxResults:
		z = append(z, msg(310))
	}
	return z
}

func (c *call) listDate() string { return date(c.s.codeListDate(c.op.Name)) }

func (c *call) seznamKraju() any {
	r := &wsdp.SeznamKrajuResponseType{PosledniAktualizaceCiselniku: ptr[wsdp.DateType](c.listDate())}
	for _, k := range c.s.terr.Kraje {
		r.Kraj = append(r.Kraj, &wsdp.KrajPolozkaType{Kod: ptrInt[wsdp.KrajKodType](k.Kod), Nazev: ptr[wsdp.KrajNazevType](k.Nazev)})
	}
	r.Vysledek = c.vysledek(c.listMessages(len(r.Kraj))...)
	return r
}

// condition reads the kde condition of a code-list request: which
// criterion, and its value.
func (c *call) condition() (name, value string) {
	kde := c.req.Child("kde")
	if kde == nil || len(kde.Children) == 0 {
		return "", ""
	}
	crit := kde.Children[0]
	if len(crit.Children) == 0 {
		return crit.Name.Local, ""
	}
	return crit.Name.Local, strings.TrimSpace(crit.Children[0].Text)
}

func (c *call) seznamOkresu() any {
	name, v := c.condition()
	var out []Okres
	switch name {
	case "":
		out = c.s.terr.Okresy
	case "kodOkresu":
		o, ok := c.s.terr.OkresOf(code(v))
		if !ok {
			return c.emptyAnswer(msg(393))
		}
		out = []Okres{o}
	case "kodNovehoKraje":
		if _, ok := c.s.terr.KrajOf(code(v)); !ok {
			return c.emptyAnswer(msg(394))
		}
		for _, o := range c.s.terr.Okresy {
			if o.NKraj == code(v) {
				out = append(out, o)
			}
		}
	case "nazevOkresu":
		for _, o := range c.s.terr.Okresy {
			if like(v, o.Nazev) {
				out = append(out, o)
			}
		}
	}
	r := &wsdp.SeznamOkresuResponseType{PosledniAktualizaceCiselniku: ptr[wsdp.DateType](c.listDate())}
	for _, o := range cut(out, c.s.maxResults) {
		r.Okres = append(r.Okres, &wsdp.OkresPolozkaType{Kod: ptrInt[wsdp.OkresKodType](o.Kod),
			Nazev: ptr[wsdp.OkresNazevType](o.Nazev), NkrajKod: ptrInt[wsdp.NKrajKodType](o.NKraj)})
	}
	r.Vysledek = c.vysledek(c.listMessages(len(out))...)
	return r
}

func (c *call) seznamObci() any {
	name, v := c.condition()
	var out []Obec
	switch name {
	case "":
		out = c.s.terr.Obce
	case "kodObce":
		o, ok := c.s.terr.ObecOf(code(v))
		if !ok {
			return c.emptyAnswer(msg(395))
		}
		out = []Obec{o}
	case "kodOkresu":
		if _, ok := c.s.terr.OkresOf(code(v)); !ok {
			return c.emptyAnswer(msg(393))
		}
		for _, o := range c.s.terr.Obce {
			if o.Okres == code(v) {
				out = append(out, o)
			}
		}
	case "nazevObce":
		for _, o := range c.s.terr.Obce {
			if like(v, o.Nazev) {
				out = append(out, o)
			}
		}
	}
	r := &wsdp.SeznamObciResponseType{PosledniAktualizaceCiselniku: ptr[wsdp.DateType](c.listDate())}
	for _, o := range cut(out, c.s.maxResults) {
		r.Obec = append(r.Obec, &wsdp.ObecPolozkaType{Kod: ptrInt[wsdp.ObecKodType](o.Kod),
			Nazev: ptr[wsdp.ObecNazevType](o.Nazev), OkresKod: ptrInt[wsdp.OkresKodType](o.Okres)})
	}
	r.Vysledek = c.vysledek(c.listMessages(len(out))...)
	return r
}

func (c *call) seznamCastiObci() any {
	name, v := c.condition()
	var out []CastObce
	switch name {
	case "":
		out = c.s.terr.Casti
	case "kodObce":
		if _, ok := c.s.terr.ObecOf(code(v)); !ok {
			return c.emptyAnswer(msg(395))
		}
		for _, o := range c.s.terr.Casti {
			if o.Obec == code(v) {
				out = append(out, o)
			}
		}
	case "kodCastiObce":
		o, ok := c.s.terr.CastOf(code(v))
		if !ok {
			return c.emptyAnswer(msg(303))
		}
		out = []CastObce{o}
	case "nazevCastiObce":
		for _, o := range c.s.terr.Casti {
			if like(v, o.Nazev) {
				out = append(out, o)
			}
		}
	}
	r := &wsdp.SeznamCastiObciResponseType{PosledniAktualizaceCiselniku: ptr[wsdp.DateType](c.listDate())}
	for _, o := range cut(out, c.s.maxResults) {
		r.CastObce = append(r.CastObce, &wsdp.CastObcePolozkaType{Kod: ptrInt[wsdp.CastObceKodType](o.Kod),
			Nazev: ptr[wsdp.CastObceNazevType](o.Nazev), ObecKod: ptrInt[wsdp.ObecKodType](o.Obec)})
	}
	r.Vysledek = c.vysledek(c.listMessages(len(out))...)
	return r
}

func (c *call) seznamKU() any {
	name, v := c.condition()
	var out []KU
	switch name {
	case "":
		out = c.s.terr.KU
	case "kodObce":
		if _, ok := c.s.terr.ObecOf(code(v)); !ok {
			return c.emptyAnswer(msg(395))
		}
		for _, k := range c.s.terr.KU {
			if k.Obec == code(v) {
				out = append(out, k)
			}
		}
	case "kodKU":
		k, ok := c.s.terr.KUOf(code(v))
		if !ok {
			return c.emptyAnswer(msg(302))
		}
		out = []KU{k}
	case "nazevKU":
		for _, k := range c.s.terr.KU {
			if like(v, k.Nazev) {
				out = append(out, k)
			}
		}
	}
	r := &wsdp.SeznamKUResponseType{PosledniAktualizaceCiselniku: ptr[wsdp.DateType](c.listDate())}
	for _, k := range cut(out, c.s.maxResults) {
		r.KatastralniUzemi = append(r.KatastralniUzemi, &wsdp.KatastralniUzemiPolozkaType{Kod: ptrInt[wsdp.KatastrUzemiKodType](k.Kod),
			Nazev: ptr[wsdp.KatastrUzemiNazevType](k.Nazev), KodObce: ptrInt[wsdp.ObecKodType](k.Obec)})
	}
	r.Vysledek = c.vysledek(c.listMessages(len(out))...)
	return r
}

func (c *call) seznamUcelu() any {
	r := &wsdp.SeznamUceluResponseType{PosledniAktualizaceCiselniku: ptr[wsdp.DateType](c.listDate())}
	for _, u := range Ucely {
		r.Ucel = append(r.Ucel, &wsdp.UcelPolozkaType{Kod: ptrInt[wsdp.UcelKodType](u.Kod), Nazev: ptr[wsdp.UcelNazevType](u.Nazev)})
	}
	r.Vysledek = c.vysledek(okMsg())
	return r
}

func (c *call) seznamZprav() any {
	r := &wsdp.SeznamZpravResponseType{PosledniAktualizaceCiselniku: ptr[wsdp.DateType](c.listDate())}
	for _, k := range messageList() {
		m := messages[k]
		r.Zprava = append(r.Zprava, &wsdp.ZpravaPolozkaType{Kod: ptrInt[wsdp.ZpravaWSKodType](k),
			Typ: ptr[wsdp.ZpravaWSTypType](string(m.typ)), Nazev: ptr[wsdp.ZpravaWSNazevType](m.text)})
	}
	r.Vysledek = c.vysledek(okMsg())
	return r
}

func (c *call) seznamDruhuPozemku() any {
	r := &wsdp.SeznamDruhuPozemkuResponseType{PosledniAktualizaceCiselniku: ptr[wsdp.DateType](c.listDate())}
	for _, d := range druhyPozemku {
		r.DruhPozemku = append(r.DruhPozemku, &wsdp.DruhPozemkuPolozkaType{Kod: ptrInt[wsdp.DruhPozemkuKodType](d.Kod), Nazev: ptr[wsdp.DruhPozemkuNazevType](d.Nazev)})
	}
	r.Vysledek = c.vysledek(okMsg())
	return r
}

func (c *call) seznamTypuStaveb() any {
	r := &wsdp.SeznamTypuStavebResponseType{PosledniAktualizaceCiselniku: ptr[wsdp.DateType](c.listDate())}
	for _, t := range typyStaveb {
		r.TypStavby = append(r.TypStavby, &wsdp.TypStavbyPolozkaType{Kod: ptrInt[wsdp.TypStavbyKodType](t.Kod), Nazev: ptr[wsdp.TypStavbyNazevType](t.Nazev)})
	}
	r.Vysledek = c.vysledek(okMsg())
	return r
}

// code reads a schema-checked integer token ("+0693936" is 693936); -1 for
// anything else.
func code(v string) int {
	v = strings.TrimPrefix(strings.TrimSpace(v), "+")
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// id normalises a schema-checked identifier token ("+000123" is "123").
func id(v string) string {
	v = strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(v), "+"), "0")
	return v
}

// cut returns at most n elements.
func cut[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}
