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
func setupLanguage(a fyne.App) {
	locale := "zh_CN"
	if a.Preferences().StringWithFallback(prefLanguage, "zh") == "en" {
		locale = "en"
	}
	os.Setenv("LANGUAGE", locale)
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		log.Printf("load translations: %v", err)
	}
}
