package sqlite

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// The demo generator's side of the report's daily totals (report_days.go):
// it writes a large run without the triggers and adds up its cases here, in
// Go, with the goHas, goDay, key fields and goSum that stand beside each
// table's SQL. TestDayTotals holds the result equal to the SQL.

// totalKey is a daily total's key in Go, small and all numbers so that a
// million cases add up quickly: the group (item, window, clerk and site),
// status and day by their number in dayTotals' lists. A table uses the
// fields its keys name.
type totalKey struct{ group, status, used, day int32 }

// goKey is the table's key of a case: the fields its keys name (every
// table has a day).
func (t dayTable) goKey(group, status, used, day int32) totalKey {
	k := totalKey{day: day}
	for _, c := range t.keys {
		switch c.field {
		case fItem, fWindow, fClerk, fSite:
			k.group = group
		case fStatus:
			k.status = status
		case fUsed:
			k.used = used
		}
	}
	return k
}

// demoFacts reads a case row as the demo generator writes it: the key
// columns, the received day, the status, the clock cache (cacheColumns
// order) and the rating's day and level.
func demoFacts(item, window, clerk int64, site, received, status string, c *[15]any, rated, level any) dayFacts {
	str := func(v any) string {
		s, _ := v.(string)
		return s
	}
	num := func(v any, null int64) int64 {
		if n, ok := v.(int); ok {
			return int64(n)
		}
		return null
	}
	return dayFacts{item: item, window: window, clerk: clerk, site: site, status: status,
		received: received, accepted: str(c[6]), closed: str(c[3]), rated: str(rated),
		used: num(c[7], -1), ontimeP: num(c[8], 0), ontimeS: num(c[9], 0), pause: num(c[10], 0), extra: num(c[11], 0),
		supp: num(c[12], 0), level: num(level, 0)}
}

// dayTotals adds up cases in Go the way the triggers do in SQL, for the
// demo generator. A batch's cases are added up in small maps (a map of a
// million cases' keys would miss the processor's cache at every case), and
// each batch's totals are kept as a run; write sorts the runs into the
// tables' key order and adds up equal keys.
type dayTotals struct {
	groups   map[groupKey]int32
	groupOf  []groupKey
	statuses map[string]int32
	statusOf []string
	days     map[string]int32
	dayOf    []string
	batch    []map[totalKey]int32 // per table: key → its sums' place in batchSums
	batchSum [][]int64            // per table: the sums, len(t.sums) per key
	runKeys  [][]totalKey         // per table: every batch's keys
	runSums  [][]int64            // per table: their sums, in the same order
}

type groupKey struct {
	item, window, clerk int64
	site                string
}

func newDayTotals() *dayTotals {
	n := len(dayTables)
	d := &dayTotals{groups: map[groupKey]int32{}, statuses: map[string]int32{}, days: map[string]int32{},
		batch: make([]map[totalKey]int32, n), batchSum: make([][]int64, n), runKeys: make([][]totalKey, n), runSums: make([][]int64, n)}
	for i := range d.batch {
		d.batch[i] = map[totalKey]int32{}
	}
	return d
}

func intern[K comparable](m map[K]int32, list *[]K, k K) int32 {
	n, ok := m[k]
	if !ok {
		n = int32(len(*list))
		m[k] = n
		*list = append(*list, k)
	}
	return n
}

func (d *dayTotals) add(f *dayFacts) {
	group := intern(d.groups, &d.groupOf, groupKey{f.item, f.window, f.clerk, f.site})
	status := intern(d.statuses, &d.statusOf, f.status)
	for i, t := range dayTables {
		if !t.goHas(f) {
			continue
		}
		k := t.goKey(group, status, int32(f.used), intern(d.days, &d.dayOf, t.goDay(f)))
		at, ok := d.batch[i][k]
		if !ok {
			at = int32(len(d.batchSum[i]))
			d.batch[i][k] = at
			d.batchSum[i] = append(d.batchSum[i], make([]int64, len(t.sums))...)
		}
		for j, c := range t.sums {
			d.batchSum[i][int(at)+j] += c.goSum(f)
		}
	}
}

// endBatch keeps the batch's totals as a run.
func (d *dayTotals) endBatch() {
	for i, t := range dayTables {
		for k, at := range d.batch[i] {
			d.runKeys[i] = append(d.runKeys[i], k)
			d.runSums[i] = append(d.runSums[i], d.batchSum[i][int(at):int(at)+len(t.sums)]...)
		}
		clear(d.batch[i])
		d.batchSum[i] = d.batchSum[i][:0]
	}
}

// ranks gives each of list's entries its place in sorted order.
func ranks[K any](list []K, cmp func(a, b K) int) []int32 {
	order := make([]int32, len(list))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp(list[a], list[b]) })
	out := make([]int32, len(list))
	for r, i := range order {
		out[i] = int32(r)
	}
	return out
}

// write adds the totals to the tables, in key order.
func (d *dayTotals) write(tx *sql.Tx) error {
	d.endBatch()
	groupRank := ranks(d.groupOf, func(a, b groupKey) int {
		return cmp.Or(cmp.Compare(a.item, b.item), cmp.Compare(a.window, b.window), cmp.Compare(a.clerk, b.clerk), cmp.Compare(a.site, b.site))
	})
	statusRank := ranks(d.statusOf, strings.Compare)
	dayRank := ranks(d.dayOf, strings.Compare)
	for i, t := range dayTables {
		keys := d.runKeys[i]
		compare := func(a, b totalKey) int {
			for _, c := range t.keys {
				var r int
				switch c.field {
				case fItem, fWindow, fClerk, fSite:
					r = cmp.Compare(groupRank[a.group], groupRank[b.group])
				case fStatus:
					r = cmp.Compare(statusRank[a.status], statusRank[b.status])
				case fUsed:
					r = cmp.Compare(a.used, b.used)
				case fDay:
					r = cmp.Compare(dayRank[a.day], dayRank[b.day])
				}
				if r != 0 {
					return r
				}
			}
			return 0
		}
		order := make([]int32, len(keys))
		for j := range order {
			order[j] = int32(j)
		}
		slices.SortFunc(order, func(a, b int32) int { return compare(keys[a], keys[b]) })
		n := len(t.sums)
		w := &rowWriter{head: "INSERT INTO " + t.name + " (" + strings.Join(names(t.cols()), ", ") + ") VALUES",
			tail: t.upsertTail(), cols: len(t.keys) + n}
		sums := make([]int64, n)
		for j, at := range order {
			for x, v := range d.runSums[i][int(at)*n : int(at)*n+n] {
				sums[x] += v
			}
			if j+1 < len(order) && compare(keys[at], keys[order[j+1]]) == 0 {
				continue // the same key in another batch's run
			}
			k := keys[at]
			g := d.groupOf[k.group]
			for _, c := range t.keys {
				switch c.field {
				case fItem:
					w.add(g.item)
				case fWindow:
					w.add(g.window)
				case fClerk:
					w.add(g.clerk)
				case fSite:
					w.add(g.site)
				case fStatus:
					w.add(d.statusOf[k.status])
				case fUsed:
					w.add(int64(k.used))
				case fDay:
					w.add(d.dayOf[k.day])
				}
			}
			for x := range sums {
				w.add(sums[x])
				sums[x] = 0
			}
		}
		if err := w.write(tx, appChunk); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return nil
}
