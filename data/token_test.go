package data

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data/calendar"
)

// FuzzParseToken: whatever a scanner types into 验证回执, the parser returns
// an error or a token whose fields survive a round trip; it never panics.
func FuzzParseToken(f *testing.F) {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	good := ReceiptToken{Document: "330102001-2026-SL000001", Case: "330102001202603020001", Issued: calendar.NewDate(2026, 3, 2), Hash: make([]byte, HashSize)}.Sign(key)
	for _, s := range []string{good, "", "OW1", "OW1:::::", "OW1:a:b:20261301:x:y", good[:len(good)-3], good + ":", strings.Repeat(":", 6)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, sig, err := ParseToken(s)
		if err != nil {
			if ErrorField(err) != "token" {
				t.Fatalf("%q: error without the field: %v", s, err)
			}
			return
		}
		if len(tok.Hash) != HashSize || len(sig) != ed25519.SignatureSize || tok.Document == "" || tok.Case == "" {
			t.Fatalf("%q parsed to %+v", s, tok)
		}
		if _, err := VerifyToken(s, key.Public().(ed25519.PublicKey)); err == nil && s != good {
			// Only the token signed above verifies with this key.
			if again := tok.Sign(key); again != strings.TrimSpace(s) {
				t.Fatalf("%q verifies but re-signs as %q", s, again)
			}
		}
	})
}
