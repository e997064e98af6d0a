package render

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// font is the bundled TrueType font, read once. fpdf parses a whole font
// every time one is added to a document, and twice more when it writes the
// file — 30–40 ms for the 3 MB Chinese font. So each document gets a font
// made here of just the characters it prints (a few hundred glyphs, read
// by fpdf in well under a millisecond), cut from tables parsed once.
type font struct {
	tables     map[string][]byte
	unitsPerEm int
	numGlyphs  int
	longLoca   bool
	hMetrics   int // numberOfHMetrics
	cmap       map[rune]uint16
}

var errFont = errors.New("font")

func fontErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errFont, fmt.Sprintf(format, args...))
}

// parseFont reads the tables of a TrueType font that the subsetter needs.
func parseFont(b []byte) (*font, error) {
	if len(b) < 12 {
		return nil, fontErr("too short")
	}
	if v := binary.BigEndian.Uint32(b); v != 0x00010000 && v != 0x74727565 {
		return nil, fontErr("not a TrueType font (version %08x)", v)
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	f := &font{tables: map[string][]byte{}}
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			return nil, fontErr("table directory cut short")
		}
		tag := string(b[rec : rec+4])
		off, length := int(binary.BigEndian.Uint32(b[rec+8:])), int(binary.BigEndian.Uint32(b[rec+12:]))
		if off < 0 || length < 0 || off+length > len(b) {
			return nil, fontErr("table %q outside the file", tag)
		}
		f.tables[tag] = b[off : off+length]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "name", "OS/2", "post"} {
		if f.tables[t] == nil {
			return nil, fontErr("no %q table", t)
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 {
		return nil, fontErr("short head, hhea or maxp")
	}
	f.unitsPerEm = int(binary.BigEndian.Uint16(head[18:]))
	f.longLoca = binary.BigEndian.Uint16(head[50:]) == 1
	f.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
	f.hMetrics = int(binary.BigEndian.Uint16(hhea[34:]))
	if f.unitsPerEm == 0 || f.hMetrics == 0 || f.hMetrics > f.numGlyphs || len(f.tables["hmtx"]) < 4*f.hMetrics+2*(f.numGlyphs-f.hMetrics) {
		return nil, fontErr("bad metrics")
	}
	locaLen := 2
	if f.longLoca {
		locaLen = 4
	}
	if len(f.tables["loca"]) < locaLen*(f.numGlyphs+1) {
		return nil, fontErr("short loca")
	}
	var err error
	if f.cmap, err = parseCmap(f.tables["cmap"]); err != nil {
		return nil, err
	}
	return f, nil
}

// parseCmap reads the Unicode subtable: format 12 (3,10) if present, else
// format 4 (3,1).
func parseCmap(t []byte) (map[rune]uint16, error) {
	if len(t) < 4 {
		return nil, fontErr("short cmap")
	}
	n := int(binary.BigEndian.Uint16(t[2:]))
	var off4, off12 int
	for i := 0; i < n; i++ {
		rec := 4 + 8*i
		if rec+8 > len(t) {
			return nil, fontErr("short cmap")
		}
		pid, eid, off := binary.BigEndian.Uint16(t[rec:]), binary.BigEndian.Uint16(t[rec+2:]), int(binary.BigEndian.Uint32(t[rec+4:]))
		if off+4 > len(t) {
			return nil, fontErr("cmap subtable outside the table")
		}
		format := binary.BigEndian.Uint16(t[off:])
		switch {
		case pid == 3 && eid == 10 && format == 12:
			off12 = off
		case (pid == 3 && eid == 1 || pid == 0) && format == 4:
			off4 = off
		}
	}
	m := map[rune]uint16{}
	switch {
	case off12 > 0:
		s := t[off12:]
		if len(s) < 16 {
			return nil, fontErr("short cmap 12")
		}
		groups := int(binary.BigEndian.Uint32(s[12:]))
		if groups < 0 || 16+12*groups > len(s) {
			return nil, fontErr("short cmap 12")
		}
		for g := 0; g < groups; g++ {
			p := s[16+12*g:]
			start, end, gid := binary.BigEndian.Uint32(p), binary.BigEndian.Uint32(p[4:]), binary.BigEndian.Uint32(p[8:])
			if end < start || end > 0x10FFFF || end-start > 0x10000 {
				return nil, fontErr("bad cmap 12 group")
			}
			for c := start; c <= end; c++ {
				m[rune(c)] = uint16(gid + c - start)
			}
		}
	case off4 > 0:
		s := t[off4:]
		if len(s) < 14 {
			return nil, fontErr("short cmap 4")
		}
		segs := int(binary.BigEndian.Uint16(s[6:])) / 2
		if 16+8*segs > len(s) {
			return nil, fontErr("short cmap 4")
		}
		ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
		for i := 0; i < segs; i++ {
			end, start := int(binary.BigEndian.Uint16(s[ends+2*i:])), int(binary.BigEndian.Uint16(s[starts+2*i:]))
			delta, ro := binary.BigEndian.Uint16(s[deltas+2*i:]), int(binary.BigEndian.Uint16(s[ranges+2*i:]))
			for c := start; c <= end && c != 0xFFFF; c++ {
				var gid uint16
				if ro == 0 {
					gid = uint16(c) + delta
				} else {
					p := ranges + 2*i + ro + 2*(c-start)
					if p+2 > len(s) {
						return nil, fontErr("cmap 4 range outside the table")
					}
					if gid = binary.BigEndian.Uint16(s[p:]); gid != 0 {
						gid += delta
					}
				}
				if gid != 0 {
					m[rune(c)] = gid
				}
			}
		}
	default:
		return nil, fontErr("no Unicode cmap")
	}
	return m, nil
}

// Has reports whether the font draws r.
func (f *font) Has(r rune) bool { return f.cmap[r] != 0 }

// advance is glyph g's advance width in font units.
func (f *font) advance(g uint16) int {
	i := int(g)
	if i >= f.hMetrics {
		i = f.hMetrics - 1
	}
	return int(binary.BigEndian.Uint16(f.tables["hmtx"][4*i:]))
}

// Width is r's advance as a fraction of the font size.
func (f *font) Width(r rune) float64 {
	return float64(f.advance(f.cmap[r])) / float64(f.unitsPerEm)
}

func (f *font) glyph(g uint16) []byte {
	loca := f.tables["loca"]
	var from, to int
	if f.longLoca {
		from, to = int(binary.BigEndian.Uint32(loca[4*int(g):])), int(binary.BigEndian.Uint32(loca[4*int(g)+4:]))
	} else {
		from, to = 2*int(binary.BigEndian.Uint16(loca[2*int(g):])), 2*int(binary.BigEndian.Uint16(loca[2*int(g)+2:]))
	}
	glyf := f.tables["glyf"]
	if from > to || to > len(glyf) {
		return nil
	}
	return glyf[from:to]
}

// Composite glyph flags.
const (
	argsAreWords   = 0x0001
	haveScale      = 0x0008
	moreComponents = 0x0020
	haveXYScale    = 0x0040
	haveTwoByTwo   = 0x0080
)

// components calls fn with the offset of each component glyph index in a
// composite glyph's data; it does nothing for a simple glyph.
func components(g []byte, fn func(off int)) {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return
	}
	p := 10
	for p+4 <= len(g) {
		flags := binary.BigEndian.Uint16(g[p:])
		fn(p + 2)
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComponents == 0 {
			return
		}
	}
}

// Subset returns a TrueType font holding only the glyphs of runes (and
// .notdef), renumbered from 1 in rune order; runes the font lacks are left
// out.
func (f *font) Subset(runes []rune) []byte {
	rs := append([]rune(nil), runes...)
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	newID := map[uint16]uint16{0: 0}
	order := []uint16{0}
	add := func(g uint16) {
		if _, ok := newID[g]; !ok && int(g) < f.numGlyphs {
			newID[g] = uint16(len(order))
			order = append(order, g)
		}
	}
	var mapped []rune
	for i, r := range rs {
		if (i > 0 && r == rs[i-1]) || r > 0xFFFF || f.cmap[r] == 0 {
			continue
		}
		add(f.cmap[r])
		mapped = append(mapped, r)
	}
	// Components of composite glyphs, and theirs, at the end.
	for i := 0; i < len(order); i++ {
		g := f.glyph(order[i])
		components(g, func(off int) { add(binary.BigEndian.Uint16(g[off:])) })
	}
	var glyf []byte
	loca := make([]byte, 4*(len(order)+1))
	hmtx := make([]byte, 4*len(order))
	for i, old := range order {
		g := append([]byte(nil), f.glyph(old)...)
		components(g, func(off int) { binary.BigEndian.PutUint16(g[off:], newID[binary.BigEndian.Uint16(g[off:])]) })
		glyf = append(glyf, g...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		binary.BigEndian.PutUint32(loca[4*(i+1):], uint32(len(glyf)))
		binary.BigEndian.PutUint16(hmtx[4*i:], uint16(f.advance(old)))
		binary.BigEndian.PutUint16(hmtx[4*i+2:], f.lsb(old))
	}
	head := append([]byte(nil), f.tables["head"]...)
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment
	binary.BigEndian.PutUint16(head[50:], 1)
	hhea := append([]byte(nil), f.tables["hhea"]...)
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(order)))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(order)))
	post := append([]byte(nil), f.tables["post"][:32]...)
	binary.BigEndian.PutUint32(post, 0x00030000) // no glyph names
	tables := map[string][]byte{
		"head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx, "loca": loca, "glyf": glyf,
		"cmap": cmap4(mapped, newID, f.cmap), "post": post, "name": f.tables["name"], "OS/2": f.tables["OS/2"],
	}
	for _, t := range []string{"cvt ", "fpgm", "prep", "gasp"} {
		if f.tables[t] != nil {
			tables[t] = f.tables[t]
		}
	}
	return assemble(tables)
}

func (f *font) lsb(g uint16) uint16 {
	hmtx := f.tables["hmtx"]
	if int(g) < f.hMetrics {
		return binary.BigEndian.Uint16(hmtx[4*int(g)+2:])
	}
	return binary.BigEndian.Uint16(hmtx[4*f.hMetrics+2*(int(g)-f.hMetrics):])
}

// cmap4 writes a (3,1) format 4 cmap for runes (sorted, BMP, distinct).
func cmap4(runes []rune, newID map[uint16]uint16, cmap map[rune]uint16) []byte {
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for _, r := range runes {
		g := newID[cmap[r]]
		delta := g - uint16(r)
		if n := len(segs); n > 0 && segs[n-1].end+1 == uint16(r) && segs[n-1].delta == delta {
			segs[n-1].end++
			continue
		}
		segs = append(segs, seg{uint16(r), uint16(r), delta})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	sub := make([]byte, 16+8*n)
	binary.BigEndian.PutUint16(sub[0:], 4)
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	binary.BigEndian.PutUint16(sub[6:], uint16(2*n))
	pow, log := 1, 0
	for pow*2 <= n {
		pow, log = pow*2, log+1
	}
	binary.BigEndian.PutUint16(sub[8:], uint16(2*pow))
	binary.BigEndian.PutUint16(sub[10:], uint16(log))
	binary.BigEndian.PutUint16(sub[12:], uint16(2*n-2*pow))
	for i, s := range segs {
		binary.BigEndian.PutUint16(sub[14+2*i:], s.end)
		binary.BigEndian.PutUint16(sub[16+2*n+2*i:], s.start)
		binary.BigEndian.PutUint16(sub[16+4*n+2*i:], s.delta)
		// idRangeOffset stays 0.
	}
	out := make([]byte, 12, 12+len(sub))
	binary.BigEndian.PutUint16(out[2:], 1) // one subtable
	binary.BigEndian.PutUint16(out[4:], 3)
	binary.BigEndian.PutUint16(out[6:], 1)
	binary.BigEndian.PutUint32(out[8:], 12)
	return append(out, sub...)
}

// assemble writes an sfnt file: directory sorted by tag, tables 4-aligned,
// checksums and head's checkSumAdjustment set.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	pow, log := 1, 0
	for pow*2 <= n {
		pow, log = pow*2, log+1
	}
	out := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(16*pow))
	binary.BigEndian.PutUint16(out[8:], uint16(log))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16*pow))
	headAt := 0
	for i, t := range tags {
		data := tables[t]
		rec := 12 + 16*i
		copy(out[rec:], t)
		binary.BigEndian.PutUint32(out[rec+4:], checksum(data))
		binary.BigEndian.PutUint32(out[rec+8:], uint32(len(out)))
		binary.BigEndian.PutUint32(out[rec+12:], uint32(len(data)))
		if t == "head" {
			headAt = len(out)
		}
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
