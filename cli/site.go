package cli

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/postgres"
	"github.com/onewindow/onewindow/data/sqlite"
)

// runSite: site init (a new site's database and key), site registration
// (the file for the central office), site register (at the central office),
// site list.
func runSite(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{fmt.Errorf("site 需要子命令：init、registration、register、list 或 trust-centre")}
	}
	switch args[0] {
	case "init":
		return runSiteInit(e, args[1:])
	case "registration":
		return runSiteRegistration(e, args[1:])
	case "register":
		return runSiteRegister(e, args[1:])
	case "list":
		return runSiteList(e, args[1:])
	case "trust-centre":
		return runSiteTrustCentre(e, args[1:])
	}
	return usageError{fmt.Errorf("未知的 site 子命令 %q", args[0])}
}

func runSiteInit(e *env, args []string) error {
	fs := flag.NewFlagSet("site init", flag.ContinueOnError)
	db := dbFlag(fs)
	code := fs.String("code", "", "站点编码：6 位行政区划代码加 3 位站点编号")
	name := fs.String("name", "", "站点名称")
	kind := fs.String("kind", string(data.SiteVillage), "站点类型：centre、township 或 village")
	trial := fs.Bool("demo", false, "试用：本数据库只存演示数据（中心接收演示数据包；文书和窗口标明“样例数据，不作凭证”）")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if postgres.IsURL(*db) {
		site := data.Site{Code: *code, Name: *name, Kind: data.SiteKind(*kind)}
		if err := e.initCentral(*db, site, *trial); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已在 PostgreSQL 上建立中心 %s %s；管理员登录名 admin\n", site.Code, site.Name)
		return nil
	}
	var adminPIN string
	if !*trial {
		// A real site: the administrator's own PIN, from standard input,
		// checked before anything is made; the other sample users choose
		// theirs at their first login.
		line, err := e.line("管理员的新 PIN（6 到 8 位数字）")
		if err != nil {
			return err
		}
		if adminPIN = strings.TrimSpace(line); sqlite.CheckPIN(adminPIN) != nil {
			return sqlite.CheckPIN(adminPIN)
		}
	}
	d, err := defaults()
	if err != nil {
		return err
	}
	s, err := sqlite.CreateSite(e.ctx, *db, data.Site{Code: *code, Name: *name, Kind: data.SiteKind(*kind)}, d)
	if err != nil {
		return err
	}
	defer s.Close()
	if *trial {
		if err := s.MarkSample(e.ctx); err != nil {
			return err
		}
	} else if err := s.ClaimSite(e.ctx, adminPIN); err != nil {
		return err
	}
	reg, err := s.Registration(e.ctx) // makes the key pair
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已建立站点 %s %s：数据库 %s，私钥 %s（仅本机可读，请与数据库一同备份），公钥指纹 %s\n",
		reg.Code, reg.Name, s.Path(), s.KeyPath(), reg.Fingerprint())
	return nil
}

func runSiteRegistration(e *env, args []string) error {
	fs := flag.NewFlagSet("site registration", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员")
	out := fs.String("o", "", "登记文件（带到中心登记；中心的登记文件带到各站点）")
	keyPath := fs.String("key", "", "PostgreSQL 中心的私钥文件（默认在默认数据库旁：centre-中心编码.key）")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if *out == "" {
		return usageError{fmt.Errorf("用法：onewindow site registration -o 文件")}
	}
	if postgres.IsURL(*db) {
		return centreRegistration(e, *db, sg, *keyPath, *out)
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := requireAdmin(u, "生成本站点的登记文件"); err != nil {
		return err
	}
	reg, err := s.Registration(e.ctx)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, exchange.MarshalRegistration(reg), 0o644); err != nil {
		return fmt.Errorf("写入 %s：%w", *out, err)
	}
	fmt.Fprintf(e.stdout, "站点 %s %s 的登记文件已写入 %s；公钥指纹 %s（中心登记时请电话核对）\n", reg.Code, reg.Name, *out, reg.Fingerprint())
	return nil
}

// centreRegistration writes a PostgreSQL centre's registration file, for
// its sites to register (site trust-centre); the centre's key pair is made
// on first use.
func centreRegistration(e *env, db string, sg signer, keyPath, out string) error {
	c, u, err := e.openCentralSigned(db, sg)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := requireAdmin(u, "生成中心的登记文件"); err != nil {
		return err
	}
	s := c.(*postgres.Store)
	site, err := s.Site(e.ctx)
	if err != nil {
		return err
	}
	key, err := s.SigningKey(e.ctx, centreKeyPath(keyPath, site))
	if err != nil {
		return err
	}
	reg, err := s.Registration(e.ctx, key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, exchange.MarshalRegistration(reg), 0o644); err != nil {
		return fmt.Errorf("写入 %s：%w", out, err)
	}
	fmt.Fprintf(e.stdout, "中心 %s %s 的登记文件已写入 %s；公钥指纹 %s（各站点登记时请电话核对）\n", reg.Code, reg.Name, out, reg.Fingerprint())
	return nil
}

func runSiteRegister(e *env, args []string) error {
	fs := flag.NewFlagSet("site register", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员")
	file, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if file == "" {
		return usageError{fmt.Errorf("用法：onewindow site register 登记文件")}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return data.Errorf(data.ENOTFOUND, "读取登记文件 %s 失败：%v", file, err)
	}
	reg, err := exchange.ParseRegistration(b)
	if err != nil {
		return err
	}
	s, u, err := e.openCentralSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	changed, err := s.RegisterSite(e.ctx, u.ID, reg)
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintf(e.stdout, "站点 %s %s 已登记，公钥相同，未作改动\n", reg.Code, reg.Name)
		return nil
	}
	fmt.Fprintf(e.stdout, "已登记站点 %s %s（%s），公钥指纹 %s\n", reg.Code, reg.Name, reg.Kind.Label(), reg.Fingerprint())
	return nil
}

func runSiteList(e *env, args []string) error {
	fs := flag.NewFlagSet("site list", flag.ContinueOnError)
	db := dbFlag(fs)
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	s, err := e.openCentral(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	sites, err := s.Sites(e.ctx)
	if err != nil {
		return err
	}
	for _, x := range sites {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t登记于 %s\n", x.Code, x.Name, x.Kind.Label(), x.Fingerprint(), x.RegisteredAt)
	}
	if len(sites) == 0 {
		fmt.Fprintln(e.stdout, "尚未登记任何站点")
	}
	return nil
}
