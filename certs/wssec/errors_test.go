package wssec

import (
	"errors"
	"fmt"
	"testing"
)

func errorsAs(err error, target **Error) bool { return errors.As(err, target) }

// messages holds the texts of every code the package words (its own and
// xmlsig's common ones), for tests that check a rejection has them.
var messages = vocabulary.Texts()

func TestErrorsMessagesAndIs(t *testing.T) {
	codes := []Code{CodeTooLarge, CodeMalformed, CodeForbidden, CodeStructure, CodeWrapping, CodeDuplicateID, CodeComment,
		CodeMissingSig, CodeAlgorithm, CodeWeakKey, CodeKeyReference, CodeUntrusted, CodeCertValidity, CodeBadSignature,
		CodeDigestMismatch, CodeNotCovered, CodeTimestamp, CodeExpired, CodeFuture, CodeReplay, CodeInternal}
	if len(codes) != len(messages) {
		t.Fatalf("%d codes listed, %d with messages", len(codes), len(messages))
	}
	for _, c := range codes {
		t.Run(string(c), func(t *testing.T) {
			e := fmt.Errorf("stage: %w", rejectErr(c, errors.New("cause"), "detail %d", 1))
			if CodeOf(e) != c {
				t.Fatalf("CodeOf = %q", CodeOf(e))
			}
			if !errors.Is(e, &Error{Code: c}) {
				t.Fatal("errors.Is does not match the sentinel")
			}
			if errors.Is(e, &Error{Code: "other"}) {
				t.Fatal("errors.Is matches another code")
			}
			var we *Error
			if !errors.As(e, &we) || we.Message() == "" || we.MessageEN() == "" || we.Message() == we.MessageEN() {
				t.Fatalf("messages %q / %q", we.Message(), we.MessageEN())
			}
			if got := we.Error(); got != "wssec: "+string(c)+": detail 1: cause" {
				t.Fatalf("Error() = %q", got)
			}
		})
	}
	if !errors.Is(reject(CodeReplay, "x"), ErrReplay) || errors.Is(reject(CodeReplay, "x"), ErrExpired) {
		t.Fatal("sentinels do not match by code")
	}
	if CodeOf(errors.New("plain")) != "" {
		t.Fatal("CodeOf of a plain error")
	}
}
