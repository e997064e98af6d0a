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

// Chain checks the entries of a hash chain one at a time, in order: each
// must follow the one before it in number and link, and hash to what it
// says. The first that does not is named in BadSeq and Problem.
type Chain struct {
	prev    string
	want    int64
	Entries int64
	BadSeq  int64
	Problem string
}

// NewChain starts a check after entry seq with hash prev (0 and
// AuditGenesis for a whole chain).
func NewChain(seq int64, prev string) *Chain { return &Chain{prev: prev, want: seq + 1} }

// Next checks the next entry; false when the chain breaks there.
func (c *Chain) Next(e *AuditEntry) bool {
	if c.BadSeq != 0 {
		return false
	}
	c.Entries++
	switch {
	case e.Seq != c.want:
		c.BadSeq, c.Problem = c.want, fmt.Sprintf("审计记录第 %d 条缺失（下一条为第 %d 条）", c.want, e.Seq)
	case e.PrevHash != c.prev:
		c.BadSeq, c.Problem = e.Seq, fmt.Sprintf("审计记录第 %d 条与上一条的链接不符", e.Seq)
	case e.ComputeHash() != e.Hash:
		c.BadSeq, c.Problem = e.Seq, fmt.Sprintf("审计记录第 %d 条的内容已被改动（哈希不符）", e.Seq)
	default:
		c.prev, c.want = e.Hash, c.want+1
		return true
	}
	return false
}
