package cli

import (
	"crypto/ed25519"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/postgres"
	"github.com/onewindow/onewindow/data/sqlite"
)

// From the centre to its sites: publish (at the centre) writes a signed
// publication into the exchange folder; site trust-centre (at a site)
// registers the centre's key once; receive (at a site) takes the
// centre's publications in sequence.

// centreKeyPath is where a PostgreSQL centre's private key is: --key, or
// beside the default database.
func centreKeyPath(flagValue string, site data.Site) string {
	if flagValue != "" {
		return flagValue
	}
	return filepath.Join(filepath.Dir(DefaultDBPath()), "centre-"+site.Code+".key")
}

func runPublish(e *env, args []string) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员")
	out := fs.String("to", "", "写入的文件夹（交换文件夹）")
	sites := fs.String("sites", "", "只发给这些站点（站点编码，逗号分隔）；不给则发给所有站点")
	note := fs.String("note", "", "说明（随下发包给站点看）")
	cal := fs.String("calendar", "", "国务院节假日安排文件（与 calendar import 相同的文本格式）")
	again := fs.Int64("again", 0, "把已下发的第 N 号再写一次（文件丢失时）")
	keyPath := fs.String("key", "", "PostgreSQL 中心的私钥文件（默认在默认数据库旁：centre-中心编码.key）")
	replies := fs.Bool("replies", false, "只下发上报问题的答复（有目录或节假日安排时答复总是随附）")
	var paths []string
	for rest := args; ; {
		if err := parse(e, fs, rest, true); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		paths, rest = append(paths, fs.Arg(0)), fs.Args()[1:]
	}
	if *out == "" || (len(paths) == 0 && *cal == "" && *again == 0 && !*replies) {
		return usageError{fmt.Errorf("用法：onewindow publish [事项目录.xlsx|.csv…] [--calendar 节假日安排.txt] [--replies] [--sites 站点编码,…] [--note 说明] --to 文件夹 --user 登录名")}
	}
	p := &exchange.Publication{Manifest: exchange.PublicationManifest{Note: *note, Sites: []string{}}}
	if *sites != "" {
		for _, code := range strings.Split(*sites, ",") {
			code = strings.TrimSpace(code)
			if !data.SiteCodeRE.MatchString(code) {
				return usageError{fmt.Errorf("--sites：%q 不是站点编码（9 位数字）", code)}
			}
			p.Manifest.Sites = append(p.Manifest.Sites, code)
		}
	}
	if len(paths) > 0 {
		book, _, err := readCatalogueFiles(paths)
		if err != nil {
			return err
		}
		c, problems := catalogue.Parse(book)
		if len(problems) > 0 {
			return printProblems(e, problems)
		}
		if (len(c.Users) > 0 || len(c.Windows) > 0) && len(p.Manifest.Sites) != 1 {
			return usageError{fmt.Errorf("文件中有窗口或人员：它们属于一个站点，请用 --sites 指明这一个站点")}
		}
		p.Catalogue = &book
	}
	if *cal != "" {
		raw, err := os.ReadFile(*cal)
		if err != nil {
			return err
		}
		if _, err := calendar.ParseText(raw); err != nil {
			return data.Errorf(data.EINVALID, "%s：%v", *cal, err)
		}
		p.Calendar = raw
	}
	c, u, err := e.openCentralSigned(*db, sg)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := requireAdmin(u, "下发"); err != nil {
		return err
	}
	site, err := c.Site(e.ctx)
	if err != nil {
		return err
	}
	var raw []byte
	switch s := c.(type) {
	case *sqlite.Store:
		if *again > 0 {
			raw, err = s.PublicationBytes(e.ctx, *again)
		} else {
			raw, err = s.Publish(e.ctx, u.ID, p, "onewindow "+Version)
		}
	case *postgres.Store:
		if *again > 0 {
			raw, err = s.PublicationBytes(e.ctx, *again)
			break
		}
		var key ed25519.PrivateKey
		if key, err = s.SigningKey(e.ctx, centreKeyPath(*keyPath, site)); err == nil {
			raw, err = s.Publish(e.ctx, u.ID, p, "onewindow "+Version, key)
		}
	}
	if err != nil {
		return err
	}
	seq := *again
	if seq == 0 {
		seq = p.Manifest.Seq
	}
	name := filepath.Join(*out, exchange.PublicationName(site.Code, seq))
	if err := writeNew(name, raw); err != nil {
		return fmt.Errorf("第 %d 号下发包已记录，但文件无法写入 %s（%v）：请用 --again %d 再写一次", seq, name, err, seq)
	}
	what := p.Summary()
	if *again > 0 {
		what = "（再次写出）"
	}
	fmt.Fprintf(e.stdout, "第 %d 号下发包已写入 %s：%s\n", seq, name, what)
	return nil
}

// writeNew writes a file through a temporary name, so that a site never
// reads half of it.
func writeNew(path string, b []byte) error {
	tmp := path + ".part"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// runSiteTrustCentre registers the centre whose publications this site
// takes.
func runSiteTrustCentre(e *env, args []string) error {
	fs := flag.NewFlagSet("site trust-centre", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员")
	replace := fs.Bool("replace", false, "替换已登记的另一个中心（或中心的新密钥）")
	file, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if file == "" {
		return usageError{fmt.Errorf("用法：onewindow site trust-centre 中心登记文件.json [--replace] --user 登录名")}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	reg, err := exchange.ParseRegistration(raw)
	if err != nil {
		return err
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	changed, err := s.TrustCentre(e.ctx, u.ID, reg, *replace)
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintf(e.stdout, "中心 %s %s 已登记，未改动\n", reg.Code, reg.Name)
		return nil
	}
	fmt.Fprintf(e.stdout, "已登记中心 %s %s；公钥指纹 %s（请与中心电话核对）\n", reg.Code, reg.Name, reg.Fingerprint())
	return nil
}

// runReceive takes the centre's publications from a folder.
func runReceive(e *env, args []string) error {
	fs := flag.NewFlagSet("receive", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员")
	staff := fs.Bool("with-staff", false, "同时采用下发包中给本站点的窗口和人员")
	dry := fs.Bool("dry-run", false, "只检查并列出将要发生的变化，不写入")
	slips := fs.String("slips", "", "新用户一次性 PIN 密码条（PDF）的保存位置；采用的人员中有新用户时必须给出")
	dir, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if dir == "" {
		return usageError{fmt.Errorf("用法：onewindow receive 文件夹 [--with-staff] [--dry-run] [--slips 密码条.pdf] --user 登录名")}
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	site, err := s.Site(e.ctx)
	if err != nil {
		return err
	}
	o := sqlite.Receive{WithStaff: *staff, DryRun: *dry}
	if *staff && !*dry {
		o.Deliver = func(users []sqlite.NewUser) error {
			if *slips == "" {
				return data.Errorf(data.EINVALID, "下发包中有 %d 名新用户：请用 --slips 文件.pdf 指定一次性 PIN 密码条的保存位置", len(users))
			}
			return writeSlips(*slips, site.Name, users, e)
		}
	}
	res, err := s.ReceivePublications(e.ctx, u.ID, dir, o)
	if err != nil {
		return err
	}
	n := map[exchange.ImportOutcome]int{}
	for _, r := range res {
		n[r.Outcome]++
		fmt.Fprintf(e.stdout, "%s  %s  %s\n", filepath.Base(r.File), r.Outcome.Label(), r.Message)
		for _, p := range r.Catalogue.Problems {
			fmt.Fprintln(e.stderr, "  "+p.String())
		}
		if len(r.Catalogue.Counts) > 0 {
			printCatalogueResult(e, r.Catalogue, "  事项目录：")
		}
		if r.Calendar != nil {
			fmt.Fprintf(e.stdout, "  节假日安排：%v 年，%d 天，重算 %d 件未办结办件的期限\n", r.Calendar.Years, r.Calendar.Days, r.Calendar.CasesChanged)
		}
		if len(r.Catalogue.NewUsers) > 0 {
			fmt.Fprintf(e.stdout, "  %d 名新用户的一次性 PIN 已写入 %s（仅所有者可读）\n", len(r.Catalogue.NewUsers), *slips)
		}
	}
	head := "共"
	if *dry {
		head = "试运行，未写入任何内容。共"
	}
	summary := fmt.Sprintf("%s %d 个下发包：接收 %d，已接收过 %d，暂缓 %d，拒收 %d", head, len(res), n[exchange.ImportApplied], n[exchange.ImportAlready], n[exchange.ImportHeld], n[exchange.ImportRejected])
	switch {
	case n[exchange.ImportRejected] > 0:
		return importOutcome{ExitRejected, summary + "（拒收的下发包未改动任何数据；其后的暂缓）"}
	case n[exchange.ImportHeld] > 0:
		return importOutcome{ExitHeld, summary + "（缺少的前序下发包到达后再次接收即可）"}
	}
	fmt.Fprintln(e.stdout, summary)
	return nil
}
