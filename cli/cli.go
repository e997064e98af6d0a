// Package cli is OneWindow's command line: the same binary as the GUI, the
// same services (package data), and documented exit codes so that the
// central office can run it from a scheduled job.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/postgres"
	"github.com/onewindow/onewindow/data/sqlite"
)

// Exit codes.
const (
	ExitOK       = 0 // done
	ExitError    = 1 // the command failed; the message says why
	ExitUsage    = 2 // wrong command line
	ExitVerify   = 3 // verify found a damaged file or a broken audit chain
	ExitInternal = 4 // a bug or an environment failure (see the log line)
	ExitHeld     = 5 // import: some bundles wait for a missing earlier bundle of their site
	ExitRejected = 6 // import: some bundles were damaged, forged or from an unknown site
)

// Version is the program version (set by the build).
var Version = "0.1.0"

// GUI runs the graphical program, which opens the store with open (so that
// it can show a slow opening, or why opening failed, in a window) and
// returns once open has returned; main supplies it so that this package
// stays free of the UI toolkit.
type GUI func(open Opener) error

// Opener opens the database the GUI runs on: a site's or a SQLite
// centre's file (Site), or a central office's PostgreSQL server (Centre,
// with --db postgres://…). Exactly one is set.
type Opener struct {
	Site   func() (*sqlite.Store, error)
	Centre func() (*postgres.Store, error)
}

type env struct {
	ctx    context.Context
	stdin  io.Reader
	in     *bufio.Reader // stdin read line by line (line)
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
}

type command struct {
	name    string
	summary string // "" = not listed in the help
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "用生成的真实感办件填充数据库（试用和性能测试）", runDemo},
		{"cases", "输出办件及其计时（--json 每行一个 JSON 对象）", runCases},
		{"themes", "输出一件事（主题件）及其整体计时（--json 每行一个 JSON 对象）：themes [--today 日期]", runThemes},
		{"problems", "输出企业反映问题及其计时（--json 每行一个 JSON 对象）：problems [--status S] [--today 日期]", runProblems},
		{"bulletin", "每月督查通报（PDF）：bulletin --month YYYY-MM -o 通报.pdf", runBulletin},
		{"problem", "企业反映问题：problem register --code 信用代码 --name 企业 --category 类别 --text 内容；problem record 编号 --kind 操作 …", runProblem},
		{"verify", "检查数据库完整性、审计链和统计汇总：verify [--repair 从办件重建不一致的汇总]", runVerify},
		{"calendar", "工作日历：show 显示，import 导入新年度安排，site-day 本站点的例外（如周六开窗）", runCalendar},
		{"receipt", "出具或补打文书 PDF：receipt 办件编号 [--kind accept|supplement|refuse|complete|waiver] [--size A4|A5] [--two-part] -o 文件", runReceipt},
		{"verify-receipt", "离线核验文书二维码：verify-receipt 二维码内容", runVerifyReceipt},
		{"report", "统计报表：report --from 日期 --to 日期 [--by department|window|item|clerk|site] [--format pdf|xlsx|csv] -o 文件", runReport},
		{"site", "站点身份：site init --code 编码 --name 名称 --kind 类型（新站点的数据库和密钥）；site registration -o 文件；site register 文件（中心）；site list；site trust-centre 中心登记文件（站点）", runSite},
		{"export", "导出本站点自上次导出以来的变动：export --to 文件夹 [--seq 序号 重新导出]", runExport},
		{"import", "中心导入文件夹中各站点的数据包：import 文件夹", runImport},
		{"publish", "中心向站点下发事项目录、收费标准、减免政策和节假日安排：publish 事项目录.xlsx… [--calendar 文件] [--sites 编码,…] --to 文件夹", runPublish},
		{"receive", "站点依次接收中心的下发包（先用 site trust-centre 登记中心）：receive 文件夹 [--with-staff] [--dry-run]", runReceive},
		{"backup", "在程序运行时也可进行的一致备份：backup 备份文件（站点私钥写在 备份文件.key）", runBackup},
		{"restore", "先检查备份（完整性、审计链、结构版本）再恢复，原数据库保留在旁：restore 备份文件", runRestore},
		{"catalogue", "事项目录的电子表格：catalogue template -o 模板.xlsx；catalogue import 文件.xlsx|文件.csv… [--dry-run] [--slips 密码条.pdf]；catalogue export -o 文件.xlsx", runCatalogue},
		{"pin", "设置用户的 PIN（从标准输入读取）：pin --user 登录名", runPIN},
		{"stress", "", runStress},
		{"version", "显示版本", func(e *env, _ []string) error { fmt.Fprintln(e.stdout, "onewindow", Version); return nil }},
	}
}

// Main runs the command line and returns the exit code. With no
// subcommand it opens the GUI on the database.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, gui GUI) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, c := range commands() {
			if c.name == args[0] {
				return e.exit(c.run(e, args[1:]))
			}
		}
		fmt.Fprintf(stderr, "未知命令 %q\n\n", args[0])
		usage(stderr, flag.NewFlagSet("onewindow", flag.ContinueOnError))
		return ExitUsage
	}
	fs := flag.NewFlagSet("onewindow", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	fs.Usage = func() { usage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		return e.exit(usageError{err})
	}
	if fs.NArg() > 0 {
		return e.exit(usageError{fmt.Errorf("多余的参数：%s", strings.Join(fs.Args(), " "))})
	}
	if postgres.IsURL(*db) {
		var s *postgres.Store
		err := gui(Opener{Centre: func() (*postgres.Store, error) {
			c, err := e.openCentral(*db)
			if err != nil {
				return nil, err
			}
			s = c.(*postgres.Store)
			return s, nil
		}})
		if s != nil {
			s.Close()
		}
		return e.exit(err)
	}
	var s *sqlite.Store
	err := gui(Opener{Site: func() (*sqlite.Store, error) {
		var err error
		s, err = e.open(*db)
		return s, err
	}})
	if s != nil {
		s.Close()
	}
	return e.exit(err)
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `一窗通 OneWindow %s — 政务服务窗口办件系统

用法：
  onewindow [--db 路径]             打开图形界面
  onewindow 命令 [参数] [--db 路径]

命令：
`, Version)
	for _, c := range commands() {
		if c.summary != "" {
			fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprintf(w, `
不给 --db 时，数据库位于 %s
（Linux 为 $XDG_DATA_HOME/onewindow 或 ~/.local/share/onewindow）。

退出码：0 成功，1 失败（原因见提示），2 命令行有误，3 校验发现损坏、审计链断裂或统计汇总与办件不一致，4 内部错误，
5 导入时有数据包因缺少前序数据包而暂缓，6 导入时有数据包被拒收（损坏、伪造或站点未登记）。
`, DefaultDBPath())
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// DefaultDBPath is where the database lives when --db is not given: the
// user's data directory.
func DefaultDBPath() string {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = os.Getenv("LOCALAPPDATA")
	case "darwin":
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, "Library", "Application Support")
		}
	default:
		dir = os.Getenv("XDG_DATA_HOME")
		if dir == "" {
			if home, err := os.UserHomeDir(); err == nil {
				dir = filepath.Join(home, ".local", "share")
			}
		}
	}
	if dir == "" {
		dir = "."
	}
	return filepath.Join(dir, "onewindow", "onewindow.db")
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", DefaultDBPath(), "数据库文件路径")
}

// defaults are the starting data compiled into the program.
func defaults() (sqlite.Defaults, error) {
	s, err := calendar.ParseText(assets.NationalCalendar)
	if err != nil {
		return sqlite.Defaults{}, fmt.Errorf("embedded calendar: %w", err)
	}
	return sqlite.Defaults{Catalogue: assets.SampleCatalogue, National: s}, nil
}

// open opens the database, setting up a new one with the sample catalogue.
func (e *env) open(path string) (*sqlite.Store, error) {
	if postgres.IsURL(path) {
		return nil, usageError{fmt.Errorf("--db：PostgreSQL 数据库只用于中心，目前支持 site init、site registration、site register、site list、import、publish、cases、verify、report 和图形界面")}
	}
	d, err := defaults()
	if err != nil {
		return nil, err
	}
	s, err := sqlite.OpenDefault(e.ctx, path, d)
	if err != nil {
		return nil, fmt.Errorf("打开数据库 %s：%w", path, err)
	}
	return s, nil
}

type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

type verifyError struct{ msg string }

func (v verifyError) Error() string { return v.msg }

// exit prints err for a person and maps it to an exit code.
func (e *env) exit(err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	var u usageError
	if errors.As(err, &u) {
		if !errors.Is(u.err, flag.ErrHelp) {
			fmt.Fprintln(e.stderr, "命令行有误：", u.err)
		}
		return ExitUsage
	}
	var v verifyError
	if errors.As(err, &v) {
		fmt.Fprintln(e.stderr, v.msg)
		return ExitVerify
	}
	var o importOutcome
	if errors.As(err, &o) {
		fmt.Fprintln(e.stderr, o.msg)
		return o.code
	}
	var app *data.Error
	if errors.As(err, &app) {
		if app.Cause != nil && app.Code == data.EINTERNAL {
			// a full disk, a read-only or damaged file: the cause is for
			// whoever mends it
			log.New(e.stderr, "", log.LstdFlags).Printf("cause: %v", app.Cause)
		}
		fmt.Fprintln(e.stderr, "错误："+app.Message)
		return ExitError
	}
	log.New(e.stderr, "", log.LstdFlags).Printf("internal error: %v", err)
	fmt.Fprintln(e.stderr, data.ErrorMessage(err))
	return ExitInternal
}

// parse parses a subcommand's flags; extra positional arguments are allowed
// only when positional is true.
func parse(e *env, fs *flag.FlagSet, args []string, positional bool) error {
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if !positional && fs.NArg() > 0 {
		return usageError{fmt.Errorf("多余的参数：%s", strings.Join(fs.Args(), " "))}
	}
	return nil
}
