package exchange

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"github.com/onewindow/onewindow/data"
)

// RegistrationFormat names the registration file's format and version.
const RegistrationFormat = "onewindow-site-registration/1"

// Registration is what a site takes to the central office: who it is and
// the public key its bundles and documents are signed with.
type Registration struct {
	Format    string        `json:"format"`
	Code      string        `json:"code"`
	Name      string        `json:"name"`
	Kind      data.SiteKind `json:"kind"`
	PublicKey string        `json:"public_key"` // base64 ed25519
}

// Fingerprint is a short form of the key to read aloud over the phone when
// the central office confirms a registration: the first 8 bytes of its
// SHA-256, in hex groups.
func (r Registration) Fingerprint() string {
	sum := sha256.Sum256([]byte(r.PublicKey))
	h := hex.EncodeToString(sum[:8])
	return h[:4] + "-" + h[4:8] + "-" + h[8:12] + "-" + h[12:]
}

// MarshalRegistration writes the registration file.
func MarshalRegistration(r Registration) []byte {
	b, _ := json.MarshalIndent(r, "", "  ")
	return append(b, '\n')
}

// ParseRegistration reads a registration file; anything else is an
// EINVALID error that names what is wrong.
func ParseRegistration(b []byte) (Registration, error) {
	var r Registration
	if len(b) > 64<<10 {
		return r, data.FieldError("registration", "站点登记文件", "过大，不是登记文件")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, data.FieldError("registration", "站点登记文件", "格式不正确（%v）", err)
	}
	if dec.More() {
		return r, data.FieldError("registration", "站点登记文件", "末尾有多余的内容")
	}
	if r.Format != RegistrationFormat {
		return r, data.FieldError("format", "站点登记文件", "版本 %q 不受支持（应为 %s）", r.Format, RegistrationFormat)
	}
	site := data.Site{Code: r.Code, Name: r.Name, Kind: r.Kind}
	if err := site.Validate(); err != nil {
		return r, err
	}
	key, err := base64.StdEncoding.Strict().DecodeString(r.PublicKey)
	if err != nil || len(key) != ed25519.PublicKeySize {
		return r, data.FieldError("public_key", "站点公钥", "不是有效的 ed25519 公钥")
	}
	return r, nil
}

// RegisteredSite is a site known to the central office.
type RegisteredSite struct {
	Registration
	RegisteredAt string
}
