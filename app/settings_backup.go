package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/sqlite"
)

// backupStore is what 设置 → 备份 needs.
type backupStore interface {
	Backup(ctx context.Context, path, passphrase string) error
	BackupDir() string
	DailyBackup(ctx context.Context, now time.Time) (string, error)
	BackupSpace() (n int, bytes int64)
}

// backupTab is 设置 → 备份: a backup now, to a file the user chooses (a USB
// stick), and the automatic daily backups kept beside the database.
type backupTab struct {
	store backupStore
	win   fyne.Window
	bg    *worker
	now   func() time.Time

	button *widget.Button
	msg    *widget.Label
	daily  *widget.Label
}

func newBackupTab(s backupStore, win fyne.Window) *backupTab {
	b := &backupTab{store: s, win: win, now: time.Now}
	b.button = widget.NewButton(lang.L("立即备份…"), b.choose)
	b.button.Importance = widget.HighImportance
	b.msg = widget.NewLabel("")
	b.msg.Wrapping = fyne.TextWrapWord
	b.daily = widget.NewLabel("")
	b.daily.Wrapping = fyne.TextWrapWord
	return b
}

func (b *backupTab) content() fyne.CanvasObject {
	return container.NewVBox(
		wrapped(lang.L("备份是数据库的一致副本，程序运行、窗口办件时也可进行；站点私钥只在设定口令时加密写在备份文件旁（.key.enc）。")),
		container.NewHBox(b.button), b.msg,
		widget.NewSeparator(),
		b.daily,
		wrapped(lang.L("恢复：关闭程序后在命令行运行 onewindow restore 备份文件；先检查备份（完整性、审计链、结构版本），原数据库保留在旁。")),
	)
}

// runDaily makes today's automatic backup if there is none yet, in the
// background, and shows the backups kept.
func (b *backupTab) runDaily() {
	b.bg.run(func() {
		made, err := b.store.DailyBackup(context.Background(), b.now())
		fyne.Do(func() {
			if err != nil {
				b.msg.Importance = widget.DangerImportance
				b.msg.SetText(lang.L("今天的自动备份未完成：") + problem(err))
			} else if made != "" {
				b.msg.Importance = widget.SuccessImportance
				b.msg.SetText(lang.L("已完成今天的自动备份：") + made)
			}
			b.showDaily()
		})
	})
}

func (b *backupTab) showDaily() {
	dir := b.store.BackupDir()
	var files []string
	for _, pat := range []string{"*.db", "*.db.gz"} {
		f, _ := filepath.Glob(filepath.Join(dir, pat))
		files = append(files, f...)
	}
	sort.Strings(files)
	last := lang.L("尚无")
	if len(files) > 0 {
		last = filepath.Base(files[len(files)-1])
	}
	n, size := b.store.BackupSpace()
	b.daily.SetText(fmt.Sprintf(lang.L("自动备份：每天第一次打开程序时进行（压缩），保留最近 %d 天、%d 周和 %d 个月的各一份，位于 %s。现有 %d 份，共占 %.1f MB，最新：%s"),
		sqlite.KeepDaily, sqlite.KeepWeekly, sqlite.KeepMonthly, dir, n, float64(size)/(1<<20), last))
}

func (b *backupTab) choose() {
	name := "onewindow-" + b.now().In(calendar.Shanghai).Format("20060102-1504") + ".db"
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		os.Remove(path) // the dialog made an empty file; the backup writes it whole
		b.askPassphrase(path)
	}, b.win)
	d.SetFileName(name)
	if home, err := os.UserHomeDir(); err == nil {
		if u, err := storage.ListerForURI(storage.NewFileURI(home)); err == nil {
			d.SetLocation(u)
		}
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// askPassphrase asks for the passphrase that encrypts the site key going
// with the backup; left empty, the backup goes without the key.
func (b *backupTab) askPassphrase(path string) {
	pass, again := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	note := wrapped(lang.L("备份将带走站点私钥，须用口令加密（至少 8 个字符，恢复时输入）。留空则备份不含私钥。"))
	items := []*widget.FormItem{widget.NewFormItem("", note), widget.NewFormItem(lang.L("私钥口令"), pass), widget.NewFormItem(lang.L("再输一次"), again)}
	dialog.ShowForm(lang.L("备份"), lang.L("备份"), lang.L("取消"), items, func(ok bool) {
		if !ok {
			return
		}
		if pass.Text != again.Text {
			b.msg.Importance = widget.DangerImportance
			b.msg.SetText(lang.L("两次输入的口令不一致，未备份"))
			return
		}
		b.backup(path, pass.Text)
	}, b.win)
}

func (b *backupTab) backup(path, passphrase string) {
	if !strings.HasSuffix(path, ".db") {
		path += ".db"
	}
	b.button.Disable()
	b.msg.Importance = widget.MediumImportance
	b.msg.SetText(lang.L("正在备份…"))
	b.bg.run(func() {
		err := b.store.Backup(context.Background(), path, passphrase)
		fyne.Do(func() {
			b.button.Enable()
			if err != nil {
				b.msg.Importance = widget.DangerImportance
				b.msg.SetText(lang.L("备份未完成：") + problem(err))
				return
			}
			b.msg.Importance = widget.SuccessImportance
			if passphrase == "" {
				b.msg.SetText(lang.L("已备份到 ") + path + lang.L("（不含站点私钥）"))
			} else {
				b.msg.SetText(lang.L("已备份到 ") + path + lang.L("，站点私钥已用口令加密一同保存"))
			}
		})
	})
}
