package exchange

// The central office's side of the export: bundles from every registered
// site merged into one database, so that the same reports run over all
// sites.
//
// Records are owned by their site. A case, its events, fee lines, waivers,
// extension requests, rating, rectification and documents are written only
// by the site that registered the case (Store.onCase refuses anyone else,
// the central office included), and a bundle may carry only its own site's
// cases (Bundle.check). So a merge never has to choose between two writers:
// a record arriving again simply is the site's newer state of it. The one
// record two sites can both write is an applicant (the same enterprise at
// two windows); its contact details follow the latest change by time, ties
// broken by content, which gives the same result in any import order.

// ImportOutcome is what became of one bundle file.
type ImportOutcome string

// Import outcomes.
const (
	ImportApplied  ImportOutcome = "applied"  // merged
	ImportAlready  ImportOutcome = "already"  // this bundle was merged before; nothing changed
	ImportHeld     ImportOutcome = "held"     // waits for a missing earlier bundle of its site
	ImportRejected ImportOutcome = "rejected" // damaged, forged, or from an unknown site; nothing changed
)

// Label is the outcome in Chinese.
func (o ImportOutcome) Label() string {
	switch o {
	case ImportApplied:
		return "已导入"
	case ImportAlready:
		return "已导入过"
	case ImportHeld:
		return "暂缓（缺前序数据包）"
	}
	return "拒收"
}

// ImportResult is the outcome for one bundle file.
type ImportResult struct {
	File    string
	Site    string
	Seq     int64
	Outcome ImportOutcome
	Message string
	Cases   int // cases in the bundle
	Events  int
	Changed int // rows added or changed in this database
	// Kept: a rejected file left in the folder, because it may be applied
	// later (its site is not registered yet); other rejected files are
	// moved to rejected/.
	Kept bool
}

// SiteStatus is a registered site with the last bundle received from it.
type SiteStatus struct {
	RegisteredSite
	LastSeq      int64  // 0 = none yet
	LastCreated  string // when the site made it (UTC)
	LastImported string // when it was merged here (UTC)
	Cases        int    // the site's cases held here
}
