package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/onewindow/onewindow/data/policy"
	pb "github.com/onewindow/onewindow/data/problem"
	"github.com/onewindow/onewindow/data/theme"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/onewindow/onewindow/assets"
	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/catalogue"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/exchange"
	"github.com/onewindow/onewindow/data/report"
	"github.com/onewindow/onewindow/internal/testkit"
)

// Every text the interface passes through lang.L has an English and a
// Chinese entry, and the translation files hold nothing else.
func TestTranslationsComplete(t *testing.T) {
	keys := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`lang\.L\(("(?:[^"\\]|\\.)*")\)`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			k, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatal(err)
			}
			keys[k] = true
		}
	}
	// Texts translated through variables: table headers, applicant kinds and
	// the data package's labels.
	for _, k := range listHeaders {
		keys[k] = true
	}
	for _, k := range applicantKinds {
		keys[k.label] = true
	}
	for _, s := range data.Statuses {
		keys[s.Label()] = true
	}
	for _, k := range data.Allowed(data.StatusReceived) {
		keys[data.KindLabel(k)] = true
	}
	for _, r := range data.PauseReasons {
		keys[r] = true
	}
	for _, k := range []data.EventKind{clock.Received, clock.SupplementRequested, clock.SupplementCompleted, clock.Accepted, clock.Refused, clock.Paused,
		clock.Resumed, clock.Extended, clock.Completed, clock.Delivered, clock.Withdrawn, data.WaiverRequested, data.WaiverApproved, data.WaiverRejected,
		data.WaiverDeclined, data.ExtensionRequested, data.ExtensionRejected, data.Rated, data.Rectified} {
		keys[data.KindLabel(k)] = true
	}
	for _, l := range data.RatingLabels {
		keys[l] = true
	}
	for _, s := range []data.RectStatus{data.RectOpen, data.RectInProgress, data.RectDone, data.RectAppealed, data.RectInvalid} {
		keys[s.Label()] = true
	}
	for _, s := range []data.ApprovalStatus{data.ApprovalPending, data.ApprovalApproved, data.ApprovalRejected} {
		keys[s.Label()] = true
	}
	keys[data.WaiverFull.Label()], keys[data.WaiverPartial.Label()] = true, true
	for _, tb := range catalogue.Tables {
		keys[tb.Name] = true
	}
	for _, b := range report.Bys {
		keys[b.Label()] = true
	}
	for _, p := range periods {
		keys[p] = true
	}
	for _, k := range append(slices.Clone(data.DocKinds), data.DocThemeAccept, data.DocThemeComplete, data.DocThemeSupplement) {
		keys[k.Title()] = true
	}
	for _, p := range paperChoices {
		keys[p.label] = true
	}
	keys[startAtIntake] = true
	for _, st := range []theme.Status{theme.StatusSupplement, theme.StatusAccepted, theme.StatusCompleted, theme.StatusDelivered, theme.StatusClosed} {
		keys[st.Label()] = true
	}
	for _, k := range []data.ItemKind{data.KindImmediate, data.KindPromised, data.KindReported, data.KindJoint} {
		keys[k.Label()] = true
	}
	for _, k := range siteHeaders {
		keys[k] = true
	}
	for _, o := range []exchange.ImportOutcome{exchange.ImportApplied, exchange.ImportAlready, exchange.ImportHeld, exchange.ImportRejected} {
		keys[o.Label()] = true
	}
	for _, k := range []data.SiteKind{data.SiteCentre, data.SiteTownship, data.SiteVillage} {
		keys[k.Label()] = true
	}
	for _, k := range append(problemHeaders[1:], boardHeaders...) {
		keys[k] = true
	}
	for _, tr := range append(pb.Tracks, "") {
		keys[tr.Label()] = true
	}
	for _, st := range pb.Statuses {
		keys[st.Label()] = true
	}
	for _, k := range []pb.Kind{pb.Registered, pb.Triaged, pb.TrackChanged, pb.Assigned, pb.Answered, pb.Explained, pb.Progressed, pb.Urged, pb.ClosedKind, pb.Revisited, pb.Escalated, replyKind} {
		keys[k.Label()], keys[actionLabel(k)] = true, true
	}
	delete(keys, "") // the screen's own action has no event label
	for _, v := range []pb.Verdict{pb.Satisfied, pb.Fair, pb.Unsatisfied} {
		keys[v.Label()] = true
	}
	for _, w := range report.Weights {
		keys[w.Name] = true
	}
	for _, k := range pb.DocKinds {
		keys["打印"+pb.DocTitle(k)] = true
	}
	for _, k := range policy.ProofKinds {
		keys[policy.ProofLabel(k)], keys[proofHint(k)] = true, true
	}
	for _, k := range slices.Concat(ruleWho, ruleKinds, grades) {
		keys[k] = true
	}
	for _, lang := range []string{"en", "zh_Hans"} {
		b, err := assets.Translations.ReadFile("translations/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for k := range keys {
			if m[k] == "" {
				t.Errorf("%s.json lacks %q", lang, k)
			}
		}
		if lang == "en" {
			for k, v := range m {
				if regexp.MustCompile(`[\p{Han}]`).MatchString(v) && !strings.Contains(v, "Language") {
					t.Errorf("en.json: %q is translated as %q", k, v)
				}
			}
		}
	}
}

// With English chosen, the screens speak English.
func TestEnglishScreens(t *testing.T) {
	s := testkit.OpenTemp(t)
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, "en")
	ui := New(a, s)
	defer setupLanguage(test.NewTempApp(t)) // back to Chinese for the other tests
	ui.bg.wait = true
	ui.load()
	if ui.login.button.Text != "Log in" {
		t.Errorf("login button %q", ui.login.button.Text)
	}
	if ui.intake.accept.Text != "Accept (Enter)" || ui.list.prev.Text != "Previous" {
		t.Errorf("buttons %q %q", ui.intake.accept.Text, ui.list.prev.Text)
	}
}

// A PC started under the C locale (LANGUAGE is ignored under C, as in
// gettext) still gets the chosen language, and its environment back.
func TestChineseUnderCLocale(t *testing.T) {
	for _, env := range [][2]string{{"LC_ALL", "C"}, {"LANG", "POSIX"}, {"LC_MESSAGES", "C"}} {
		t.Setenv(env[0], env[1])
		a := test.NewTempApp(t)
		a.Preferences().SetString(prefLanguage, "en")
		setupLanguage(a)
		if got := lang.L("登录"); got != "Log in" {
			t.Errorf("%s=%s, English chosen: 登录 is %q", env[0], env[1], got)
		}
		setupLanguage(test.NewTempApp(t))
		if got := lang.L("登录"); got != "登录" {
			t.Errorf("%s=%s, Chinese by default: 登录 is %q", env[0], env[1], got)
		}
		if got := os.Getenv(env[0]); got != env[1] {
			t.Errorf("%s is %q after loading the translations, want %q", env[0], got, env[1])
		}
	}
}

// The language chosen wins over the system's, whatever that is (Windows
// reads its own locale, not the environment): with the system in English,
// Chinese by default; with it in Chinese, English when chosen.
func TestLanguageOverSystem(t *testing.T) {
	for _, c := range []struct{ system, pref, want string }{
		{"en_US.UTF-8", "", "登录"},
		{"en_US.UTF-8", "en", "Log in"},
		{"zh_CN.UTF-8", "en", "Log in"},
		{"zh_CN.UTF-8", "zh", "登录"},
		{"fr_FR.UTF-8", "", "登录"},
	} {
		t.Setenv("LC_ALL", c.system)
		t.Setenv("LANGUAGE", "")
		a := test.NewTempApp(t)
		if c.pref != "" {
			a.Preferences().SetString(prefLanguage, c.pref)
		}
		setupLanguage(a)
		if got := lang.L("登录"); got != c.want {
			t.Errorf("system %s, chosen %q: 登录 is %q, want %q", c.system, c.pref, got, c.want)
		}
	}
	setupLanguage(test.NewTempApp(t)) // back to Chinese for the other tests
}
