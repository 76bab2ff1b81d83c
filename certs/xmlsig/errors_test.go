package xmlsig

import (
	"errors"
	"fmt"
	"testing"
)

func TestVocabularyWordsEveryCode(t *testing.T) {
	texts := testVocabulary.Texts()
	if len(texts) != len(sharedCodes)+1 {
		t.Fatalf("%d texts, want the %d shared codes and the own one", len(texts), len(sharedCodes))
	}
	for _, c := range append(sharedCodes, codeOwn) {
		t.Run(string(c), func(t *testing.T) {
			e := fmt.Errorf("stage: %w", testVocabulary.RejectErr(c, errors.New("cause"), "detail %d", 1))
			if CodeOf(e) != c {
				t.Fatalf("CodeOf = %q", CodeOf(e))
			}
			if !errors.Is(e, &Error{Code: c}) || errors.Is(e, &Error{Code: "other"}) {
				t.Fatal("errors.Is does not match on the code")
			}
			var xe *Error
			if !errors.As(e, &xe) || xe.Message() != texts[c][0] || xe.MessageEN() != texts[c][1] || xe.Message() == xe.MessageEN() {
				t.Fatalf("texts %q / %q, want %q", xe.Message(), xe.MessageEN(), texts[c])
			}
			if common, ok := commonTexts[c]; ok && texts[c] != common {
				t.Fatalf("common text of %s reworded: %q", c, texts[c])
			}
			if got := xe.Error(); got != "test: "+string(c)+": detail 1: cause" {
				t.Fatalf("Error() = %q", got)
			}
			if errors.Unwrap(xe) == nil || errors.Unwrap(xe).Error() != "cause" {
				t.Fatal("the cause is not unwrapped")
			}
		})
	}
	if got := testVocabulary.Reject(codeOwn, "x").Error(); got != "test: own: x" {
		t.Fatalf("Error() without a cause = %q", got)
	}
	texts[CodeComment] = [2]string{"changed", "changed"}
	if testVocabulary.Texts()[CodeComment] == texts[CodeComment] {
		t.Fatal("Texts returns the vocabulary's own map")
	}
}

func TestSentinels(t *testing.T) {
	if !errors.Is(testVocabulary.Reject(CodeUntrusted, "x"), ErrUntrusted) || errors.Is(testVocabulary.Reject(CodeUntrusted, "x"), ErrCertValidity) {
		t.Fatal("sentinels do not match by code")
	}
	if ErrUntrusted.Error() != "xmlsig: untrusted-certificate" || ErrUntrusted.Message() != commonTexts[CodeUntrusted][0] {
		t.Fatalf("sentinel %q / %q", ErrUntrusted.Error(), ErrUntrusted.Message())
	}
	if CodeOf(errors.New("plain")) != "" || CodeOf(nil) != "" {
		t.Fatal("CodeOf of an error that is no refusal")
	}
}

func TestNewVocabularyRefusesIncompleteWording(t *testing.T) {
	complete := testVocabulary.Texts()
	for c := range commonTexts {
		delete(complete, c)
	}
	tests := []struct {
		name string
		edit func(map[Code][2]string)
	}{
		{name: "rewords-a-common-text", edit: func(m map[Code][2]string) { m[CodeBadSignature] = [2]string{"a", "b"} }},
		{name: "shared-code-without-text", edit: func(m map[Code][2]string) { delete(m, CodeWrapping) }},
		{name: "empty-english-text", edit: func(m map[Code][2]string) { m[codeOwn] = [2]string{"vlastní", ""} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			own := map[Code][2]string{}
			for c, w := range complete {
				own[c] = w
			}
			tc.edit(own)
			defer func() {
				if recover() == nil {
					t.Fatal("NewVocabulary accepted it")
				}
			}()
			NewVocabulary("bad", own)
		})
	}
	NewVocabulary("good", complete) // the unedited wording is accepted
}
