package sqlite

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/internal/private"
)

// The site's signing key: an ed25519 pair made on first use. The private
// key is a file beside the database (KeyPath), readable by its owner only;
// the public key is kept in the database's settings so that a copy of the
// database can still verify what the site signed.

// KeyPath is the file holding the site's private key.
func (s *Store) KeyPath() string { return s.path + ".key" }

// PublicKey returns the site's public key, or nil before the pair exists.
func (s *Store) PublicKey(ctx context.Context) (ed25519.PublicKey, error) {
	v, err := s.setting(ctx, "site_public_key", "")
	if err != nil || v == "" {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, data.Errorf(data.ECONFLICT, "数据库中的站点公钥已损坏")
	}
	return ed25519.PublicKey(b), nil
}

// signingKey returns the site's private key, making the pair when there is
// none yet. A key file that does not match the public key in the database
// (a database copied to another PC, or a key file swapped) is refused:
// documents signed with it would not verify.
func (s *Store) signingKey(ctx context.Context) (ed25519.PrivateKey, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(s.KeyPath())
	switch {
	case err == nil:
		seed, err := hex.DecodeString(strings.TrimSpace(string(raw)))
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, data.Errorf(data.ECONFLICT, "站点私钥文件 %s 已损坏", s.KeyPath())
		}
		key := ed25519.NewKeyFromSeed(seed)
		if pub == nil {
			return key, s.savePublicKey(ctx, key.Public().(ed25519.PublicKey))
		}
		if !pub.Equal(key.Public()) {
			return nil, data.Errorf(data.ECONFLICT, "站点私钥文件 %s 与本数据库的站点公钥不符，不能签发文书", s.KeyPath())
		}
		return key, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("read site key: %w", err)
	case pub != nil:
		return nil, data.Errorf(data.ECONFLICT, "找不到站点私钥文件 %s（本数据库已有站点公钥）；请从备份恢复该文件", s.KeyPath())
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(s.KeyPath(), []byte(hex.EncodeToString(key.Seed())+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write site key: %w", err)
	}
	return key, s.savePublicKey(ctx, key.Public().(ed25519.PublicKey))
}

func (s *Store) savePublicKey(ctx context.Context, pub ed25519.PublicKey) error {
	v := base64.StdEncoding.EncodeToString(pub)
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec("INSERT OR REPLACE INTO settings (key, value) VALUES ('site_public_key', ?)", v); err != nil {
			return err
		}
		return s.audit(tx, "system", "site.key", "site", fmt.Sprintf(`{"public_key":%q}`, v))
	})
}

// writeFileAtomic writes b to path through a temporary file in the same
// folder and a rename, so the file is either whole or absent.
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	// A secret (the key, a backup) is the user's alone before anything is
	// written into it: mode 0600, and on Windows an ACL (internal/private).
	if perm == 0o600 {
		err = private.File(tmp)
	} else {
		err = f.Chmod(perm)
	}
	if err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
