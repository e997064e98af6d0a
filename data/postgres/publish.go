package postgres

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/internal/private"
)

// The centre's publications (下发包, exchange/publication.go). The centre
// signs them with an ed25519 key whose private half is a file on the
// machine that publishes (the database's administrators cannot sign), and
// whose public half the database keeps, so that a wrong or replaced file
// is noticed; the sites register the public half once, from the centre's
// registration file.

// SigningKey reads the centre's private key from path, or makes the pair
// there (readable by its owner only) when the centre has none yet.
func (s *Store) SigningKey(ctx context.Context, path string) (ed25519.PrivateKey, error) {
	var stored string
	if err := s.pool.QueryRow(ctx, "SELECT public_key FROM site WHERE id = 1").Scan(&stored); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, data.Errorf(data.ENOTFOUND, "数据库尚未初始化：请先运行 onewindow site init --kind centre --db …")
		}
		return nil, classify(err)
	}
	raw, err := os.ReadFile(path)
	var key ed25519.PrivateKey
	switch {
	case err == nil:
		seed, err := hex.DecodeString(strings.TrimSpace(string(raw)))
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, data.Errorf(data.ECONFLICT, "中心私钥文件 %s 已损坏", path)
		}
		key = ed25519.NewKeyFromSeed(seed)
		if stored != "" {
			if stored != base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)) {
				return nil, data.Errorf(data.ECONFLICT, "中心私钥文件 %s 与数据库中的中心公钥不符，不能签发", path)
			}
			return key, nil
		}
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("read centre key: %w", err)
	case stored != "":
		return nil, data.Errorf(data.ECONFLICT, "找不到中心私钥文件 %s（数据库中已有中心公钥）；请从备份恢复该文件，或用 --key 指明其位置", path)
	default:
		if _, key, err = ed25519.GenerateKey(rand.Reader); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("write centre key %s: %w", path, err)
		}
		_, err = f.WriteString(hex.EncodeToString(key.Seed()) + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = private.File(path)
		}
		if err != nil {
			os.Remove(path)
			return nil, fmt.Errorf("write centre key %s: %w", path, err)
		}
	}
	pub := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	err = s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE site SET public_key = $1 WHERE id = 1 AND public_key = ''", pub)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return s.audit(ctx, tx, "system", "centre.key", "centre", fmt.Sprintf(`{"public_key":%q}`, pub))
	})
	return key, err
}

// Registration is the centre's registration file, for its sites to
// register (onewindow site trust-centre).
func (s *Store) Registration(ctx context.Context, key ed25519.PrivateKey) (exchange.Registration, error) {
	site, err := s.Site(ctx)
	if err != nil {
		return exchange.Registration{}, err
	}
	return exchange.Registration{Format: exchange.RegistrationFormat, Code: site.Code, Name: site.Name, Kind: site.Kind,
		PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))}, nil
}

// Publish makes the centre's next publication from p, signed with key (from
// SigningKey), and records it — its bytes kept — with its audit entry;
// administrators only. It returns the publication's bytes.
func (s *Store) Publish(ctx context.Context, actorID int64, p *exchange.Publication, program string, key ed25519.PrivateKey) ([]byte, error) {
	site, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	var raw []byte
	err = s.write(ctx, func(tx pgx.Tx) error {
		actor, err := requireAdmin(ctx, tx, actorID)
		if err != nil {
			return err
		}
		var stored string
		if err := tx.QueryRow(ctx, "SELECT public_key FROM site WHERE id = 1 FOR UPDATE").Scan(&stored); err != nil {
			return err
		}
		if stored != base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)) {
			return data.Errorf(data.ECONFLICT, "签发用的私钥与数据库中的中心公钥不符")
		}
		var seq int64
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(seq), 0) + 1 FROM publications").Scan(&seq); err != nil {
			return err
		}
		// The county departments' answers to problems reported up.
		if p.Replies, err = takeReplies(ctx, tx, seq, p.Manifest.Sites); err != nil {
			return err
		}
		if p.Empty() {
			return data.Errorf(data.ECONFLICT, "没有可下发的内容：没有事项目录、节假日安排，也没有待发回的上报问题答复")
		}
		if raw, err = p.Seal(site, seq, s.now(), program, key); err != nil {
			return err
		}
		sites, _ := json.Marshal(p.Manifest.Sites)
		if _, err := tx.Exec(ctx, "INSERT INTO publications (seq, sha256, created_at, sites, summary, body) VALUES ($1, $2, $3, $4, $5, $6)",
			seq, p.SHA256, p.Manifest.CreatedAt, string(sites), p.Summary(), raw); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"sha256": p.SHA256, "sites": p.Manifest.Sites, "summary": p.Summary(), "note": p.Manifest.Note})
		return s.audit(ctx, tx, actor, "publication.publish", exchange.PublicationName(site.Code, seq), string(detail))
	})
	return raw, err
}

// PublicationBytes returns the bytes of publication seq, to write a lost
// file again.
func (s *Store) PublicationBytes(ctx context.Context, seq int64) ([]byte, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, "SELECT body FROM publications WHERE seq = $1", seq).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &data.Error{Code: data.ENOTFOUND, Field: "seq", Message: fmt.Sprintf("下发包：第 %d 号不存在", seq)}
	}
	return raw, classify(err)
}
