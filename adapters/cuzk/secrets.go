package cuzk

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// MaxSecretBytes bounds a password file.
const MaxSecretBytes = 4096

// PolicySecrets resolve an account's password from the reference its
// policy entry names (secret: env:NAME or file:PATH). The password is read
// at every call, so a changed file or variable takes effect at once.
type PolicySecrets struct {
	Policy   func() Policy
	Getenv   func(string) string          // nil = os.Getenv
	ReadFile func(string) ([]byte, error) // nil = os.ReadFile
}

// ErrNoSecret is returned when an account has no usable password.
var ErrNoSecret = errors.New("cuzk: no password for the account")

// Password implements Credentials.
func (p PolicySecrets) Password(account string) (string, error) {
	pol := p.Policy()
	if pol == nil {
		return "", fmt.Errorf("%w %s: no policy", ErrNoSecret, account)
	}
	a, ok := pol.CadastreAccountOf(account)
	if !ok {
		return "", fmt.Errorf("%w %s: not in the policy", ErrNoSecret, account)
	}
	kind, ref, _ := strings.Cut(a.Secret, ":")
	var pw string
	switch kind {
	case "env":
		get := p.Getenv
		if get == nil {
			get = os.Getenv
		}
		pw = get(ref)
	case "file":
		read := p.ReadFile
		if read == nil {
			read = os.ReadFile
		}
		b, err := read(ref)
		if err != nil {
			return "", fmt.Errorf("%w %s: %v", ErrNoSecret, account, err)
		}
		if len(b) > MaxSecretBytes {
			return "", fmt.Errorf("%w %s: the file is too large", ErrNoSecret, account)
		}
		pw = strings.TrimRight(string(b), "\r\n")
	default:
		return "", fmt.Errorf("%w %s: secret reference must be env:NAME or file:PATH", ErrNoSecret, account)
	}
	if pw == "" {
		return "", fmt.Errorf("%w %s: %s is empty", ErrNoSecret, account, a.Secret)
	}
	return pw, nil
}

var _ Credentials = PolicySecrets{}
