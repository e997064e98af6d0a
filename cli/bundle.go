package cli

import (
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/internal/gctune"
)

// runExport writes this site's changes since its last export into bundles
// in a folder (a shared folder or a USB stick), or one earlier bundle
// again with --seq.
func runExport(e *env, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员")
	to := fs.String("to", "", "导出到的文件夹（共享文件夹或 U 盘）")
	seq := fs.Int64("seq", 0, "重新导出已生成的第 N 号数据包（内容与第一次完全相同）")
	if err := parse(e, fs, args, false); err != nil {
		return err
	}
	if *to == "" {
		return usageError{fmt.Errorf("用法：onewindow export --to 文件夹 [--seq 序号]")}
	}
	s, u, err := e.openSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := requireAdmin(u, "导出数据包"); err != nil {
		return err
	}
	if *seq > 0 {
		r, err := s.ExportAgain(e.ctx, *seq, *to)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已重新导出第 %d 号数据包：%s（%d 件办件，SHA-256 %s）\n", r.Seq, r.Path, r.Cases, r.SHA256)
		return nil
	}
	res, err := s.Export(e.ctx, *to, "onewindow "+Version, nil)
	for _, r := range res {
		fmt.Fprintf(e.stdout, "第 %d 号数据包：%s（%d 件办件、%d 条事件、%d 个企业问题、%d 条审计记录，SHA-256 %s）\n", r.Seq, r.Path, r.Cases, r.Events, r.Problems, r.Audit, r.SHA256)
	}
	if err != nil {
		return err
	}
	if len(res) == 0 {
		fmt.Fprintln(e.stdout, "自上次导出以来没有新的变动，未生成数据包")
	}
	return nil
}

// importOutcome is a finished import that held or rejected bundles: not an
// error of the command, but a scheduled job must notice it.
type importOutcome struct {
	code int
	msg  string
}

func (o importOutcome) Error() string { return o.msg }

// runImport merges every bundle in a folder into this (central) database.
func runImport(e *env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	db := dbFlag(fs)
	sg := userFlags(fs, "系统管理员（计划任务用专门的导入账户和 --pin-file）")
	watch := fs.Bool("watch", false, "作为服务守候文件夹：定时导入新到的数据包，已导入的移入 done 文件夹")
	every := fs.Duration("every", time.Minute, "守候时每隔多久导入一次（如 30s、5m）")
	rounds := fs.Int("rounds", 0, "守候几轮后停止（0 为一直守候，直到 Ctrl+C 或 SIGTERM）")
	dir, err := parseOne(e, fs, args)
	if err != nil {
		return err
	}
	if dir == "" {
		return usageError{fmt.Errorf("用法：onewindow import [--watch [--every 1m]] 文件夹")}
	}
	if *every < time.Second {
		return usageError{fmt.Errorf("--every：至少 1 秒")}
	}
	s, u, err := e.openCentralSigned(*db, sg)
	if err != nil {
		return err
	}
	defer s.Close()
	if *watch {
		return e.watch(s, u.ID, dir, *every, *rounds)
	}
	defer gctune.Bulk()() // this process does nothing else meanwhile
	res, err := s.ImportDir(e.ctx, u.ID, dir, func(done, total int, r exchange.ImportResult) {
		fmt.Fprintf(e.stdout, "[%d/%d] %s：%s。%s\n", done, total, filepath.Base(r.File), r.Outcome.Label(), r.Message)
	})
	if err != nil {
		return err
	}
	n := map[exchange.ImportOutcome]int{}
	for _, r := range res {
		n[r.Outcome]++
	}
	summary := fmt.Sprintf("共 %d 个数据包：导入 %d，已导入过 %d，暂缓 %d，拒收 %d", len(res), n[exchange.ImportApplied], n[exchange.ImportAlready], n[exchange.ImportHeld], n[exchange.ImportRejected])
	switch {
	case n[exchange.ImportRejected] > 0:
		return importOutcome{ExitRejected, summary + "（拒收的文件未改动任何数据，请让站点重新导出）"}
	case n[exchange.ImportHeld] > 0:
		return importOutcome{ExitHeld, summary + "（暂缓的数据包留在文件夹中，缺少的前序数据包到达后再次导入即可）"}
	}
	fmt.Fprintln(e.stdout, summary)
	return nil
}
