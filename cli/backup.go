package cli

import (
	"flag"
	"fmt"
	"os"

	"github.com/onewindow/onewindow/data/sqlite"
)

// runBackup makes a consistent copy of the database while it may be in use.
func runBackup(e *env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员")
	withKey := fs.Bool("with-key", false, "带上站点私钥，用口令加密（口令为标准输入 PIN 之后的一行，至少 8 个字符）")
	file, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if file == "" {
		return usageError{fmt.Errorf("用法：onewindow backup 备份文件")}
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := requireAdmin(u, "备份（备份含站点私钥）"); err != nil {
		return err
	}
	passphrase := ""
	if *withKey {
		if passphrase, err = e.line("私钥口令"); err != nil {
			return err
		}
	}
	if err := s.Backup(e.ctx, file, passphrase); err != nil {
		return err
	}
	info, err := sqlite.CheckBackup(e.ctx, file)
	if err != nil {
		return err
	}
	key := "；未含站点私钥（恢复到另一台电脑时需另行拷贝 " + s.KeyPath() + "，或用 --with-key 加密带上）"
	if info.KeySealed {
		key = "，站点私钥已加密写在 " + file + ".key.enc（恢复时需要口令）"
	}
	fmt.Fprintf(e.stdout, "已备份到 %s：站点 %s，%d 件办件，审计记录 %d 条已核验%s\n", file, info.Site, info.Cases, info.Audit, key)
	return nil
}

// runRestore replaces the database with a checked backup; the program must
// be closed.
func runRestore(e *env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员（在备份中核对其 PIN）")
	force := fs.Bool("force", false, "备份属于另一个站点时仍然恢复")
	file, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if file == "" {
		return usageError{fmt.Errorf("用法：onewindow restore 备份文件 --user 管理员登录名 [--force]（请先关闭正在运行的一窗通）")}
	}
	if *sg.login == "" {
		return usageError{fmt.Errorf("--user：恢复须写明执行的管理员，PIN 从标准输入读取")}
	}
	pin, err := e.pin(sg)
	if err != nil {
		return err
	}
	opt := sqlite.RestoreOptions{Login: *sg.login, PIN: pin, Force: *force}
	if _, err := os.Stat(file + ".key.enc"); err == nil {
		if opt.KeyPassphrase, err = e.line("私钥口令"); err != nil {
			return err
		}
	}
	info, aside, err := sqlite.Restore(e.ctx, file, *db, e.now(), opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已从 %s 恢复 %s：站点 %s，%d 件办件，审计链完好（结构版本 %d，打开时自动升级）\n", file, *db, info.Site, info.Cases, info.Schema)
	if aside != "" {
		fmt.Fprintf(e.stdout, "原数据库已保留为 %s\n", aside)
	}
	return nil
}
