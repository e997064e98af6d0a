package sqlite

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/scrypt"

	"github.com/onewindow/onewindow/data"
)

// A copy of the site key that leaves the PC with a backup (a USB stick, a
// shared folder) is encrypted with a passphrase the user types: scrypt
// (N 2^15, r 8, p 1) makes the key, XChaCha20-Poly1305 seals the key file.
// The file is one line of text: the format, then base64 of salt, nonce and
// sealed key.

const keyFileFormat = "onewindow-key/1"

// MinPassphrase is the shortest passphrase for a key copy.
const MinPassphrase = 8

// CheckPassphrase refuses a passphrase too short to protect the key.
func CheckPassphrase(p string) error {
	if utf8.RuneCountInString(p) < MinPassphrase {
		return data.FieldError("passphrase", "私钥口令", "至少 %d 个字符", MinPassphrase)
	}
	return nil
}

func passphraseKey(pass string, salt []byte) ([]byte, error) {
	return scrypt.Key([]byte(pass), salt, 1<<15, 8, 1, chacha20poly1305.KeySize)
}

// sealKey encrypts a key file's content with the passphrase.
func sealKey(plain []byte, pass string) ([]byte, error) {
	if err := CheckPassphrase(pass); err != nil {
		return nil, err
	}
	salt := make([]byte, 16)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	k, err := passphraseKey(pass, salt)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return nil, err
	}
	sealed := aead.Seal(nil, nonce, plain, []byte(keyFileFormat))
	body := append(append(salt, nonce...), sealed...)
	return []byte(keyFileFormat + " " + base64.StdEncoding.EncodeToString(body) + "\n"), nil
}

// openKey decrypts what sealKey wrote; a wrong passphrase or a changed
// file is refused.
func openKey(file []byte, pass string) ([]byte, error) {
	bad := data.FieldError("passphrase", "私钥口令", "不正确，或私钥文件已损坏")
	format, enc, ok := strings.Cut(strings.TrimSpace(string(file)), " ")
	if !ok || format != keyFileFormat {
		return nil, data.FieldError("file", "私钥文件", "格式不正确")
	}
	body, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(body) < 16+chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, data.FieldError("file", "私钥文件", "格式不正确")
	}
	salt, nonce, sealed := body[:16], body[16:16+chacha20poly1305.NonceSizeX], body[16+chacha20poly1305.NonceSizeX:]
	k, err := passphraseKey(pass, salt)
	if err != nil {
		return nil, fmt.Errorf("passphrase: %w", err)
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, nonce, sealed, []byte(keyFileFormat))
	if err != nil {
		return nil, bad
	}
	return plain, nil
}
