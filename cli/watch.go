package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/exchange"
)

// watch is `import --watch DIR`: the central office's service. Every round
// it merges the bundles that have arrived, moves the applied ones (and
// ones merged before) to DIR/done, and logs what it held and refused; a
// folder that is not there (a network share down, a stick pulled) or a
// database that does not answer is logged once and tried again next round.
// It stops on Ctrl+C or SIGTERM, or after rounds rounds (0 = never).
func (e *env) watch(s central, actorID int64, dir string, every time.Duration, rounds int) error {
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf := func(format string, args ...any) {
		fmt.Fprintf(e.stdout, "%s %s\n", e.now().In(calendar.Shanghai).Format("2006-01-02 15:04:05"), fmt.Sprintf(format, args...))
	}
	logf("开始守候 %s：每 %s 导入一次新到的数据包", dir, every)
	var lastProblem string
	for round := 1; ; round++ {
		problem := e.watchRound(ctx, s, actorID, dir, logf)
		if problem != lastProblem {
			if problem != "" {
				logf("%s；%s 后再试", problem, every)
			} else if lastProblem != "" {
				logf("已恢复：%s 可以导入", dir)
			}
			lastProblem = problem
		}
		if rounds > 0 && round >= rounds {
			return nil
		}
		select {
		case <-ctx.Done():
			logf("停止守候 %s", dir)
			return nil
		case <-time.After(every):
		}
	}
}

// watchRound is one round; it returns what kept it from importing ("" when
// it ran).
func (e *env) watchRound(ctx context.Context, s central, actorID int64, dir string, logf func(string, ...any)) string {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Sprintf("文件夹 %s 暂不可用", dir)
	}
	res, err := s.ImportDir(ctx, actorID, dir, nil)
	if err != nil {
		return "导入未完成：" + data.ErrorMessage(err)
	}
	for _, r := range res {
		name := filepath.Base(r.File)
		where := ""
		if r.Outcome == exchange.ImportApplied || r.Outcome == exchange.ImportAlready {
			where = moveDone(r.File)
		}
		logf("%s：%s。%s%s", name, r.Outcome.Label(), r.Message, where)
	}
	return ""
}

// moveDone moves a merged bundle into done/ beside it, so that the folder
// holds only what is still to come, and says where it went.
func moveDone(path string) string {
	dir := filepath.Join(filepath.Dir(path), "done")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "（未能移入 done：" + err.Error() + "）"
	}
	dest := filepath.Join(dir, filepath.Base(path))
	if _, err := os.Stat(dest); err == nil {
		dest = filepath.Join(dir, time.Now().UTC().Format("20060102T150405Z")+"-"+filepath.Base(path))
	}
	if err := os.Rename(path, dest); err != nil {
		return "（未能移入 done：" + err.Error() + "）"
	}
	return "；已移入 done"
}
