package data

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// RegistrationFormat names the registration file's format and version.
const RegistrationFormat = "onewindow-site-registration/1"

// Registration is what a site takes to the central office: who it is and
// the public key its bundles and documents are signed with.
type Registration struct {
	Format    string   `json:"format"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Kind      SiteKind `json:"kind"`
	PublicKey string   `json:"public_key"` // base64 ed25519
}

// Fingerprint is a short form of the key to read aloud over the phone when
// the central office confirms a registration: the first 8 bytes of its
// SHA-256, in hex groups.
func (r Registration) Fingerprint() string {
	sum := sha256.Sum256([]byte(r.PublicKey))
	h := hex.EncodeToString(sum[:8])
	return h[:4] + "-" + h[4:8] + "-" + h[8:12] + "-" + h[12:]
}

// Registration returns this site's registration, making its key pair if it
// has none yet.
func (s *Store) Registration(ctx context.Context) (Registration, error) {
	site, err := s.Site(ctx)
	if err != nil {
		return Registration{}, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return Registration{}, err
	}
	return Registration{Format: RegistrationFormat, Code: site.Code, Name: site.Name, Kind: site.Kind,
		PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))}, nil
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
		return r, fieldError("registration", "站点登记文件", "过大，不是登记文件")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, fieldError("registration", "站点登记文件", "格式不正确（%v）", err)
	}
	if dec.More() {
		return r, fieldError("registration", "站点登记文件", "末尾有多余的内容")
	}
	if r.Format != RegistrationFormat {
		return r, fieldError("format", "站点登记文件", "版本 %q 不受支持（应为 %s）", r.Format, RegistrationFormat)
	}
	site := Site{Code: r.Code, Name: r.Name, Kind: r.Kind}
	if err := site.Validate(); err != nil {
		return r, err
	}
	key, err := base64.StdEncoding.Strict().DecodeString(r.PublicKey)
	if err != nil || len(key) != ed25519.PublicKeySize {
		return r, fieldError("public_key", "站点公钥", "不是有效的 ed25519 公钥")
	}
	return r, nil
}

// RegisteredSite is a site known to the central office.
type RegisteredSite struct {
	Registration
	RegisteredAt string
}

// RegisterSite records a site's registration at the central office;
// administrators only. Registering the same key again changes nothing; a
// different key for a code already registered is refused — bundles signed
// with the old key would stop verifying, and a forged file must not be
// able to take a site's place.
func (s *Store) RegisterSite(ctx context.Context, actorID int64, r Registration) (changed bool, err error) {
	if r, err = ParseRegistration(MarshalRegistration(r)); err != nil {
		return false, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		actor, err := requireAdmin(tx, actorID)
		if err != nil {
			return err
		}
		var old string
		err = tx.QueryRow("SELECT public_key FROM sites WHERE code = ?", r.Code).Scan(&old)
		switch {
		case err == nil && old == r.PublicKey:
			return nil
		case err == nil:
			return &Error{Code: ECONFLICT, Field: "public_key", Message: fmt.Sprintf("站点 %s 已登记了另一把公钥；如确需更换，请先核实并注销原登记", r.Code)}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.Exec("INSERT INTO sites (code, name, kind, public_key, registered_at) VALUES (?, ?, ?, ?, ?)",
			r.Code, r.Name, r.Kind, r.PublicKey, fmtTime(s.now())); err != nil {
			return err
		}
		changed = true
		detail, _ := json.Marshal(map[string]string{"name": r.Name, "kind": string(r.Kind), "fingerprint": r.Fingerprint()})
		return s.audit(tx, actor, "site.register", r.Code, string(detail))
	})
	return changed, err
}

// Sites lists the registered sites by code.
func (s *Store) Sites(ctx context.Context) ([]RegisteredSite, error) {
	var out []RegisteredSite
	err := s.eachRow(ctx, "SELECT code, name, kind, public_key, registered_at FROM sites ORDER BY code", nil, func(sc func(...any) error) error {
		var r RegisteredSite
		r.Format = RegistrationFormat
		if err := sc(&r.Code, &r.Name, &r.Kind, &r.PublicKey, &r.RegisteredAt); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}
