package exchange

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/problem"
)

// A publication (下发包) carries what a central office keeps for its sites —
// the catalogue (departments, items, fee schedules, waiver policies; and,
// for one site that wishes it, its windows and staff) and the State
// Council's holiday schedule — from the centre to the sites, the other way
// from a bundle. It is a zip like a bundle: manifest.json (centre,
// sequence, addressees, members with their SHA-256), manifest.sig (the
// centre's ed25519 signature of manifest.json, base64), catalogue.json
// (the sheets of a catalogue workbook, as onboarding reads them) and
// calendar.txt (a schedule in the text form calendar.ParseText reads). A
// site registers the centre's key once, applies its publications in
// sequence, and keeps what the centre does not name (its own additions).
// replies.jsonl carries county departments' answers to problems townships
// reported up (上报), one JSON object a line.

// PublicationFormat names the format and its version.
const PublicationFormat = "onewindow-publication/1"

// PublicationExt is the file name extension of publications.
const PublicationExt = ".owp"

// Limits of a publication: a province's catalogue is a few megabytes.
const (
	MaxPublicationBytes  = 64 << 20
	maxPublicationMember = 128 << 20
)

// PublicationName is the file name of a centre's publication number seq.
func PublicationName(centre string, seq int64) string {
	return fmt.Sprintf("%s-pub-%06d%s", centre, seq, PublicationExt)
}

var rePublicationName = regexp.MustCompile(`^([0-9]{9})-pub-([0-9]{6})\.owp$`)

// ParsePublicationName returns the centre and sequence a file name gives.
func ParsePublicationName(name string) (centre string, seq int64, ok bool) {
	m := rePublicationName.FindStringSubmatch(name)
	if m == nil {
		return "", 0, false
	}
	fmt.Sscanf(m[2], "%d", &seq)
	return m[1], seq, seq > 0
}

// PublicationManifest describes a publication; it is what the centre signs.
type PublicationManifest struct {
	Format     string         `json:"format"`
	Centre     string         `json:"centre"`
	CentreName string         `json:"centre_name"`
	Seq        int64          `json:"seq"`
	CreatedAt  string         `json:"created_at"` // UTC
	Sites      []string       `json:"sites"`      // addressees; none = every site
	Note       string         `json:"note"`       // what the centre says it is for
	Program    string         `json:"program"`
	Members    []BundleMember `json:"members"`
}

// For says whether the publication is addressed to site.
func (m PublicationManifest) For(site string) bool {
	return len(m.Sites) == 0 || slices.Contains(m.Sites, site)
}

// Publication is a publication's content.
type Publication struct {
	Manifest    PublicationManifest
	manifestRaw []byte
	signature   []byte
	SHA256      string // of the whole file

	Catalogue *catalogue.Book // nil when it carries none
	Calendar  []byte          // the schedule's text; nil when none
	Schedule  *calendar.Schedule
	// Replies are county departments' answers to problems townships
	// reported up (replies.jsonl, one per line); each site takes those of
	// its own problems.
	Replies []problem.Reply
}

// Empty says whether the publication carries nothing.
func (p *Publication) Empty() bool {
	return p.Catalogue == nil && p.Calendar == nil && len(p.Replies) == 0
}

// MaxReplies bounds the answers one publication carries.
const MaxReplies = 100000

// Encode writes the publication signed with key and returns its bytes; the
// manifest's members are filled in here.
func (p *Publication) Encode(key ed25519.PrivateKey) ([]byte, error) {
	created, err := data.ParseTime(p.Manifest.CreatedAt)
	if err != nil {
		return nil, err
	}
	p.Manifest.Format = PublicationFormat
	var members []zipMember
	if p.Catalogue != nil {
		body, err := json.Marshal(p.Catalogue)
		if err != nil {
			return nil, err
		}
		members = append(members, zipMember{"catalogue.json", body})
	}
	if p.Calendar != nil {
		members = append(members, zipMember{"calendar.txt", p.Calendar})
	}
	if len(p.Replies) > 0 {
		var body bytes.Buffer
		for _, r := range p.Replies {
			line, err := json.Marshal(r)
			if err != nil {
				return nil, err
			}
			body.Write(line)
			body.WriteByte('\n')
		}
		members = append(members, zipMember{"replies.jsonl", body.Bytes()})
	}
	p.Manifest.Members = nil
	for _, m := range members {
		sum := sha256.Sum256(m.body)
		p.Manifest.Members = append(p.Manifest.Members, BundleMember{Name: m.name, Lines: bytes.Count(m.body, []byte("\n")), SHA256: hex.EncodeToString(sum[:])})
	}
	manifest, err := json.MarshalIndent(p.Manifest, "", "  ")
	if err != nil {
		return nil, err
	}
	p.manifestRaw, p.signature = manifest, ed25519.Sign(key, manifest)
	raw, err := signedZip(created, manifest, p.signature, members)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	p.SHA256 = hex.EncodeToString(sum[:])
	return raw, nil
}

// Seal makes the publication the centre's number seq, made at now by
// program, and encodes it signed with key.
func (p *Publication) Seal(centre data.Site, seq int64, now time.Time, program string, key ed25519.PrivateKey) ([]byte, error) {
	p.Manifest.Centre, p.Manifest.CentreName, p.Manifest.Seq = centre.Code, centre.Name, seq
	p.Manifest.CreatedAt, p.Manifest.Program = data.FormatTime(now), program
	if p.Manifest.Sites == nil {
		p.Manifest.Sites = []string{}
	}
	return p.Encode(key)
}

// PublicationError is how a damaged, foreign or forged publication is
// refused.
func PublicationError(format string, args ...any) error {
	return &data.Error{Code: data.EINVALID, Field: "publication", Message: "中心下发包：" + fmt.Sprintf(format, args...)}
}

// ReadPublication decodes a publication whose manifest verifies with the
// centre's key, and only then reads its members (each against its
// SHA-256, within the size limits). Anything damaged, truncated, foreign
// or forged is an EINVALID error saying what is wrong; it never panics,
// whatever the bytes (FuzzReadPublication).
func ReadPublication(raw []byte, centre string, pub ed25519.PublicKey) (*Publication, error) {
	if len(raw) > MaxPublicationBytes {
		return nil, PublicationError("文件过大（%d 字节）", len(raw))
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, PublicationError("文件不完整或已损坏；可能在拷贝时被中断，请向中心重新索取")
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return nil, PublicationError("成员 %s 重复", f.Name)
		}
		files[f.Name] = f
	}
	p := &Publication{}
	sum := sha256.Sum256(raw)
	p.SHA256 = hex.EncodeToString(sum[:])
	if p.manifestRaw, err = readMember(files, "manifest.json", 1<<20); err != nil {
		return nil, PublicationError("缺少或无法读取清单")
	}
	sig, err := readMember(files, "manifest.sig", 1<<10)
	if err != nil {
		return nil, PublicationError("缺少签名")
	}
	p.signature, err = base64.StdEncoding.DecodeString(strings.TrimSpace(string(sig)))
	if err != nil || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, p.manifestRaw, p.signature) {
		return nil, PublicationError("签名无效：不是本站点登记的中心（%s）签发的，或已被改动", centre)
	}
	dec := json.NewDecoder(bytes.NewReader(p.manifestRaw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p.Manifest); err != nil {
		return nil, PublicationError("清单无法解析：%v", err)
	}
	m := p.Manifest
	if m.Format != PublicationFormat {
		return nil, PublicationError("格式 %q 不是本程序能读的（%s）", m.Format, PublicationFormat)
	}
	if m.Centre != centre {
		return nil, PublicationError("由中心 %s 签发，本站点登记的中心是 %s", m.Centre, centre)
	}
	if m.Seq < 1 {
		return nil, PublicationError("序号 %d 不正确", m.Seq)
	}
	if _, err := data.ParseTime(m.CreatedAt); err != nil {
		return nil, PublicationError("生成时间 %q 不正确", m.CreatedAt)
	}
	for _, s := range m.Sites {
		if !data.SiteCodeRE.MatchString(s) {
			return nil, PublicationError("收件站点 %q 不是站点编码", s)
		}
	}
	for _, mem := range m.Members {
		if !reSHA256.MatchString(mem.SHA256) {
			return nil, PublicationError("成员 %s 的校验和格式不正确", mem.Name)
		}
		body, err := readMember(files, mem.Name, maxPublicationMember)
		if err != nil {
			return nil, PublicationError("成员 %s 无法读取，文件已损坏", mem.Name)
		}
		if s := sha256.Sum256(body); hex.EncodeToString(s[:]) != mem.SHA256 {
			return nil, PublicationError("成员 %s 的校验和不符，文件已损坏或被改动", mem.Name)
		}
		switch mem.Name {
		case "catalogue.json":
			var b catalogue.Book
			if err := json.Unmarshal(body, &b); err != nil {
				return nil, PublicationError("事项目录无法解析：%v", err)
			}
			p.Catalogue = &b
		case "calendar.txt":
			sched, err := calendar.ParseText(body)
			if err != nil {
				return nil, PublicationError("节假日安排：%v", err)
			}
			p.Calendar, p.Schedule = body, &sched
		case "replies.jsonl":
			if p.Replies, err = ReadReplies(body); err != nil {
				return nil, err
			}
		default:
			return nil, PublicationError("成员 %s 不是本程序认识的内容，请升级程序", mem.Name)
		}
	}
	return p, nil
}

// ReadReplies decodes and checks the answers a publication carries (its
// replies.jsonl): every line a reply that validates, at most MaxReplies.
// Anything else is an EINVALID error; it never panics (FuzzReadReplies).
func ReadReplies(body []byte) ([]problem.Reply, error) {
	var out []problem.Reply
	for i, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n")) {
		if i >= MaxReplies {
			return nil, PublicationError("上报问题答复超过 %d 条", MaxReplies)
		}
		var r problem.Reply
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, PublicationError("上报问题答复第 %d 行无法解析：%v", i+1, err)
		}
		if err := r.Validate(); err != nil {
			return nil, PublicationError("上报问题答复第 %d 行：%s", i+1, data.ErrorMessage(err))
		}
		out = append(out, r)
	}
	return out, nil
}

// ReadPublicationFile reads a publication file, refusing one over the
// size limit before reading it.
func ReadPublicationFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxPublicationBytes {
		return nil, PublicationError("%s 过大（%d 字节）", path, st.Size())
	}
	return os.ReadFile(path)
}

// PublicationSummary says in a line what a publication carries.
func (p *Publication) Summary() string {
	var parts []string
	if p.Catalogue != nil {
		var sheets []string
		for _, s := range p.Catalogue.Sheets {
			if s.Name != catalogue.SheetHelp {
				sheets = append(sheets, fmt.Sprintf("%s %d 行", s.Name, max(len(s.Rows)-1, 0)))
			}
		}
		parts = append(parts, "事项目录（"+strings.Join(sheets, "，")+"）")
	}
	if p.Schedule != nil {
		parts = append(parts, fmt.Sprintf("节假日安排 %v 年", p.Schedule.Years))
	}
	if len(p.Replies) > 0 {
		parts = append(parts, fmt.Sprintf("上报问题答复 %d 条", len(p.Replies)))
	}
	if len(parts) == 0 {
		return "（无内容）"
	}
	return strings.Join(parts, "；")
}
