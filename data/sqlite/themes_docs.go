package sqlite

import (
	"context"
	"database/sql"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/theme"
)

// IssueThemeDocument issues a paper of a theme case (一件事) — its one
// 受理通知书 (data.DocThemeAccept), while an item is in 补正 its one
// 一次性告知书 (data.DocThemeSupplement), or, once every item is closed,
// its one 办结通知书 (data.DocThemeComplete) — or prints again the one already
// issued when it still reads the same (补打, audited); when an item has
// moved since (a waiting item registered, a 补正 accepted) it is a new
// document. It is kept with the theme's first registered case, and its
// signed QR names that case: verifying it shows the paper as issued, every
// item of the theme with it.
func (s *Store) IssueThemeDocument(ctx context.Context, number string, kind data.DocKind, actorID int64) (data.Document, error) {
	if !kind.ForTheme() {
		return data.Document{}, data.FieldError("kind", "文书种类", "一件事的文书为受理通知书、补正材料通知书或办结通知书")
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return data.Document{}, err
	}
	threshold := s.Threshold(ctx)
	var doc data.Document
	err = s.write(ctx, func(tx *sql.Tx) error {
		cal, err := s.Calendar(ctx)
		if err != nil {
			return err
		}
		actor, err := activeUser(tx, actorID)
		if err != nil {
			return err
		}
		tc, err := loadThemeCase(ctx, tx, number)
		if err != nil {
			return err
		}
		var first *data.Application
		for _, m := range tc.Members {
			if m.App != nil {
				first = m.App
				break
			}
		}
		if first == nil {
			return data.Errorf(data.ECONFLICT, "一件事 %s 尚无已登记的事项，不能出具受理通知书", tc.Number)
		}
		now := s.now()
		today := calendar.DateOf(now)
		tc.Compute(cal, today, threshold)
		if kind == data.DocThemeComplete && tc.Status != theme.StatusCompleted && tc.Status != theme.StatusDelivered {
			return data.Errorf(data.ECONFLICT, "一件事 %s %s，尚未全部办结，不能出具办结通知书", tc.Number, tc.Status.Label())
		}
		if kind == data.DocThemeSupplement && !tc.Supplementing() {
			return data.Errorf(data.ECONFLICT, "一件事 %s 没有需要补正的事项，不能出具补正材料通知书", tc.Number)
		}
		in := theme.NoticeInput{Clerk: actor.Name}
		if err := tx.QueryRow("SELECT coalesce((SELECT value FROM settings WHERE key = 'sample_data'), '') = '1'").Scan(&in.Sample); err != nil {
			return err
		}
		if in.Site, err = siteOf(ctx, tx); err != nil {
			return err
		}
		if in.Site.Code != tc.SiteCode {
			return data.Errorf(data.EFORBIDDEN, "一件事 %s 由站点 %s 登记，只能在该站点出具文书", tc.Number, tc.SiteCode)
		}
		var wname string
		if err := tx.QueryRow("SELECT code, name FROM windows WHERE id = ?", tc.WindowID).Scan(&in.Window, &wname); err != nil {
			return err
		}
		in.Window += " " + wname
		doc, err = s.issuePaper(tx, actor, first.ID, first.Number, in.Site.Code, kind, now, map[string]string{"theme": tc.Number, "case": first.Number},
			func(number string, issued calendar.Date) data.Notice {
				in.Number, in.Issued = number, issued
				return tc.Notice(kind, in)
			})
		return err
	})
	if err != nil {
		return data.Document{}, err
	}
	doc.Token = doc.ReceiptToken().Sign(key)
	return doc, nil
}
