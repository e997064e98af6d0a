package data

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
)

// AuditEntry is one link of the hash-chained audit log.
type AuditEntry struct {
	Seq      int64  `json:"seq"`
	At       string `json:"at"`     // RFC 3339 UTC
	Actor    string `json:"actor"`  // login of the user, or "system"
	Action   string `json:"action"` // e.g. case.register, case.accepted, calendar.import
	Entity   string `json:"entity"` // e.g. the case number
	Detail   string `json:"detail"` // JSON
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// AuditGenesis is the previous hash of the first entry.
const AuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash is the entry's link in the chain: SHA-256 over its fields and
// the hash before it.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), e.At, e.Actor, e.Action, e.Entity, e.Detail, e.PrevHash} {
		// Length-prefix every field so that moving text between fields changes the hash.
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}
