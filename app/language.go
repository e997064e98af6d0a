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

// setupLanguage loads the translations in the chosen language; a change
// takes effect at the next start.
//
// The choice wins on every system. Fyne picks the translation that matches
// the system's language (on Windows the user's locale, elsewhere LC_ALL,
// LC_MESSAGES, LANG, then LANGUAGE) and falls back to English, so the chosen
// file is loaded both as English and as Simplified Chinese: an
// English-locale Windows gets Chinese when Chinese is chosen, a Chinese one
// English when English is. Fyne's own few texts (file dialogs) follow the
// system where it cannot be told; on Linux and BSD LANGUAGE tells it, and it
// counts only when the first of LC_ALL, LC_MESSAGES and LANG that is set is
// not "C" or "POSIX" (as in gettext), so those are cleared while the
// translations load and put back at once (the programs the window starts,
// such as lp, get the environment as it was).
func setupLanguage(a fyne.App) {
	file, locale := "zh_Hans.json", "zh_CN"
	if a.Preferences().StringWithFallback(prefLanguage, "zh") == "en" {
		file, locale = "en.json", "en"
	}
	os.Setenv("LANGUAGE", locale)
	saved := map[string]*string{}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			saved[k] = &v
			os.Unsetenv(k)
		}
	}
	b, err := assets.Translations.ReadFile("translations/" + file)
	for _, l := range []fyne.Locale{"en", "zh-Hans"} {
		if err == nil {
			err = lang.AddTranslationsForLocale(b, l)
		}
	}
	for k, v := range saved {
		os.Setenv(k, *v)
	}
	if err != nil {
		log.Printf("load translations: %v", err)
	}
}
