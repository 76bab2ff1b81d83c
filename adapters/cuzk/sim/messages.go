package sim

import (
	"fmt"
	"sort"
	"strings"
)

// Levels of a zprava (uroven).
const (
	Informace = "INFORMACE"
	Varovani  = "VAROVANI"
	Chyba     = "CHYBA"
)

// message is one entry of ČÚZK's message code list (seznamZprav): the code,
// its type (I, V, C) and its text; % and {0} stand for a parameter.
type message struct {
	typ  byte
	text string
}

// messages are the codes of the WSDP 2.8 message list the sandbox uses or
// that clients commonly meet, with the official texts (user guide §4.4).
var messages = map[int]message{
	0:   {'I', "Požadovaná akce byla úspěšně provedena."},
	105: {'C', "Parametr id je povinný!"},
	106: {'C', "Parametr katastrUzemiKod je povinný!"},
	107: {'C', "Parametr cisloLV je povinný!"},
	109: {'C', "Parametr kmenoveCislo je povinný!"},
	110: {'C', "Parametr castObceKod je povinný!"},
	111: {'C', "Parametr typStavbyKod je povinný!"},
	112: {'C', "Parametr cpCe je povinný!"},
	113: {'C', "Omezující podmínka nemá správný formát!"},
	115: {'C', "Parametr % je povinný."},
	116: {'C', "Neplatný formát parametru %!"},
	117: {'C', "Neplatná hodnota parametru %!"},
	118: {'C', "Parametr cisloJednaci je pro bezúplatné uživatele povinný."},
	119: {'C', "Parametr ucelKod je pro bezúplatné uživatele povinný."},
	120: {'C', "Parametr poradoveCislo je pro ověřující osoby povinný."},
	205: {'C', "Platnost Vašeho hesla vypršela. Změňte jej."},
	206: {'I', "Zbývající počet dnů platnosti hesla Vašeho účtu je %, změňte prosím do této doby heslo."},
	207: {'C', "Nemáte přidělena práva nutná pro provedení požadované operace."},
	210: {'I', "Bylo dosaženo maximálního počtu uživatelů. Zkuste použít službu později."},
	302: {'C', "Neexistující katastrální území!"},
	303: {'C', "Neexistující část obce!"},
	304: {'C', "Neexistuje záznam s daným identifikátorem: {0}!"},
	305: {'C', "Chyba při zařazení sestavy!"},
	306: {'C', "Chyba při komunikaci s DB!"},
	308: {'I', "Číselník nebyl od zadaného data změněn."},
	309: {'C', "Nespecifikovaná chyba aplikace při zpracování požadavku."},
	310: {'I', "Počet nalezených záznamů překročil povolený limit. Omezte více dotaz."},
	312: {'C', "V současné době nelze vytvářet výstupy určené pro ověřování."},
	314: {'C', "Výstup nebylo možno opatřit elektronickou značkou, a tak nemůže být zpřístupněn."},
	315: {'I', "Nemáte žádné sestavy."},
	316: {'I', "Výstup nebylo možno opatřit elektronickou značkou."},
	317: {'I', "Výstup je opatřen elektronickou značkou poskytovatele."},
	318: {'C', "Neexistují záznamy s identifikátory: %"},
	321: {'C', "Použity navzájem se vylučující parametry!"},
	325: {'C', "Vytváření výstupů ve formátu XML není pro ověřující osoby přístupné!"},
	371: {'I', "Výstup ve formátu XML není validní!"},
	385: {'C', "Nastala neočekávaná chyba aplikace. Chybě byl přidělen identifikátor %"},
	389: {'C', "Neexistující typ řízení."},
	390: {'C', "Neexistující typ stavby."},
	391: {'C', "Neexistující pracoviště."},
	392: {'I', "Dle zadaných kritérií nebyla nalezena žádná data."},
	393: {'C', "Neexistující kód okresu."},
	394: {'C', "Neexistující kód kraje."},
	395: {'C', "Neexistující kód obce."},
	396: {'C', "Neexistující kód městské části."},
	397: {'C', "Neexistující kód ulice."},
	404: {'C', "Seznam identifikátorů obsahuje duplicitní hodnoty."},
	453: {'C', "DatumK musí být v minulosti, nebo nevyplněno."},
	454: {'C', "Neexistující kód účelu."},
	470: {'C', "Tento číselník byl zrušen."},
	476: {'C', "Není možné získat data před migrací dat do ISKN. Datum migrace: %."},
	477: {'C', "Překročen maximální počet současně pracujících uživatelů. Opakujte požadavek později."},
	479: {'C', "Ověřujícím osobám jsou povoleny dotazy a sestavy pouze v přítomnosti."},
	481: {'C', "Hodnota parametru datumDo nesmí být menší než hodnota parametru datumOd."},
	505: {'C', "Překročen maximální povolený počet objektů na vstupu."},
	524: {'C', "Byl překročen maximální počet POSIdent."},
	526: {'V', "Sestavu není možné aktuálně poskytnout, protože zpracování hlavní sestavy ještě nebylo dokončeno."},
	527: {'C', "Pro predane parametry neni mozne soucasne vygenerovat XML vystup."},
	528: {'V', "Sestavu není možné poskytnout, protože hlavní sestavu se nepodařilo vytvořit."},
	532: {'C', "Nedostatečně zadané výběrové podmínky. Informace o povolených kombinacích zadání je možné najít v uživatelské dokumentaci."},
	538: {'C', "Současné zadání formátovaného výstupu a XML formátu zatím není dostupné."},
}

// uroven maps a message type letter to the zprava level.
func uroven(typ byte) string {
	switch typ {
	case 'C':
		return Chyba
	case 'V':
		return Varovani
	}
	return Informace
}

// zprava is one message of an answer's vysledek.
type zprava struct {
	kod    int
	uroven string
	text   string
}

// msg returns the message kod with its official text, the parameters
// filling % and {0} in order.
func msg(kod int, params ...string) zprava {
	m, ok := messages[kod]
	if !ok {
		return zprava{kod: kod, uroven: Chyba, text: fmt.Sprintf("Chyba %d.", kod)}
	}
	text := m.text
	for _, p := range params {
		switch {
		case strings.Contains(text, "{0}"):
			text = strings.Replace(text, "{0}", p, 1)
		case strings.Contains(text, "%"):
			text = strings.Replace(text, "%", p, 1)
		}
	}
	return zprava{kod: kod, uroven: uroven(m.typ), text: text}
}

// okMsg is the success message.
func okMsg() zprava { return msg(0) }

// failed reports whether any message is an error (CHYBA) other than an
// operational notice (kod > 9000).
func failed(z []zprava) bool {
	for _, m := range z {
		if m.uroven == Chyba && m.kod < 9000 {
			return true
		}
	}
	return false
}

// messageList returns the code list as seznamZprav serves it, by code.
func messageList() []int {
	codes := make([]int, 0, len(messages))
	for k := range messages {
		codes = append(codes, k)
	}
	sort.Ints(codes)
	return codes
}
