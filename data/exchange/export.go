package exchange

// ExportResult is one bundle written by Export.
type ExportResult struct {
	Seq      int64
	Path     string
	Cases    int
	Events   int
	Problems int // 企业反映问题 carried
	Audit    int
	SHA256   string
}

// ExportInfo is a bundle this site has made.
type ExportInfo struct {
	Seq       int64
	CreatedAt string
	Cases     int
	Size      int
	SHA256    string
}
