package app

import (
	"log"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/onewindow/onewindow/assets"
)

// prefLanguage is the preference that holds the interface language: "zh"
// (the default, whatever the PC's own language) or "en".
const prefLanguage = "language"

var languages = []struct{ code, label string }{{"zh", "中文"}, {"en", "English"}}

// setupLanguage loads the translations in the chosen language. Fyne reads
// the language from the environment when translations are added, so the
// choice is put there first; a change takes effect at the next start.
//
// Fyne reads it as gettext does: LANGUAGE counts only when the first of
// LC_ALL, LC_MESSAGES and LANG that is set is not "C" or "POSIX" — and a PC
// started under C would get English. Those three are cleared while the
// translations load and put back at once (the programs the window starts,
// such as lp, get the environment as it was).
func setupLanguage(a fyne.App) {
	locale := "zh_CN"
	if a.Preferences().StringWithFallback(prefLanguage, "zh") == "en" {
		locale = "en"
	}
	os.Setenv("LANGUAGE", locale)
	saved := map[string]*string{}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			saved[k] = &v
			os.Unsetenv(k)
		}
	}
	err := lang.AddTranslationsFS(assets.Translations, "translations")
	for k, v := range saved {
		os.Setenv(k, *v)
	}
	if err != nil {
		log.Printf("load translations: %v", err)
	}
}
