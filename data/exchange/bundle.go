package exchange

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/policy"
)

// A bundle carries a site's changes to the central office (onewindow
// export / import). The container is a zip file of JSON Lines, because:
//   - it streams and compresses well (a day of a township's cases is a few
//     hundred kilobytes) and the Go standard library reads and writes it;
//   - every record is one line of plain JSON that a person can read with
//     any unzip tool when a bundle is questioned, and that an older or a
//     newer program can still read field by field;
//   - a zip's directory is at its end, so a bundle cut short on a pulled
//     USB stick does not open at all, and every member carries a CRC-32.
//
// An SQLite file was the other candidate: no parsing, but a foreign SQLite
// file is a large attack surface to open at the central office, it cannot
// be read without a program, and its bytes are not stable, so "the same
// sequence exported again gives the same bytes" would need more care.
//
// Members: manifest.json (site, sequence, period, counts, program and the
// SHA-256 and line count of every other member), manifest.sig (the site's
// ed25519 signature of manifest.json, base64) and one .jsonl member per kind
// of record. Records name each other by their natural keys (case number,
// item code, login, …), never by a site's row ids, which mean nothing in
// another database.

// BundleFormat names the bundle format and its version.
const BundleFormat = "onewindow-bundle/1"

// BundleExt is the file name extension of bundles.
const BundleExt = ".owb"

// Limits of one bundle: a long offline period is exported as several.
const (
	MaxBundleCases = 10000 // cases per bundle
	MaxBundleAudit = 50000 // audit entries per bundle
	MaxBundleBytes = 1 << 30
	maxMemberBytes = 512 << 20
	// MaxBundleUncompressed bounds what all members of a bundle may
	// decompress to, read from the zip's directory before anything is
	// decompressed. A full bundle (10,000 cases with their events and
	// 50,000 audit entries) is about 40 MB.
	MaxBundleUncompressed = 160 << 20
)

// maxLines bounds each member's record count before a slice is made for
// it: cases and what is one per case by MaxBundleCases, events and fee
// lines by a generous multiple, the audit by MaxBundleAudit, the
// catalogue by what a centre's catalogue holds.
func maxLines(member string) int {
	switch member {
	case "cases.jsonl", "applicants.jsonl", "ratings.jsonl", "rectifications.jsonl", "themes.jsonl":
		return MaxBundleCases
	case "events.jsonl":
		return 64 * MaxBundleCases
	case "fees.jsonl", "waivers.jsonl", "extensions.jsonl", "documents.jsonl":
		return 16 * MaxBundleCases
	case "problems.jsonl":
		return MaxBundleCases
	case "problem_events.jsonl", "problem_documents.jsonl":
		return 64 * MaxBundleCases
	case "audit.jsonl":
		return MaxBundleAudit
	}
	return 100000
}

// BundleName is the file name of a site's bundle number seq.
func BundleName(site string, seq int64) string {
	return fmt.Sprintf("%s-%06d%s", site, seq, BundleExt)
}

// Manifest describes a bundle; it is what the site signs.
type Manifest struct {
	Format    string         `json:"format"`
	Site      string         `json:"site"`
	SiteName  string         `json:"site_name"`
	Seq       int64          `json:"seq"`
	CreatedAt string         `json:"created_at"` // UTC
	From      string         `json:"from"`       // changes made after this ('' = from the start)
	To        string         `json:"to"`         // and up to this
	Program   string         `json:"program"`
	Schema    int            `json:"schema"`
	AuditFrom int64          `json:"audit_from"` // first audit entry carried (0 = none)
	AuditTo   int64          `json:"audit_to"`   // last audit entry carried
	Members   []BundleMember `json:"members"`
	// Sample marks a bundle of a database holding demo data; only a
	// centre made for trials takes it.
	Sample bool `json:"sample,omitempty"`
	// Checkpoints are the site's signed checkpoints of its audit chain
	// whose entries this bundle carries.
	Checkpoints []Checkpoint `json:"checkpoints,omitempty"`
}

// Checkpoint is a site's signature of its audit chain's head: entry Seq
// had hash Hash at At. A history rewritten after it no longer matches.
type Checkpoint struct {
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	At        string `json:"at"`
	Signature string `json:"signature"` // base64 ed25519 over CheckpointMessage
}

// CheckpointMessage is what a site signs for a checkpoint.
func CheckpointMessage(site string, seq int64, hash, at string) []byte {
	return fmt.Appendf(nil, "onewindow-checkpoint/1\n%s\n%d\n%s\n%s\n", site, seq, hash, at)
}

// Verify says whether the checkpoint is signed by the site's key.
func (c Checkpoint) Verify(site string, pub ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	return err == nil && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, CheckpointMessage(site, c.Seq, c.Hash, c.At), sig)
}

// BundleMember is one member file of a bundle.
type BundleMember struct {
	Name   string `json:"name"`
	Lines  int    `json:"lines"`
	SHA256 string `json:"sha256"`
}

// Count returns the number of records in the member called name.
func (m Manifest) Count(name string) int {
	for _, x := range m.Members {
		if x.Name == name {
			return x.Lines
		}
	}
	return 0
}

// Bundle is a bundle's content, decoded.
type Bundle struct {
	Manifest    Manifest
	manifestRaw []byte
	signature   []byte
	SHA256      string // of the whole file

	Departments    []Department
	Items          []Item
	Windows        []Window
	Users          []User
	Policies       []Policy
	Calendar       []CalendarDay
	Applicants     []Applicant
	Cases          []Case
	Events         []Event
	Fees           []Fee
	Waivers        []Waiver
	Extensions     []Extension
	Ratings        []Rating
	Rectifications []Rectification
	Documents      []Document
	// 一件事: the theme cases whose items the bundle carries.
	Themes []ThemeCase
	// 企业反映问题 (bundles made before problems travelled have none).
	Problems         []Problem
	ProblemEvents    []ProblemEvent
	ProblemDocuments []ProblemDocument
	Audit            []data.AuditEntry
}

// members lists the bundle's record members in the order they are written
// and applied: what others refer to comes first.
func (b *Bundle) members() []struct {
	name string
	list any // pointer to the slice
} {
	return []struct {
		name string
		list any
	}{
		{"departments.jsonl", &b.Departments},
		{"items.jsonl", &b.Items},
		{"windows.jsonl", &b.Windows},
		{"users.jsonl", &b.Users},
		{"policies.jsonl", &b.Policies},
		{"calendar.jsonl", &b.Calendar},
		{"applicants.jsonl", &b.Applicants},
		{"cases.jsonl", &b.Cases},
		{"events.jsonl", &b.Events},
		{"fees.jsonl", &b.Fees},
		{"waivers.jsonl", &b.Waivers},
		{"extensions.jsonl", &b.Extensions},
		{"ratings.jsonl", &b.Ratings},
		{"rectifications.jsonl", &b.Rectifications},
		{"documents.jsonl", &b.Documents},
		{"themes.jsonl", &b.Themes},
		{"problems.jsonl", &b.Problems},
		{"problem_events.jsonl", &b.ProblemEvents},
		{"problem_documents.jsonl", &b.ProblemDocuments},
		{"audit.jsonl", &b.Audit},
	}
}

// Encode writes the bundle as a zip signed with key and returns its bytes.
// The manifest's Members are filled in here. The same content gives the
// same bytes (fixed member order and times).
func (b *Bundle) Encode(key ed25519.PrivateKey) ([]byte, error) {
	created, err := data.ParseTime(b.Manifest.CreatedAt)
	if err != nil {
		return nil, err
	}
	b.Manifest.Members = nil
	var members []zipMember
	for _, m := range b.members() {
		var body bytes.Buffer
		list := reflect.ValueOf(m.list).Elem()
		for i := 0; i < list.Len(); i++ {
			line, err := json.Marshal(list.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			body.Write(line)
			body.WriteByte('\n')
		}
		sum := sha256.Sum256(body.Bytes())
		b.Manifest.Members = append(b.Manifest.Members, BundleMember{Name: m.name, Lines: list.Len(), SHA256: hex.EncodeToString(sum[:])})
		members = append(members, zipMember{m.name, body.Bytes()})
	}
	manifest, err := json.MarshalIndent(b.Manifest, "", "  ")
	if err != nil {
		return nil, err
	}
	b.manifestRaw = manifest
	b.signature = ed25519.Sign(key, manifest)
	raw, err := signedZip(created, manifest, b.signature, members)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	b.SHA256 = hex.EncodeToString(sum[:])
	return raw, nil
}

// zipMember is one member of a signed zip.
type zipMember struct {
	name string
	body []byte
}

// signedZip writes a bundle's or a publication's zip: manifest.json, its
// signature (base64, manifest.sig), then the members, in that order, each
// with the time created so that the same content gives the same bytes.
func signedZip(created time.Time, manifest, signature []byte, members []zipMember) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	all := append([]zipMember{{"manifest.json", manifest}, {"manifest.sig", []byte(base64.StdEncoding.EncodeToString(signature) + "\n")}}, members...)
	for _, m := range all {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Deflate, Modified: created})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(m.body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// BundleError is how a damaged or foreign bundle is refused.
func BundleError(format string, args ...any) error {
	return &data.Error{Code: data.EINVALID, Field: "bundle", Message: "数据包：" + fmt.Sprintf(format, args...)}
}

var (
	reCaseNumber = regexp.MustCompile(`^[0-9]{9}[0-9]{8}[0-9]{4}$`)
	reSHA256     = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// ReadBundle decodes a bundle file: the zip, the manifest and its format,
// every member's length and SHA-256 against the manifest, and every record.
// It does not check the signature (Verify does, against the registered
// key). Anything damaged, truncated or foreign is an EINVALID error saying
// what is wrong; it never panics, whatever the bytes (FuzzReadBundle).
func ReadBundle(raw []byte) (*Bundle, error) {
	b, files, err := OpenBundle(raw)
	if err != nil {
		return nil, err
	}
	if err := b.readMembers(files); err != nil {
		return nil, err
	}
	return b, nil
}

// ReadVerified decodes a bundle whose manifest verifies with the site's
// public key, and only then: the signature is checked on the manifest
// alone, before any member is decompressed, and the members' declared sizes
// and record counts are held to the limits before anything is allocated,
// so a forged or oversized file costs the importer next to nothing.
// keyOf returns a site's registered key (false when the site is not
// registered).
func ReadVerified(raw []byte, keyOf func(site string) (ed25519.PublicKey, bool)) (*Bundle, error) {
	b, files, err := OpenBundle(raw)
	if err != nil {
		return nil, err
	}
	pub, ok := keyOf(b.Manifest.Site)
	if !ok {
		return nil, BundleError("站点 %s 尚未在本中心登记，请先登记其登记文件", b.Manifest.Site)
	}
	if err := b.Verify(pub); err != nil {
		return nil, err
	}
	if err := b.readMembers(files); err != nil {
		return nil, err
	}
	return b, nil
}

// OpenBundle reads the zip directory and the manifest only, and holds the
// members' declared sizes and record counts to the limits.
func OpenBundle(raw []byte) (*Bundle, map[string]*zip.File, error) {
	if len(raw) > MaxBundleBytes {
		return nil, nil, BundleError("文件过大（%d 字节）", len(raw))
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, nil, BundleError("文件不完整或已损坏，不是可读的数据包；可能在拷贝时被中断，请让站点重新导出")
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return nil, nil, BundleError("成员 %s 重复", f.Name)
		}
		files[f.Name] = f
	}
	b := &Bundle{}
	sum := sha256.Sum256(raw)
	b.SHA256 = hex.EncodeToString(sum[:])
	if b.manifestRaw, err = readMember(files, "manifest.json", 1<<20); err != nil {
		return nil, nil, err
	}
	sig, err := readMember(files, "manifest.sig", 1024)
	if err != nil {
		return nil, nil, err
	}
	if b.signature, err = base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(string(sig))); err != nil || len(b.signature) != ed25519.SignatureSize {
		return nil, nil, BundleError("签名格式不正确")
	}
	dec := json.NewDecoder(bytes.NewReader(b.manifestRaw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b.Manifest); err != nil {
		return nil, nil, BundleError("清单格式不正确（%v）", err)
	}
	m := &b.Manifest
	if m.Format != BundleFormat {
		return nil, nil, BundleError("格式 %q 不受支持（本程序读取 %s）", m.Format, BundleFormat)
	}
	if !data.SiteCodeRE.MatchString(m.Site) {
		return nil, nil, BundleError("站点编码 %q 不正确", m.Site)
	}
	if m.Seq < 1 {
		return nil, nil, BundleError("序号 %d 不正确", m.Seq)
	}
	if _, err := data.ParseTime(m.CreatedAt); err != nil {
		return nil, nil, BundleError("生成时间 %q 不正确", m.CreatedAt)
	}
	if m.AuditFrom < 0 || m.AuditTo < m.AuditFrom || (m.AuditFrom == 0) != (m.AuditTo == 0) {
		return nil, nil, BundleError("审计记录范围 %d–%d 不正确", m.AuditFrom, m.AuditTo)
	}
	listed := map[string]BundleMember{}
	for _, x := range m.Members {
		if _, dup := listed[x.Name]; dup || x.Lines < 0 || !reSHA256.MatchString(x.SHA256) {
			return nil, nil, BundleError("清单中的成员 %q 不正确", x.Name)
		}
		listed[x.Name] = x
	}
	var total uint64
	for name, f := range files {
		if _, ok := listed[name]; !ok && name != "manifest.json" && name != "manifest.sig" {
			return nil, nil, BundleError("成员 %s 不在清单中", name)
		}
		total += f.UncompressedSize64
		if f.UncompressedSize64 > maxMemberBytes || total > MaxBundleUncompressed {
			return nil, nil, BundleError("解压后过大（超过 %d MB），不是正常的数据包", MaxBundleUncompressed>>20)
		}
	}
	for _, x := range m.Members {
		if x.Lines > maxLines(x.Name) {
			return nil, nil, BundleError("成员 %s 声称有 %d 条记录，超过一个数据包的上限 %d", x.Name, x.Lines, maxLines(x.Name))
		}
	}
	return b, files, nil
}

// optionalMember: members added to the format later, which a bundle of an
// older program does not have (it carries none of those records).
var optionalMember = map[string]bool{"problems.jsonl": true, "problem_events.jsonl": true, "problem_documents.jsonl": true, "themes.jsonl": true}

// readMembers reads and checks every record member against the manifest.
func (b *Bundle) readMembers(files map[string]*zip.File) error {
	listed := map[string]BundleMember{}
	for _, x := range b.Manifest.Members {
		listed[x.Name] = x
	}
	for _, mem := range b.members() {
		x, ok := listed[mem.name]
		if !ok && optionalMember[mem.name] {
			continue // a bundle of a program from before they travelled
		}
		if !ok {
			return BundleError("清单缺少成员 %s", mem.name)
		}
		// The member's hash (which the signed manifest names) is checked
		// as it streams, before it is held in memory: a member swapped
		// under a genuine manifest costs no more than reading it.
		if err := hashMember(files, mem.name, x.SHA256); err != nil {
			return err
		}
		body, err := readMember(files, mem.name, maxMemberBytes)
		if err != nil {
			return err
		}
		if err := decodeLines(body, mem.list, x.Lines, mem.name); err != nil {
			return err
		}
	}
	return b.check()
}

// hashMember decompresses a member without keeping it and compares its
// SHA-256 with want.
func hashMember(files map[string]*zip.File, name, want string) error {
	f, ok := files[name]
	if !ok {
		return BundleError("缺少成员 %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return BundleError("成员 %s 无法读取，文件已损坏", name)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(rc, maxMemberBytes+1)); err != nil {
		return BundleError("成员 %s 已损坏（解压失败或校验不符），文件不完整或被改动", name)
	}
	if hex.EncodeToString(h.Sum(nil)) != want {
		return BundleError("成员 %s 的校验和不符，文件已损坏或被改动", name)
	}
	return nil
}

func readMember(files map[string]*zip.File, name string, limit int64) ([]byte, error) {
	f, ok := files[name]
	if !ok {
		return nil, BundleError("缺少成员 %s", name)
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, BundleError("成员 %s 过大", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, BundleError("成员 %s 无法读取，文件已损坏", name)
	}
	defer rc.Close()
	// Read into a buffer of the declared size (bounded above): no
	// doubling as it grows.
	buf := bytes.NewBuffer(make([]byte, 0, min(f.UncompressedSize64, uint64(limit))+1))
	_, err = buf.ReadFrom(io.LimitReader(rc, limit+1))
	body := buf.Bytes()
	if err != nil {
		return nil, BundleError("成员 %s 已损坏（解压失败或校验不符），文件不完整或被改动", name)
	}
	if int64(len(body)) > limit {
		return nil, BundleError("成员 %s 过大", name)
	}
	return body, nil
}

// decodeLines decodes one JSON record per line into the slice list points to.
func decodeLines(body []byte, list any, want int, name string) error {
	slice := reflect.ValueOf(list).Elem()
	if want > len(body) {
		return BundleError("成员 %s 的记录数 %d 与清单不符", name, want)
	}
	slice.Set(reflect.MakeSlice(slice.Type(), 0, want))
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), maxMemberBytes)
	n := 0
	for sc.Scan() {
		n++
		rec := reflect.New(slice.Type().Elem())
		if err := json.Unmarshal(sc.Bytes(), rec.Interface()); err != nil {
			return BundleError("成员 %s 第 %d 行格式不正确（%v）", name, n, err)
		}
		slice.Set(reflect.Append(slice, rec.Elem()))
	}
	if err := sc.Err(); err != nil {
		return BundleError("成员 %s 无法读取（%v）", name, err)
	}
	if n != want {
		return BundleError("成员 %s 有 %d 条记录，清单写的是 %d 条", name, n, want)
	}
	return nil
}

// check refuses records that do not belong to the bundle's site or do not
// hang together. Only the site that registered a case writes it (records
// are owned by their site), so a bundle may carry nothing but its own
// site's cases and documents.
func (b *Bundle) check() error {
	site := b.Manifest.Site
	if err := b.checkTimes(); err != nil {
		return err
	}
	if err := b.checkApplicants(); err != nil {
		return err
	}
	cases := make(map[string]bool, len(b.Cases))
	for _, c := range b.Cases {
		if !reCaseNumber.MatchString(c.Number) || !strings.HasPrefix(c.Number, site) {
			return BundleError("办件编号 %q 不属于站点 %s", c.Number, site)
		}
		if cases[c.Number] {
			return BundleError("办件 %s 重复", c.Number)
		}
		cases[c.Number] = true
		if _, err := data.ParseTime(c.ReceivedAt); err != nil {
			return BundleError("办件 %s 的收件时间不正确", c.Number)
		}
	}
	inBundle := func(what, number string) error {
		if !cases[number] {
			return BundleError("%s所属的办件 %q 不在本数据包中", what, number)
		}
		return nil
	}
	// Every record of a case names a case carried in the same bundle.
	for _, m := range []struct {
		what string
		list any
	}{{"事件", b.Events}, {"收费", b.Fees}, {"减免", b.Waivers}, {"延期申请", b.Extensions}, {"评价", b.Ratings},
		{"整改", b.Rectifications}, {"文书", b.Documents}} {
		v := reflect.ValueOf(m.list)
		for i := 0; i < v.Len(); i++ {
			if err := inBundle(m.what, v.Index(i).FieldByName("Case").String()); err != nil {
				return err
			}
		}
	}
	for _, e := range b.Events {
		if e.Seq < 1 || !json.Valid([]byte(e.Data)) {
			return BundleError("办件 %s 的事件 %d 不正确", e.Case, e.Seq)
		}
	}
	for _, d := range b.Documents {
		if !strings.HasPrefix(d.Number, site+"-") {
			return BundleError("文书编号 %q 不属于站点 %s", d.Number, site)
		}
	}
	if err := b.checkThemes(); err != nil {
		return err
	}
	if err := b.checkProblems(); err != nil {
		return err
	}
	for _, p := range b.Policies {
		if _, err := policy.ParseRule(p.Rule); err != nil {
			return BundleError("减免政策 %q 的适用条件不正确：%s", p.Code, data.ErrorMessage(err))
		}
	}
	if n := len(b.Audit); n > 0 {
		if b.Audit[0].Seq != b.Manifest.AuditFrom || b.Audit[n-1].Seq != b.Manifest.AuditTo || int64(n) != b.Manifest.AuditTo-b.Manifest.AuditFrom+1 {
			return BundleError("审计记录与清单的范围 %d–%d 不符", b.Manifest.AuditFrom, b.Manifest.AuditTo)
		}
		for i, e := range b.Audit {
			if e.Seq != b.Manifest.AuditFrom+int64(i) || e.ComputeHash() != e.Hash || (i > 0 && e.PrevHash != b.Audit[i-1].Hash) {
				return BundleError("站点审计记录第 %d 条不完整或已被改动", e.Seq)
			}
		}
	} else if b.Manifest.AuditFrom != 0 {
		return BundleError("清单写有审计记录 %d–%d，但数据包中没有", b.Manifest.AuditFrom, b.Manifest.AuditTo)
	}
	for _, c := range b.Manifest.Checkpoints {
		i := c.Seq - b.Manifest.AuditFrom
		if b.Manifest.AuditFrom == 0 || i < 0 || i >= int64(len(b.Audit)) || b.Audit[i].Hash != c.Hash {
			return BundleError("检查点（审计记录第 %d 条）与数据包中的审计记录不符", c.Seq)
		}
	}
	return nil
}

// MaxClockSkew is how far a record's time may lie after its bundle was
// made (a PC clock a little ahead); anything later is not a time the site
// could have recorded.
const MaxClockSkew = 24 * time.Hour

// checkTimes refuses record times after the bundle was made: the centre
// keeps the newest version of a shared applicant, so a time in the year
// 9999 would overwrite it for good.
func (b *Bundle) checkTimes() error {
	created, err := data.ParseTime(b.Manifest.CreatedAt)
	if err != nil {
		return BundleError("生成时间 %q 不正确", b.Manifest.CreatedAt)
	}
	latest := created.Add(MaxClockSkew)
	at := func(what, v string) error {
		t, err := data.ParseTime(v)
		if err != nil {
			return BundleError("%s的时间 %q 不正确", what, v)
		}
		if t.After(latest) {
			return BundleError("%s的时间 %s 晚于数据包的生成时间 %s", what, v, b.Manifest.CreatedAt)
		}
		return nil
	}
	for _, a := range b.Applicants {
		if err := at("申请人 "+a.IDCode+" ", a.UpdatedAt); err != nil {
			return err
		}
	}
	for _, c := range b.Cases {
		if err := at("办件 "+c.Number+" 收件", c.ReceivedAt); err != nil {
			return err
		}
	}
	for _, e := range b.Events {
		if err := at(fmt.Sprintf("办件 %s 事件 %d ", e.Case, e.Seq), e.At); err != nil {
			return err
		}
	}
	for _, r := range b.Rectifications {
		if err := at("办件 "+r.Case+" 整改", r.UpdatedAt); err != nil {
			return err
		}
	}
	for _, t := range b.Themes {
		if err := at("主题件 "+t.Number+" 收件", t.ReceivedAt); err != nil {
			return err
		}
		if t.DeliveredAt != nil {
			if err := at("主题件 "+t.Number+" 出件", *t.DeliveredAt); err != nil {
				return err
			}
		}
	}
	for _, p := range b.Problems {
		if err := at("问题 "+p.Number+" 登记", p.ReceivedAt); err != nil {
			return err
		}
	}
	for _, e := range b.ProblemEvents {
		if err := at(fmt.Sprintf("问题 %s 事件 %d ", e.Problem, e.Seq), e.At); err != nil {
			return err
		}
	}
	for _, e := range b.Audit {
		if err := at(fmt.Sprintf("审计记录 %d ", e.Seq), e.At); err != nil {
			return err
		}
	}
	return nil
}

// checkApplicants holds the shared applicants to what the intake form
// accepts (name, code, contact, phone, address and their lengths).
func (b *Bundle) checkApplicants() error {
	created, _ := data.ParseTime(b.Manifest.CreatedAt)
	for _, r := range b.Applicants {
		a := data.Applicant{Kind: data.ApplicantKind(r.Kind), Name: r.Name, IDCode: r.IDCode, Contact: r.Contact, Phone: r.Phone, Address: r.Address}
		if errs := a.Problems(created); len(errs) > 0 {
			return BundleError("申请人 %q：%s", r.IDCode, data.ErrorMessage(errs[0]))
		}
	}
	return nil
}

// Verify checks the site's signature of the manifest with its registered
// public key.
func (b *Bundle) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, b.manifestRaw, b.signature) {
		return BundleError("签名与站点 %s 登记的公钥不符（数据包被改动或伪造）", b.Manifest.Site)
	}
	return nil
}

// ErrNoChanges says an export found nothing new to carry.
var ErrNoChanges = errors.New("no changes")
