package data

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/onewindow/onewindow/data/calendar"
)

// ReceiptToken is what the QR code on a document carries: the document and
// case numbers, the issue date and the first 16 bytes of the SHA-256 of
// the document's content, signed with the site's ed25519 key. As text:
//
//	OW1:<document>:<case>:<yyyymmdd>:<hash, base64url>:<signature, base64url>
//
// The signature covers everything before its colon. Colons cannot occur in
// the fields (numbers are digits, letters and '-').
type ReceiptToken struct {
	Document string
	Case     string
	Issued   calendar.Date
	Hash     []byte // 16 bytes
}

const tokenPrefix = "OW1"

// HashSize is how much of the content's SHA-256 a token carries.
const HashSize = 16

// Strict: a token with a changed last character (whose spare bits base64
// would otherwise ignore) is a different, refused token.
var b64 = base64.RawURLEncoding.Strict()

func (t ReceiptToken) signed() string {
	return strings.Join([]string{tokenPrefix, t.Document, t.Case, strings.ReplaceAll(t.Issued.String(), "-", ""), b64.EncodeToString(t.Hash)}, ":")
}

// Sign returns the token text signed with key.
func (t ReceiptToken) Sign(key ed25519.PrivateKey) string {
	msg := t.signed()
	return msg + ":" + b64.EncodeToString(ed25519.Sign(key, []byte(msg)))
}

// SiteCode is the site that issued the document: the first nine digits of
// its number.
func (t ReceiptToken) SiteCode() string {
	if len(t.Document) < 9 {
		return ""
	}
	return t.Document[:9]
}

func tokenError(why string) error {
	return &Error{Code: EINVALID, Field: "token", Message: "回执验证码：" + why}
}

// ParseToken reads a token's fields without checking its signature, and
// returns the signature. Anything malformed is an EINVALID error.
func ParseToken(s string) (ReceiptToken, []byte, error) {
	var t ReceiptToken
	s = strings.TrimSpace(s)
	if len(s) > 400 {
		return t, nil, tokenError("过长，不是本系统的回执")
	}
	parts := strings.Split(s, ":")
	if len(parts) != 6 || parts[0] != tokenPrefix {
		return t, nil, tokenError("格式不正确，不是本系统的回执")
	}
	for _, f := range parts[1:3] {
		if f == "" || len(f) > 40 || strings.Trim(f, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-") != "" {
			return t, nil, tokenError("编号格式不正确")
		}
	}
	t.Document, t.Case = parts[1], parts[2]
	d := parts[3]
	if len(d) != 8 {
		return t, nil, tokenError("日期格式不正确")
	}
	day, err := calendar.ParseDate(d[:4] + "-" + d[4:6] + "-" + d[6:])
	if err != nil {
		return t, nil, tokenError("日期格式不正确")
	}
	t.Issued = day
	if t.Hash, err = b64.DecodeString(parts[4]); err != nil || len(t.Hash) != HashSize {
		return t, nil, tokenError("内容摘要不正确")
	}
	sig, err := b64.DecodeString(parts[5])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return t, nil, tokenError("签名格式不正确")
	}
	return t, sig, nil
}

// VerifyToken parses s and checks its signature against pub.
func VerifyToken(s string, pub ed25519.PublicKey) (ReceiptToken, error) {
	t, sig, err := ParseToken(s)
	if err != nil {
		return t, err
	}
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, []byte(t.signed()), sig) {
		return t, &Error{Code: EINVALID, Field: "token", Message: fmt.Sprintf("回执验证码：签名无效——该回执被改动过，或不是站点 %s 签发的", t.SiteCode())}
	}
	return t, nil
}
