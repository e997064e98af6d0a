// Package demo generates realistic cases for trial and benchmark
// databases: arrivals in working hours over the twelve months before now, a
// mix of items, and supplements, pauses, extensions, refusals, withdrawals,
// fees, waivers, ratings and overdue cases, open and closed. It writes
// through the store's bulk loader (sqlite.Bulk) and knows no SQL.
package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
	"github.com/onewindow/onewindow/data/sqlite"
	"github.com/onewindow/onewindow/data/theme"
)

// Options control the generator.
type Options struct {
	Cases    int                   // how many cases to generate
	Seed     uint64                // the same seed gives the same cases
	Progress func(done, total int) // called after each batch; may be nil
	// BulkAt is the size of a run that the store writes as a large bulk
	// load (without indexes and triggers until the end); 0 = 50,000.
	BulkAt int
	// Batch is how many cases go into one transaction; 0 = 50,000.
	Batch int
}

// Result says what the generator wrote.
type Result struct {
	Cases      int
	Events     int
	Applicants int
	Open       int
	Problems   int
}

const defaultBatch = 50000

// Run fills the store with opt.Cases generated cases. Every case goes
// through the lifecycle (data.Next) and its clock cache is computed as for
// a registered case. Generation (Go) and writing (SQLite) overlap: one
// batch is prepared while the one before it is written.
func Run(ctx context.Context, s *sqlite.Store, opt Options) (res Result, err error) {
	if opt.Cases <= 0 {
		return res, data.FieldError("cases", "办件数量", "应大于 0")
	}
	bulkAt, batch := cmp.Or(opt.BulkAt, defaultBatch), cmp.Or(opt.Batch, defaultBatch)
	g, err := newGen(ctx, s, opt)
	if err != nil {
		return res, err
	}
	g.total = opt.Cases
	bulk, err := s.BeginBulk(ctx, sqlite.BulkOptions{Large: opt.Cases >= bulkAt, Action: "demo", Sample: true})
	if err != nil {
		return res, err
	}
	defer func() {
		if ferr := bulk.Finish(ctx, err != nil); ferr != nil && err == nil {
			err = ferr
		}
	}()
	if err := g.writeApplicants(ctx, bulk); err != nil {
		return res, err
	}
	res.Applicants = len(g.applicants)
	batches := make(chan *sqlite.PreparedBatch, 1)
	genErr := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for from := 0; from < opt.Cases; from += batch {
			b, err := g.batch(from, min(batch, opt.Cases-from))
			if err != nil {
				genErr <- err
				return
			}
			select {
			case batches <- bulk.Prepare(b):
			case <-stop:
				return
			}
		}
	}()
	for b := range batches {
		if err := bulk.Write(ctx, b); err != nil {
			return res, err
		}
		res.Cases += b.Cases
		res.Events += b.Events
		res.Open += b.Open
		if opt.Progress != nil {
			opt.Progress(res.Cases, opt.Cases)
		}
	}
	select {
	case err := <-genErr:
		return res, err
	default:
	}
	// A few problems per hundred cases, for the board and the bulletin.
	if n := max(1, opt.Cases*3/100); n > 0 {
		ps, err := g.problems(ctx, s, n)
		if err != nil {
			return res, err
		}
		if err := s.LoadSampleProblems(ctx, ps); err != nil {
			return res, err
		}
		res.Problems = len(ps)
	}
	return res, nil
}

// batch generates cases from … from+n-1 (pure Go work, no database).
func (g *gen) batch(from, n int) (sqlite.BulkBatch, error) {
	b := sqlite.BulkBatch{Seq: map[calendar.Date]int{}, ThemeSeq: map[calendar.Date]int{}}
	g.feeSeq = 0
	g.batchCases, g.batchFrom, g.batchEnd = &b.Cases, from, from+n
	for i := 0; i < n; i++ {
		app, err := g.generate(from + i)
		if err != nil {
			return b, err
		}
		day := calendar.DateOf(app.ReceivedAt)
		b.Seq[day] = g.seq[day]
		b.Cases = append(b.Cases, app)
	}
	g.deliverThemes(&b)
	for _, t := range b.Themes {
		day := calendar.DateOf(t.ReceivedAt)
		b.ThemeSeq[day] = g.themeSeq[day]
	}
	return b, nil
}

type demoClerk struct {
	id, windowID int64
}

type gen struct {
	rng        *rand.Rand
	cal        *calendar.Calendar
	site       string
	today      calendar.Date
	threshold  float64
	items      []data.ServiceItem
	weights    []int
	weightSum  int
	total      int // cases to generate
	clerks     []demoClerk
	super      string
	superID    int64
	fees       map[int64][]data.FeeItem // per item, every schedule
	policies   []data.WaiverPolicy
	policyID   map[string]int64 // by code
	rectify    int              // working days to rectify a 差评
	feeSeq     int64            // fee lines so far in the batch being prepared
	applicants []int64          // ids; enterprises first, then individuals
	pool       []data.Applicant // the same applicants, by the same index
	nEnt       int
	days       []calendar.Date // working days of the last twelve months
	seq        map[calendar.Date]int
	ents       []data.Applicant // enterprises that raise problems
	forced     map[string]int   // rare outcomes made to happen so far (see first)

	// 一件事 (themes.go): the catalogue's themes, the one being generated,
	// those of the batch being made, and the theme numbers used per day.
	themes      []theme.Theme
	cur         *demoTheme
	batchThemes []*demoTheme
	batchCases  *[]data.Application
	batchFrom   int
	batchEnd    int
	themeSeq    map[calendar.Date]int
}

// first reports whether fewer than n outcomes of kind have been made to
// happen so far, and counts this one if so: a small demo still shows a
// rejected waiver, a pending one and a 差评 in every state of its
// rectification, which chance alone would leave out of a few hundred cases.
func (g *gen) first(kind string, n int) bool {
	if g.forced[kind] >= n {
		return false
	}
	g.forced[kind]++
	return true
}

// individualItems are the catalogue items applied for by persons.
var individualItems = map[string]bool{"SCJG-004": true, "RSJ-002": true, "MZJ-001": true, "MZJ-002": true, "CLH-001": true, "GAJ-001": true, "BDC-001": true, "ZRGH-003": true}

func newGen(ctx context.Context, s *sqlite.Store, opt Options) (*gen, error) {
	g := &gen{rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), seq: map[calendar.Date]int{}, forced: map[string]int{}}
	var err error
	if g.cal, err = s.Calendar(ctx); err != nil {
		return nil, err
	}
	site, err := s.Site(ctx)
	if err != nil {
		return nil, err
	}
	g.site = site.Code
	g.today = calendar.DateOf(s.Now().UTC())
	g.threshold = s.Threshold(ctx)
	if g.items, err = s.Items(ctx); err != nil {
		return nil, err
	}
	if len(g.items) == 0 {
		return nil, data.Errorf(data.ECONFLICT, "事项目录为空，不能生成演示办件")
	}
	for _, it := range g.items {
		w := 2
		switch it.Kind {
		case data.KindImmediate:
			w = 5
		case data.KindReported, data.KindJoint:
			w = 1
		}
		g.weights = append(g.weights, w)
		g.weightSum += w
	}
	users, err := s.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		switch {
		case u.Role == data.RoleClerk && u.WindowID != 0:
			g.clerks = append(g.clerks, demoClerk{u.ID, u.WindowID})
		case u.Role == data.RoleSupervisor && g.super == "":
			g.super, g.superID = u.Login, u.ID
		}
	}
	if len(g.clerks) == 0 || g.super == "" {
		return nil, data.Errorf(data.ECONFLICT, "演示数据需要至少一名有窗口的窗口人员和一名督查人员")
	}
	if g.policies, err = s.WaiverPolicies(ctx); err != nil {
		return nil, err
	}
	g.policyID = map[string]int64{}
	for _, p := range g.policies {
		g.policyID[p.Code] = p.ID
	}
	all, err := s.FeeItems(ctx)
	if err != nil {
		return nil, err
	}
	codes, err := s.ItemFees(ctx)
	if err != nil {
		return nil, err
	}
	g.fees = map[int64][]data.FeeItem{}
	for id, cs := range codes {
		for _, c := range cs {
			for _, f := range all {
				if f.Code == c {
					g.fees[id] = append(g.fees[id], f)
				}
			}
		}
	}
	g.rectify = s.RectifyDays(ctx)
	// Whole working days before today, so that no arrival lies in the future.
	for d := g.today.AddDays(-365); d < g.today; d++ {
		if g.cal.IsWorkday(d) {
			g.days = append(g.days, d)
		}
	}
	// Continue each day's sequence after the numbers already used.
	if g.seq, err = s.DaySequences(ctx, g.today.AddDays(-366)); err != nil {
		return nil, err
	}
	if g.themeSeq, err = s.ThemeDaySequences(ctx, g.today.AddDays(-366)); err != nil {
		return nil, err
	}
	if g.themes, err = s.Themes(ctx); err != nil {
		return nil, err
	}
	return g, nil
}

var (
	demoPlaces  = []string{"杭州", "钱塘", "西湖", "上城", "临平", "富阳", "建德", "桐庐", "淳安", "余杭", "萧山", "滨江"}
	demoTrades  = []string{"食品", "科技", "贸易", "建材", "餐饮", "物流", "电子", "服饰", "茶业", "文化", "机械", "医药", "农业", "印务"}
	demoMarks   = []string{"恒通", "华盛", "鑫源", "瑞丰", "宏达", "金禾", "远航", "佳和", "明德", "新锐", "汇丰", "德润", "嘉禾", "永信", "博远"}
	demoForms   = []string{"有限公司", "有限责任公司", "股份有限公司", "合作社"}
	demoSurname = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"}
	demoGiven   = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建华", "海燕", "志强", "桂兰"}
)

// at returns a time on day d in working hours (08:30–17:30 Shanghai), no
// earlier than after.
func (g *gen) at(d calendar.Date, after time.Time) time.Time {
	y, m, dd := d.Time().Date()
	t := time.Date(y, m, dd, 8, 30, 0, 0, calendar.Shanghai).Add(time.Duration(g.rng.IntN(9*60)) * time.Minute)
	if !t.After(after) {
		t = after.Add(time.Duration(1+g.rng.IntN(20)) * time.Minute)
	}
	return t.UTC()
}

// generate makes case i of the run: its number, applicant, window and event
// log, cut off at today. Cases arrive in date order, as at a real window, so
// numbers and dates grow with the row id.
func (g *gen) generate(i int) (data.Application, error) {
	if app, ok, err := g.themeCase(i); ok || err != nil {
		return app, err
	}
	app, err := g.lifecycle(i)
	if err == nil {
		g.rate(&app)
	}
	return app, err
}

// lifecycle makes case i's events from receipt to where it stands today.
// The parts draw from the generator's random numbers in a fixed order, so
// the same seed gives the same cases.
func (g *gen) lifecycle(i int) (data.Application, error) {
	c, day, err := g.arrive(i)
	if err != nil {
		return data.Application{}, err
	}
	if acceptDay, accepted := c.intake(day); accepted {
		c.work(day, acceptDay)
	}
	return c.app, nil
}

// demoCase is one case being generated: the case so far, its clerk and the
// time of its last event.
type demoCase struct {
	g        *gen
	app      data.Application
	clerk    demoClerk
	t        time.Time
	together bool // an item of a theme whose results go out together: not delivered alone
}

// arrive picks case i's item, clerk, day and arrival time and numbers it.
func (g *gen) arrive(i int) (*demoCase, calendar.Date, error) {
	r := g.rng.IntN(g.weightSum)
	idx := 0
	for r >= g.weights[idx] {
		r -= g.weights[idx]
		idx++
	}
	it := g.items[idx]
	clerk := g.clerks[g.rng.IntN(len(g.clerks))]
	pos := int64(i) * int64(len(g.days))
	day := g.days[pos/int64(g.total)]
	// Arrival within the day follows the number: 08:30 + share of nine hours.
	frac := float64(pos%int64(g.total)) / float64(g.total)
	y, m, dd := day.Time().Date()
	arrival := time.Date(y, m, dd, 8, 30, 0, 0, calendar.Shanghai).Add(time.Duration(frac * float64(9*time.Hour))).Truncate(time.Second)
	g.seq[day]++
	if g.seq[day] > data.MaxDailySequence {
		return nil, 0, data.Errorf(data.ECONFLICT, "%s 的办件编号已用完：演示办件太多", day)
	}
	app := data.Application{
		Number:   fmt.Sprintf("%s%s%04d", g.site, day.Time().Format("20060102"), g.seq[day]),
		SiteCode: g.site, Item: it, WindowID: clerk.windowID, ClerkID: clerk.id, Status: data.StatusReceived,
	}
	who := g.rng.IntN(g.nEnt) // an enterprise
	// Persons apply for their items; a property transfer is now and then
	// an enterprise's.
	if individualItems[it.Code] && (it.Code != "BDC-001" || g.rng.Float64() < 0.75) {
		who = g.nEnt + g.rng.IntN(len(g.applicants)-g.nEnt)
	}
	// Those who pay fees are more often those a waiver policy covers
	// (a pensioner's flat, a small firm's premises) than the pool at large.
	if len(g.fees[it.ID]) > 0 && g.rng.Float64() < 0.3 {
		who = g.qualifying(who)
	}
	app.Applicant = g.pool[who]
	app.Applicant.ID = g.applicants[who]
	c := &demoCase{g: g, app: app, clerk: clerk, t: arrival.UTC()}
	c.app.ReceivedAt = c.t
	lim := it.Limits()
	c.add(clock.Received, day, data.EventData{Materials: it.Materials, Limits: &lim, Proofs: g.proofs(who, day)})
	return c, day, nil
}

// add appends an event on day d (no earlier than the last), unless d is
// after today; it says whether it did.
func (c *demoCase) add(k clock.Kind, d calendar.Date, ed data.EventData) bool {
	if d > c.g.today {
		return false
	}
	if k != clock.Received {
		c.t = c.g.at(d, c.t)
	}
	next, err := data.Next(c.app.Status, k)
	if k != clock.Received {
		if err != nil {
			panic(fmt.Sprintf("demo generator broke the lifecycle: %v", err)) // a bug here, not bad input
		}
		c.app.Status = next
	}
	c.app.Events = append(c.app.Events, data.Event{Seq: len(c.app.Events) + 1, Kind: k, At: c.t, ActorID: c.clerk.id, Data: ed})
	return true
}

// intake: withdrawn, refused, or accepted — at once, after a few days'
// examination, or after a 补正 — and on which day.
func (c *demoCase) intake(day calendar.Date) (calendar.Date, bool) {
	p := c.g.rng.Float64()
	switch {
	case p < 0.02:
		c.add(clock.Withdrawn, c.g.cal.AddWorkdays(day, c.g.rng.IntN(2)), data.EventData{Reason: "申请人主动撤回申请"})
		return 0, false
	case p < 0.05:
		c.add(clock.Refused, day, data.EventData{Reason: "申请事项不属于本机关职权范围，已告知向有关行政机关申请"})
		return 0, false
	}
	acceptDay := day
	// One recent case has its 补正 handed in and waits for review today,
	// so even a small demo lists one (补正已交).
	if since := c.g.cal.CountWorkdays(day, c.g.today); c.app.Item.Kind != data.KindImmediate && since >= 2 && since <= 5 && c.g.first("supplied", 1) {
		missing := c.app.Item.Materials[len(c.app.Item.Materials)-1:]
		c.add(clock.SupplementRequested, day, data.EventData{Missing: missing})
		c.add(clock.SupplementCompleted, c.g.today, data.EventData{})
		return 0, false
	}
	if c.app.Item.Kind != data.KindImmediate && c.g.rng.Float64() < 0.06 {
		// Materials examined for a few days before 受理 (within Art. 32's five).
		acceptDay = c.g.cal.AddWorkdays(day, 1+c.g.rng.IntN(3))
	} else if c.app.Item.Kind != data.KindImmediate && c.g.rng.Float64() < 0.10 {
		notice := day
		if c.g.rng.Float64() < 0.1 {
			notice = c.g.cal.AddWorkdays(day, 6+c.g.rng.IntN(3)) // late notice: the clock starts at receipt
		}
		missing := c.app.Item.Materials[len(c.app.Item.Materials)-1:]
		if !c.add(clock.SupplementRequested, notice, data.EventData{Missing: missing}) {
			return 0, false
		}
		acceptDay = c.g.cal.AddWorkdays(notice, 1+c.g.rng.IntN(5))
		if !c.add(clock.SupplementCompleted, acceptDay, data.EventData{}) {
			return 0, false
		}
		acceptDay = c.g.cal.AddWorkdays(acceptDay, c.g.rng.IntN(4)) // reviewed within three working days
	}
	return acceptDay, c.add(clock.Accepted, acceptDay, data.EventData{})
}

// work: fees and waivers, the department's working days (late for the
// promise or the law in some cases), a pause or an extension, completion
// and delivery — as far as today.
func (c *demoCase) work(day, acceptDay calendar.Date) {
	c.g.feesAndWaivers(&c.app, acceptDay, &c.t, c.clerk)
	start := acceptDay
	if len(c.app.Events) > 2 && c.g.cal.CountWorkdays(day, calendar.DateOf(c.app.Events[1].At)) > clock.LateNoticeDays {
		start = day
	}
	// How many working days the department takes.
	limit := c.app.Item.Promised
	target := 0
	switch q := c.g.rng.Float64(); {
	case c.app.Item.Kind == data.KindImmediate:
		if q < 0.03 {
			target = 1
		}
	case q < 0.88:
		target = max(1, limit*3/10+c.g.rng.IntN(limit*7/10+1))
	case q < 0.97:
		target = limit + 1 + c.g.rng.IntN(max(1, limit/3)+1) // late for the promise
	default:
		target = c.app.Item.Statutory + 1 + c.g.rng.IntN(3) // late for the law
	}
	// Optional pause (Art. 45) and extension.
	pauseAt, pauseLen := 0, 0
	if c.app.Item.Kind != data.KindImmediate && target > 2 && c.g.rng.Float64() < 0.08 {
		pauseAt = 1 + c.g.rng.IntN(target-1)
		pauseLen = 3 + c.g.rng.IntN(15)
	}
	// One recent case is paused today, so even a small demo lists one.
	if since := c.g.cal.CountWorkdays(start, c.g.today); c.app.Item.Kind != data.KindImmediate && since >= 2 && since <= 8 && c.g.first("paused", 1) {
		pauseAt, pauseLen, target = 1, 15, max(target, 3)
	}
	extend := c.app.Item.Kind != data.KindImmediate && target > limit && c.g.rng.Float64() < 0.4
	var done calendar.Date
	if pauseAt > 0 {
		pDay := c.g.cal.AddWorkdays(start, pauseAt)
		if !c.add(clock.Paused, pDay, data.EventData{Reason: data.PauseReasons[c.g.rng.IntN(len(data.PauseReasons))], Days: pauseLen}) {
			return
		}
		rDay := c.g.cal.AddWorkdays(pDay, pauseLen)
		if !c.add(clock.Resumed, rDay, data.EventData{}) {
			return
		}
		done = c.g.cal.AddWorkdays(rDay, target-pauseAt)
	} else {
		done = c.g.cal.AddWorkdays(start, target)
	}
	if extend {
		eDay := c.g.cal.AddWorkdays(start, max(1, limit*2/3))
		if eDay > calendar.DateOf(c.t) {
			if !c.add(clock.Extended, eDay, data.EventData{Days: 10, Reason: "需要现场核查，情况复杂", Approver: c.g.super}) {
				return
			}
		}
	}
	result := data.ResultGranted
	if c.g.rng.Float64() < 0.04 {
		result = data.ResultDenied
	}
	if !c.add(clock.Completed, max(done, calendar.DateOf(c.t)), data.EventData{Result: result}) {
		return
	}
	if c.g.rng.Float64() < 0.85 && !c.together {
		method := data.MethodPickup
		if c.g.rng.Float64() < 0.3 {
			method = data.MethodPost
		}
		c.add(clock.Delivered, c.g.cal.AddWorkdays(calendar.DateOf(c.t), c.g.rng.IntN(3)), data.EventData{Method: method})
	}
}
