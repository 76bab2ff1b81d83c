package sim

// Status codes the sandbox answers with (dmStatusCode, dbStatusCode).
// Codes and texts follow ISDS where the sources name them; the few
// refusals for which no ISDS code is known use codeRecipient and are
// marked so in doc.go.
const (
	codeOK              = "0000"
	codeNoMatch         = "0002" // search: no box matches
	codeTooMany         = "0003" // search: more than 100, first 100 returned
	codeSearchDenied    = "1004" // search not allowed
	codeBadBoxID        = "1007" // malformed box ID
	codeSearchAmbiguous = "1109" // non-OVM search not unique
	codeTooLarge        = "1200" // message size limit
	codeSenderInactive  = "1201" // sending from an inaccessible box
	codeWrongDirection  = "1211" // message of another box or direction
	codeAttachment      = "1214" // attachment check failed
	codePrivileges      = "1218" // insufficient privileges
	codeNotFound        = "1219" // message not found or deleted
	codeNotDelivered    = "1222" // received message not yet delivered
	codeSentUndelivered = "1229" // sent message not yet delivered
	codePDZRefused      = "1232" // recipient does not accept commercial messages
	codeNoOVM           = "1233" // neither party is an OVM and the message is not commercial
	codeUnknownOp       = "2006" // unknown operation
	codeParallel        = "3008" // too many parallel requests for the box
	codeThrottled       = "3009" // another request of the account in progress (throttled mode)
	codeBoxNotFound     = "5001" // box does not exist
	codeFailure         = "9500" // internal failure
	// codeRecipient refuses a recipient box that cannot receive (not
	// accessible, the sender's own box, a system box). ISDS's code for
	// these cases is not in the sources; 5001 is the nearest documented one.
	codeRecipient = "5001"
)

// messages are the Czech status texts.
var messages = map[string]string{
	codeOK:              "Provedeno úspěšně.",
	codeNoMatch:         "Nenalezena žádná datová schránka odpovídající zadaným kritériím.",
	codeTooMany:         "Nalezeno více datových schránek, než je povolený limit; vráceno prvních 100.",
	codeSearchDenied:    "Vyhledávání není povoleno.",
	codeBadBoxID:        "Chybný formát identifikátoru datové schránky.",
	codeSearchAmbiguous: "Zadaným kritériím odpovídá více schránek; upřesněte hledání.",
	codeTooLarge:        "Překročena povolená velikost datové zprávy.",
	codeSenderInactive:  "Ze znepřístupněné datové schránky nelze odesílat.",
	codeWrongDirection:  "Zpráva nepatří do této schránky nebo jde o zprávu opačného směru.",
	codeAttachment:      "Chyba přílohy",
	codePrivileges:      "Nedostatečná oprávnění uživatele.",
	codeNotFound:        "Zpráva neexistuje nebo již byla smazána.",
	codeNotDelivered:    "Zpráva dosud nebyla doručena; doručte ji nejprve voláním GetListOfReceivedMessages.",
	codeSentUndelivered: "Odeslaná zpráva dosud nebyla dodána.",
	codePDZRefused:      "Adresát nepřijímá poštovní datové zprávy.",
	codeNoOVM:           "Zprávu mezi dvěma schránkami, z nichž žádná není schránkou OVM, lze poslat jen jako poštovní datovou zprávu.",
	codeUnknownOp:       "Neznámá operace",
	codeParallel:        "Překročen počet souběžných požadavků pro datovou schránku.",
	codeThrottled:       "Jiný požadavek tohoto účtu se právě zpracovává (omezený režim).",
	codeBoxNotFound:     "Datová schránka neexistuje nebo není přístupná.",
	codeFailure:         "Vnitřní chyba systému.",
}

// status is a result code with its text.
type status struct {
	code, text string
}

func ok() status { return st(codeOK) }

func st(code string) status { return status{code, messages[code]} }

// stf is a status with a text of its own (for example the file name ISDS
// appends to 1214 since 2024).
func stf(code, text string) status { return status{code, text} }
