// Package assets holds the files compiled into the program: the national
// holiday calendar, the sample service catalogue and the icon.
package assets

import "embed"

// NationalCalendar is the State Council holiday schedule in the format read
// by calendar.ParseText.
//
//go:embed calendar/cn-holidays.txt
var NationalCalendar []byte

// SampleCatalogue is the service catalogue loaded into a new database.
//
//go:embed catalogue/sample.json
var SampleCatalogue []byte

// Icon is the application icon (PNG).
//
//go:embed icon.png
var Icon []byte

// Font is the bundled Simplified Chinese TrueType font (see fonts/README.md).
//
//go:embed fonts/onewindow-sc.ttf
var Font []byte

// Translations are the interface texts in English (en.json) and Chinese
// (zh_Hans.json: the tag Fyne's own Chinese uses, so both are found under one language), keyed by the Chinese text the code uses.
//
//go:embed translations
var Translations embed.FS
