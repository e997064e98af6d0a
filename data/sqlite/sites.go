package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
)

// Registration returns this site's registration, making its key pair if it
// has none yet.
func (s *Store) Registration(ctx context.Context) (exchange.Registration, error) {
	site, err := s.Site(ctx)
	if err != nil {
		return exchange.Registration{}, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return exchange.Registration{}, err
	}
	return exchange.Registration{Format: exchange.RegistrationFormat, Code: site.Code, Name: site.Name, Kind: site.Kind,
		PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))}, nil
}

// RegisterSite records a site's registration at the central office;
// administrators only. Registering the same key again changes nothing; a
// different key for a code already registered is refused — bundles signed
// with the old key would stop verifying, and a forged file must not be
// able to take a site's place.
func (s *Store) RegisterSite(ctx context.Context, actorID int64, r exchange.Registration) (changed bool, err error) {
	if r, err = exchange.ParseRegistration(exchange.MarshalRegistration(r)); err != nil {
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
			return &data.Error{Code: data.ECONFLICT, Field: "public_key", Message: fmt.Sprintf("站点 %s 已登记了另一把公钥；如确需更换，请先核实并注销原登记", r.Code)}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.Exec("INSERT INTO sites (code, name, kind, public_key, registered_at) VALUES (?, ?, ?, ?, ?)",
			r.Code, r.Name, r.Kind, r.PublicKey, data.FormatTime(s.now())); err != nil {
			return err
		}
		changed = true
		detail, _ := json.Marshal(map[string]string{"name": r.Name, "kind": string(r.Kind), "fingerprint": r.Fingerprint()})
		return s.audit(tx, actor, "site.register", r.Code, string(detail))
	})
	return changed, err
}

// Sites lists the registered sites by code.
func (s *Store) Sites(ctx context.Context) ([]exchange.RegisteredSite, error) {
	var out []exchange.RegisteredSite
	err := s.eachRow(ctx, "SELECT code, name, kind, public_key, registered_at FROM sites ORDER BY code", nil, func(sc func(...any) error) error {
		var r exchange.RegisteredSite
		r.Format = exchange.RegistrationFormat
		if err := sc(&r.Code, &r.Name, &r.Kind, &r.PublicKey, &r.RegisteredAt); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}
