package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// aifoLen is the length of an AIFO in bytes (reg:AifoType).
const aifoLen = 17

// agendaAifo returns p's AIFO in agenda. ISZR derives an AIFO from the
// person's ZIFO and the agenda by a one-way function, so the same person
// has a different AIFO in every agenda; the sandbox models this with the
// seed AIFO for agenda X999 and an HMAC of it for any other agenda.
func agendaAifo(p *Person, agenda string) string {
	if agenda == SampleAgenda {
		return p.Aifo
	}
	key, err := base64.StdEncoding.DecodeString(p.Aifo)
	if err != nil {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("konektor-sim-agenda|" + agenda))
	return base64.StdEncoding.EncodeToString(m.Sum(nil)[:aifoLen])
}

// personByAifo finds the person whose AIFO in agenda is aifo.
func personByAifo(agenda, aifo string) (*Person, bool) {
	for i := range persons {
		if agendaAifo(&persons[i], agenda) == aifo {
			return &persons[i], true
		}
	}
	return nil, false
}

// validAifo reports whether s is base64 of exactly 17 bytes.
func validAifo(s string) bool {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == aifoLen
}
