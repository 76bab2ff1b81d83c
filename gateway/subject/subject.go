// Package subject turns a data subject's identifier — the AIFO reference
// of a natural person or the IČO of a legal person; for data-box searches
// (ISDS) also a data box ID or a person's name and date of birth — into
// the keyed hash the access log keeps (AccessEntry.Subject): the log then
// holds no plain personal identifier, yet an auditor who knows an
// identifier finds every access to it by hashing it with the same key.
//
// Hash = kind ":" lowercase hex of the first 16 bytes of
// HMAC-SHA256(key, "konektor-subject-v1" NUL kind NUL identifier), with
// kind "aifo", "ico", "dbid" or "person" and the identifier normalised:
// surrounding space removed; an IČO as 8 digits with leading zeros; a box
// ID in lower case; a person as "surname|given names|YYYY-MM-DD" (date
// optional) in lower case with runs of space made one; kind "rc" (a rodné
// číslo, ČÚZK owner searches) as its 9 or 10 digits without the slash.
package subject

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// rcForm is a rodné číslo as people write it, with the slash.
var rcForm = regexp.MustCompile(`^[0-9]{6}/[0-9]{3,4}$`)

// Kinds of identifiers.
const (
	KindAIFO = "aifo"
	KindICO  = "ico"
	// KindDataBox is a data box ID (ISDS dbID: 7 characters).
	KindDataBox = "dbid"
	// KindPerson is a natural person searched by name and date of birth
	// (ISDS FindDataBox2): "surname|given names|YYYY-MM-DD".
	KindPerson = "person"
	// KindRC is a rodné číslo (birth number; ČÚZK owner searches): 9 or
	// 10 digits, hashed without the slash.
	KindRC = "rc"
)

// MinKeySize is the shortest key New accepts.
const MinKeySize = 32

// maxAIFO bounds an AIFO reference (ISZR's are base64 of a few dozen bytes).
const maxAIFO = 128

// hashHex is how many hex digits a hash carries (128 bits).
const hashHex = 32

// Errors.
var (
	ErrKey        = errors.New("subject: key")
	ErrIdentifier = errors.New("subject: invalid identifier")
)

// Hasher computes keyed hashes of subject identifiers. It is safe for
// concurrent use.
type Hasher struct {
	key []byte
}

// New returns a Hasher with key (at least MinKeySize bytes, kept secret:
// whoever has it can test guesses of identifiers against the log).
func New(key []byte) (*Hasher, error) {
	if len(key) < MinKeySize {
		return nil, fmt.Errorf("%w: %d bytes, want at least %d", ErrKey, len(key), MinKeySize)
	}
	return &Hasher{key: append([]byte(nil), key...)}, nil
}

// Hash returns the keyed hash of an identifier of kind (KindAIFO or KindICO).
func (h *Hasher) Hash(kind, id string) (string, error) {
	norm, err := normalize(kind, id)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte("konektor-subject-v1\x00" + kind + "\x00" + norm))
	return kind + ":" + hex.EncodeToString(mac.Sum(nil))[:hashHex], nil
}

// normalize checks id and returns its canonical form.
func normalize(kind, id string) (string, error) {
	id = strings.TrimSpace(id)
	switch kind {
	case KindICO:
		digits := strings.ReplaceAll(id, " ", "")
		if digits == "" || len(digits) > 8 || strings.Trim(digits, "0123456789") != "" {
			return "", fmt.Errorf("%w: IČO %q is not 1–8 digits", ErrIdentifier, id)
		}
		return strings.Repeat("0", 8-len(digits)) + digits, nil
	case KindAIFO:
		if id == "" || len(id) > maxAIFO {
			return "", fmt.Errorf("%w: an AIFO reference has 1–%d characters", ErrIdentifier, maxAIFO)
		}
		for _, r := range id {
			if r <= ' ' || r > '~' {
				return "", fmt.Errorf("%w: an AIFO reference has only visible ASCII characters", ErrIdentifier)
			}
		}
		return id, nil
	case KindDataBox:
		box := strings.ToLower(id)
		if len(box) != 7 || strings.Trim(box, "abcdefghijkmnpqrstuvwxyz23456789") != "" {
			return "", fmt.Errorf("%w: a data box ID has 7 characters a–z, 2–9 (no l, o)", ErrIdentifier)
		}
		return box, nil
	case KindPerson:
		parts := strings.Split(id, "|")
		if len(parts) < 2 || len(parts) > 3 || len(id) > maxAIFO*2 {
			return "", fmt.Errorf("%w: a person is surname|given names|date of birth", ErrIdentifier)
		}
		for i, p := range parts {
			parts[i] = strings.ToLower(strings.Join(strings.Fields(p), " "))
		}
		if parts[0] == "" || strings.ContainsRune(id, 0) {
			return "", fmt.Errorf("%w: a person needs a surname", ErrIdentifier)
		}
		if len(parts) == 2 {
			parts = append(parts, "")
		}
		return strings.Join(parts, "|"), nil
	case KindRC:
		digits := strings.ReplaceAll(id, " ", "")
		if len(digits) > 6 && digits[6] == '/' {
			digits = digits[:6] + digits[7:]
		}
		if (len(digits) != 9 && len(digits) != 10) || strings.Trim(digits, "0123456789") != "" {
			return "", fmt.Errorf("%w: a rodné číslo has 9 or 10 digits (NNNNNN/NNNN)", ErrIdentifier)
		}
		return digits, nil
	default:
		return "", fmt.Errorf("%w: unknown kind %q (want %s, %s, %s, %s or %s)", ErrIdentifier, kind, KindAIFO, KindICO, KindDataBox, KindPerson, KindRC)
	}
}

// IsHash reports whether s has the form of a hash Hash returns.
func IsHash(s string) bool {
	kind, h, ok := strings.Cut(s, ":")
	if !ok || (kind != KindAIFO && kind != KindICO && kind != KindDataBox && kind != KindPerson && kind != KindRC) || len(h) != hashHex {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil && strings.ToLower(h) == h
}

// Search turns what an auditor typed into the hash to search for: a hash
// as such; "ico:…" (or "IČO:…"), "aifo:…", "dbid:…" (or "schránka:…") or
// "person:surname|given names|YYYY-MM-DD" (or "osoba:…") or "rc:…" (or
// "rč:…") as that kind; a rodné číslo written with its slash
// (NNNNNN/NNN or NNNNNN/NNNN) as such; 1–8 digits (spaces allowed) as an
// IČO; anything else as an AIFO reference.
func (h *Hasher) Search(input string) (string, error) {
	in := strings.TrimSpace(input)
	if IsHash(in) {
		return in, nil
	}
	if kind, id, ok := strings.Cut(in, ":"); ok {
		switch strings.ToLower(strings.TrimSpace(kind)) {
		case KindICO, "ičo":
			return h.Hash(KindICO, id)
		case KindAIFO:
			return h.Hash(KindAIFO, id)
		case KindDataBox, "schránka", "schranka":
			return h.Hash(KindDataBox, id)
		case KindPerson, "osoba":
			return h.Hash(KindPerson, id)
		case KindRC, "rč":
			return h.Hash(KindRC, id)
		}
	}
	if rcForm.MatchString(in) {
		return h.Hash(KindRC, in)
	}
	if digits := strings.ReplaceAll(in, " ", ""); digits != "" && len(digits) <= 8 && strings.Trim(digits, "0123456789") == "" {
		return h.Hash(KindICO, digits)
	}
	return h.Hash(KindAIFO, in)
}
