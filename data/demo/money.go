package demo

import (
	"strings"
	"time"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/policy"
)

// The demo generator's fees, waivers, ratings and rectifications.

// feesAndWaivers fixes the fee lines of a case accepted on day and, for
// some, a waiver request: approved, rejected, or still pending when recent.
func (g *gen) feesAndWaivers(app *data.Application, day calendar.Date, t *time.Time, clerk demoClerk) {
	accepted := &app.Events[len(app.Events)-1] // the 受理 just made records the lines
	for _, f := range g.fees[app.Item.ID] {
		if !f.AppliesOn(day) {
			continue
		}
		g.feeSeq++
		app.Fees = append(app.Fees, data.FeeLine{ID: g.feeSeq, Code: f.Code, Name: f.Name, AmountFen: f.AmountFen, Unit: f.Unit, Basis: f.Basis})
		accepted.Data.Fees = append(accepted.Data.Fees, data.EventFee{Code: f.Code, AmountFen: f.AmountFen})
	}
	// 该减则减: most waivers the applicant qualifies for are asked for; some
	// are missed, a few with the clerk's reason; now and then a waiver is
	// granted to someone the policy does not cover (减免无依据).
	eligible, _ := policy.Evaluate(app, g.policies)
	proposed := map[string]bool{}
	for _, e := range policy.Proposals(eligible) {
		proposed[e.Fee] = true
		switch p := g.rng.Float64(); {
		case p < 0.82:
			r := e.Request(g.policyID[e.Policy])
			g.waive(app, data.Waiver{FeeID: g.feeID(app, e.Fee), FeeCode: e.Fee, Kind: r.Kind, AmountFen: e.AmountFen, PolicyID: r.PolicyID,
				PolicyCode: e.Policy, Basis: e.Basis, Reason: r.Reason}, day, t, clerk)
		case p < 0.92: // missed, without a word
		default:
			*t = t.Add(time.Duration(2+g.rng.IntN(10)) * time.Minute)
			app.Events = append(app.Events, data.Event{Seq: len(app.Events) + 1, Kind: data.WaiverDeclined, At: *t, ActorID: clerk.id,
				Data: data.EventData{FeeCode: e.Fee, Policy: e.Policy, Reason: g.pick(demoDeclineReasons)}})
		}
	}
	for _, fee := range app.Fees {
		if fee.AmountFen == 0 || proposed[fee.Code] || g.rng.Float64() >= 0.02 {
			continue
		}
		var pols []data.WaiverPolicy
		for _, p := range g.policies {
			if p.AppliesOn(day) && demoPolicyFits(p.Code, fee.Code) {
				pols = append(pols, p)
			}
		}
		if len(pols) == 0 {
			continue
		}
		pol := pols[g.rng.IntN(len(pols))]
		g.waive(app, data.Waiver{FeeID: fee.ID, FeeCode: fee.Code, Kind: data.WaiverFull, AmountFen: fee.AmountFen, PolicyID: pol.ID, PolicyCode: pol.Code,
			Basis: pol.Basis, Reason: "申请人称符合" + pol.Name + "条件，照顾办理"}, day, t, clerk)
	}
}

// demoDeclineReasons are what clerks write when they do not apply a
// policy the applicant qualifies for.
var demoDeclineReasons = []string{"申请人未携带证件原件，无法核验", "申请人表示自愿缴纳，放弃减免", "证件已过有效期，请申请人换证后再申请退费", "委托代理人办理，未带委托人证明"}

// feeID is the id of the case's fee line with code.
func (g *gen) feeID(app *data.Application, code string) int64 {
	for _, f := range app.Fees {
		if f.Code == code {
			return f.ID
		}
	}
	return 0
}

// waive asks for w and, as a supervisor would, decides it: approved, now
// and then rejected, or still pending when recent.
func (g *gen) waive(app *data.Application, w data.Waiver, day calendar.Date, t *time.Time, clerk demoClerk) {
	*t = t.Add(time.Duration(5+g.rng.IntN(20)) * time.Minute)
	w.RequestedAt, w.Status = *t, data.ApprovalPending
	app.Events = append(app.Events, data.Event{Seq: len(app.Events) + 1, Kind: data.WaiverRequested, At: *t, ActorID: clerk.id,
		Data: data.EventData{FeeCode: w.FeeCode, AmountFen: w.AmountFen, Policy: w.Basis, Reason: w.Reason}})
	// Recent requests are often still waiting; a few old ones too.
	recent := g.cal.CountWorkdays(day, g.today) < 3
	p, reject := g.rng.Float64(), g.rng.Float64() < 0.1
	decide := (!recent && p > 0.05) || (recent && p < 0.5)
	// The demo's first waiver still waits for the supervisor and its
	// second is rejected, however few cases are made.
	if g.first("waiver", 2) {
		decide = g.forced["waiver"] == 2
		reject = decide
	}
	if decide {
		*t = t.Add(time.Duration(10+g.rng.IntN(60)) * time.Minute)
		w.Status, w.DecidedAt, w.DecidedBy = data.ApprovalApproved, *t, g.super
		kind := data.WaiverApproved
		if reject {
			w.Status, w.Note, kind = data.ApprovalRejected, "证明材料不符合政策要求", data.WaiverRejected
		}
		app.Events = append(app.Events, data.Event{Seq: len(app.Events) + 1, Kind: kind, At: *t, ActorID: g.superID,
			Data: data.EventData{FeeCode: w.FeeCode, AmountFen: w.AmountFen, Note: w.Note}})
	}
	app.Waivers = append(app.Waivers, w)
}

// demoPolicyFits pairs the sample's waiver policies with the fees they
// concern (by the codes' shared words), so demo waivers look lawful.
func demoPolicyFits(policy, fee string) bool {
	switch {
	case strings.Contains(policy, "BDC"), strings.HasPrefix(policy, "CJR"):
		return strings.HasPrefix(fee, "BDC")
	case strings.Contains(policy, "SFZ"):
		return strings.HasPrefix(fee, "SFZ")
	}
	return true
}

// demoRectFirsts are the draws (outcome, then the appeal's decision) of the
// first rectifications: appealed and found invalid, done, left in
// progress, appealed and sent back, appealed and awaiting the decision.
var demoRectFirsts = [][2]float64{{0.05, 0.1}, {0.5, 0}, {0.15, 0}, {0.05, 0.7}, {0.05, 0.9}}

// demoRatingLevels are the levels given, roughly as at a real window.
var demoRatingLevels = []struct {
	level int
	share float64
}{{5, 0.70}, {4, 0.18}, {3, 0.07}, {2, 0.03}, {1, 0.02}}

// rate has the applicant of a completed case rate it (one in five does),
// and follows a 差评's rectification through to where it would be today.
func (g *gen) rate(app *data.Application) {
	if (app.Status != data.StatusCompleted && app.Status != data.StatusDelivered) || g.rng.Float64() >= 0.2 {
		return
	}
	last := app.Events[len(app.Events)-1].At
	at := last.Add(time.Duration(1+g.rng.IntN(10)) * time.Minute)
	p, level := g.rng.Float64(), 5
	for _, l := range demoRatingLevels {
		if p < l.share {
			level = l.level
			break
		}
		p -= l.share
	}
	comment := ""
	if level <= data.BadRating {
		comment = []string{"等候时间太长", "窗口人员解释不清楚", "材料要求反复变化", "办理进度查询不便"}[g.rng.IntN(4)]
	} else if g.rng.Float64() < 0.1 {
		comment = "办事效率高，服务热情"
	}
	app.Rating = &data.Rating{Level: level, Comment: comment, At: at, Clerk: ""}
	app.Events = append(app.Events, data.Event{Seq: len(app.Events) + 1, Kind: data.Rated, At: at, ActorID: app.ClerkID, Data: data.EventData{Level: level, Note: comment}})
	if level > data.BadRating {
		return
	}
	day := calendar.DateOf(at)
	r := &data.Rectification{AppID: app.ID, Status: data.RectOpen, OpenedAt: at, Due: g.cal.AddWorkdays(day, g.rectify)}
	app.Rating.Rectification = r
	step := func(to data.RectStatus, d calendar.Date, actor int64, text string) bool {
		if d > g.today {
			return false
		}
		at = g.at(d, at)
		r.Status = to
		switch to {
		case data.RectInProgress:
			r.Measures = text
		case data.RectDone:
			r.Revisit, r.Done = text, d
		case data.RectAppealed:
			r.Appeal = text
		case data.RectInvalid, data.RectOpen:
			r.Decision = text
		}
		app.Events = append(app.Events, data.Event{Seq: len(app.Events) + 1, Kind: data.Rectified, At: at, ActorID: actor, Data: data.EventData{Status: string(to), Note: text}})
		return true
	}
	q, p := g.rng.Float64(), g.rng.Float64()
	// The first 差评 old enough to have a history go through every outcome.
	if g.cal.CountWorkdays(day, g.today) > 3+g.rectify && g.first("rectification", len(demoRectFirsts)) {
		f := demoRectFirsts[g.forced["rectification"]-1]
		q, p = f[0], f[1]
	}
	switch {
	case q < 0.12: // appealed; mostly found invalid, some sent back
		if !step(data.RectAppealed, g.cal.AddWorkdays(day, 1), app.ClerkID, "申请人评价与事实不符，已提交窗口录像") {
			return
		}
		switch {
		case p < 0.6:
			step(data.RectInvalid, g.cal.AddWorkdays(day, 2), g.superID, "经核查录像，服务规范，认定为无效差评")
		case p < 0.8:
			step(data.RectOpen, g.cal.AddWorkdays(day, 2), g.superID, "申诉理由不成立，请按期整改")
		} // else still awaiting the supervisor's decision
	case q < 0.2: // left undone (overdue once the due date has passed)
		step(data.RectInProgress, g.cal.AddWorkdays(day, 1), app.ClerkID, "约谈窗口人员，学习服务规范")
	default:
		if !step(data.RectInProgress, g.cal.AddWorkdays(day, 1), app.ClerkID, "约谈窗口人员，学习服务规范") {
			return
		}
		took := 2 + g.rng.IntN(g.rectify+1) // a few finish after the deadline
		step(data.RectDone, g.cal.AddWorkdays(day, took), app.ClerkID, "电话回访申请人，对整改结果表示满意")
	}
}
