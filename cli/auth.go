package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/sqlite"
)

// A command that changes data is signed by a user: --user names them, and
// their PIN is the first line of standard input or, for a scheduled job,
// the first line of --pin-file (a file only its owner may read). The PIN
// goes through the same login as the window, so a wrong one counts
// towards the lock, and the store audits the real actor.

// signer holds a command's --user and --pin-file.
type signer struct {
	login, pinFile *string
}

func userFlags(fs *flag.FlagSet, what string) signer {
	return signer{
		login:   fs.String("user", "", what+"的登录名（PIN 从标准输入读取）"),
		pinFile: fs.String("pin-file", "", "从文件读取 PIN（计划任务用；文件只能由其所有者读取）"),
	}
}

// line reads the next line of standard input (the PIN, then for `pin` the
// new PIN), without the line end.
func (e *env) line(what string) (string, error) {
	if e.in == nil {
		e.in = bufio.NewReader(e.stdin)
	}
	l, err := e.in.ReadString('\n')
	if err != nil && (err != io.EOF || l == "") {
		return "", data.Errorf(data.EINVALID, "%s：请从标准输入提供（每行一个）", what)
	}
	return strings.TrimRight(l, "\r\n"), nil
}

// openSigned opens the database and signs the user in; the store is
// closed again when the sign-in fails.
func (e *env) openSigned(db string, sg signer) (*sqlite.Store, data.User, error) {
	s, err := e.open(db)
	if err != nil {
		return nil, data.User{}, err
	}
	u, err := e.signIn(s, sg)
	if err != nil {
		s.Close()
		return nil, data.User{}, err
	}
	return s, u, nil
}

// loginer is a store that signs users in: a site's or a centre's.
type loginer interface {
	Login(ctx context.Context, login, pin string) (data.User, error)
}

// signIn checks the user's PIN and returns the user.
func (e *env) signIn(s loginer, sg signer) (data.User, error) {
	if *sg.login == "" {
		return data.User{}, usageError{fmt.Errorf("--user：修改数据的命令须写明执行人的登录名，PIN 从标准输入读取")}
	}
	pin, err := e.pin(sg)
	if err != nil {
		return data.User{}, err
	}
	u, err := s.Login(e.ctx, *sg.login, pin)
	if err == nil && u.MustChange {
		return u, data.Errorf(data.EFORBIDDEN, "%s 的 PIN 仍是初始 PIN，请先更改：onewindow pin --user %s（标准输入：旧 PIN、新 PIN）", u.Login, u.Login)
	}
	return u, err
}

func (e *env) pin(sg signer) (string, error) {
	if *sg.pinFile == "" {
		return e.line("PIN")
	}
	st, err := os.Stat(*sg.pinFile)
	if err != nil {
		return "", data.Errorf(data.EINVALID, "PIN 文件：无法读取 %s（%v）", *sg.pinFile, err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return "", data.Errorf(data.EFORBIDDEN, "PIN 文件：%s 可被其他用户读取（%v），请先执行 chmod 600", *sg.pinFile, st.Mode().Perm())
	}
	b, err := os.ReadFile(*sg.pinFile)
	if err != nil {
		return "", data.Errorf(data.EINVALID, "PIN 文件：无法读取 %s（%v）", *sg.pinFile, err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(first), nil
}

// requireAdmin refuses a signed-in user who is not an administrator,
// where the store itself takes no actor (export, backup, the registration
// file).
func requireAdmin(u data.User, what string) error {
	if u.Role != data.RoleAdmin {
		return data.Errorf(data.EFORBIDDEN, "只有系统管理员可以%s", what)
	}
	return nil
}
