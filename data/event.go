package data

import (
	"time"

	"github.com/onewindow/onewindow/data/clock"
)

// EventKind names an event; the values are the clock's.
type EventKind = clock.Kind

// EventData holds what an event records beyond its kind, time and actor.
// Only the fields of the event's kind are set.
type EventData struct {
	Materials []string `json:"materials,omitempty"` // received: materials handed in
	Proofs    []Proof  `json:"proofs,omitempty"`    // received: evidence for waiver policies (残疾人证号, 成立日期 …)
	Missing   []string `json:"missing,omitempty"`   // supplement_requested: everything missing, at once
	Reason    string   `json:"reason,omitempty"`    // refused, paused, extended, withdrawn
	Days      int      `json:"days,omitempty"`      // paused: expected days; extended: approved days
	Approver  string   `json:"approver,omitempty"`  // extended: who approved (login)
	Result    string   `json:"result,omitempty"`    // completed: granted | denied
	Method    string   `json:"method,omitempty"`    // delivered: pickup | post
	Note      string   `json:"note,omitempty"`      // free remark
	// Fees, waivers, extension requests, ratings and rectifications.
	Ref       int64  `json:"ref,omitempty"`        // the waiver, extension request … it concerns
	FeeCode   string `json:"fee_code,omitempty"`   // waiver_*: the fee line
	AmountFen int64  `json:"amount_fen,omitempty"` // waiver_requested: the amount waived
	Policy    string `json:"policy,omitempty"`     // waiver_requested: the policy's 文号; waiver_declined: its code
	Level     int    `json:"level,omitempty"`      // rated: 1…5
	Status    string `json:"status,omitempty"`     // rectification: the new status
	// Limits (received) are the item's limits when the application arrived:
	// the case keeps them even if the catalogue changes later.
	Limits *clock.Limits `json:"limits,omitempty"`
	// Fees (accepted) are the fee lines fixed at 受理, as the schedules in
	// force that day made them: verify holds the case's fee lines to them.
	Fees []EventFee `json:"fees,omitempty"`
}

// EventFee is one fee line as the 受理 event records it.
type EventFee struct {
	Code      string `json:"code"`
	AmountFen int64  `json:"amount_fen"`
}

// Event is one entry in an application's append-only log.
type Event struct {
	Seq     int // 1, 2, … within the application
	Kind    EventKind
	At      time.Time // UTC
	ActorID int64
	Actor   string // login, filled when read
	// ActorName is the user's name (张丽), filled when read, for people;
	// Actor is what records and bundles keep.
	ActorName string
	Data      EventData
}

func (e Event) clockEvent() clock.Event {
	ce := clock.Event{Kind: e.Kind, At: e.At}
	if e.Kind == clock.Extended {
		ce.Days = e.Data.Days
	}
	return ce
}

// Events beside the lifecycle: they record a request, a decision or a
// rating in the case's log without moving its status or its clock.
const (
	WaiverRequested EventKind = "waiver_requested"
	WaiverApproved  EventKind = "waiver_approved"
	WaiverRejected  EventKind = "waiver_rejected"
	// WaiverDeclined: the clerk did not apply a policy the case qualifies
	// for to a fee line, and said why (Policy is the policy's code).
	WaiverDeclined     EventKind = "waiver_declined"
	ExtensionRequested EventKind = "extension_requested"
	ExtensionRejected  EventKind = "extension_rejected"
	Rated              EventKind = "rated"
	Rectified          EventKind = "rectification"
)

// Annotation reports whether k is one of the events beside the lifecycle.
func Annotation(k EventKind) bool {
	switch k {
	case WaiverRequested, WaiverApproved, WaiverRejected, WaiverDeclined, ExtensionRequested, ExtensionRejected, Rated, Rectified:
		return true
	}
	return false
}

// PauseReasons are the procedures whose time Art. 45 of the Administrative
// Licensing Law does not count.
var PauseReasons = []string{"听证", "招标", "拍卖", "检验", "检测", "检疫", "鉴定", "专家评审"}

// Completion results and delivery methods.
const (
	ResultGranted = "granted" // 准予许可
	ResultDenied  = "denied"  // 不予许可
	MethodPickup  = "pickup"  // 自取
	MethodPost    = "post"    // 邮寄
)

// KindLabel is the Chinese name of an event kind.
func KindLabel(k EventKind) string {
	switch k {
	case clock.Received:
		return "收件"
	case clock.SupplementRequested:
		return "一次性告知补正"
	case clock.SupplementCompleted:
		return "补正完成"
	case clock.Accepted:
		return "受理"
	case clock.Refused:
		return "不予受理"
	case clock.Paused:
		return "暂停计时"
	case clock.Resumed:
		return "恢复计时"
	case clock.Extended:
		return "延长期限"
	case clock.Completed:
		return "办结"
	case clock.Delivered:
		return "送达"
	case clock.Withdrawn:
		return "撤回"
	case WaiverRequested:
		return "申请减免"
	case WaiverApproved:
		return "批准减免"
	case WaiverRejected:
		return "驳回减免"
	case WaiverDeclined:
		return "未适用减免政策"
	case ExtensionRequested:
		return "申请延期"
	case ExtensionRejected:
		return "驳回延期"
	case Rated:
		return "好差评"
	case Rectified:
		return "差评整改"
	}
	return string(k)
}

// transitions is the lifecycle: for each status, the events allowed next
// and the status each leads to. Extended keeps the status.
var transitions = map[Status]map[EventKind]Status{
	StatusReceived: {
		clock.SupplementRequested: StatusSupplement,
		clock.Accepted:            StatusAccepted,
		clock.Refused:             StatusRefused,
		clock.Withdrawn:           StatusWithdrawn,
	},
	StatusSupplement: {
		clock.SupplementCompleted: StatusSupplied,
		clock.Refused:             StatusRefused,
		clock.Withdrawn:           StatusWithdrawn,
	},
	StatusSupplied: {
		clock.Accepted:  StatusAccepted,
		clock.Refused:   StatusRefused,
		clock.Withdrawn: StatusWithdrawn,
	},
	StatusAccepted: {
		clock.Paused:    StatusPaused,
		clock.Extended:  StatusAccepted,
		clock.Completed: StatusCompleted,
		clock.Withdrawn: StatusWithdrawn,
	},
	StatusPaused: {
		clock.Resumed:   StatusAccepted,
		clock.Extended:  StatusPaused,
		clock.Withdrawn: StatusWithdrawn,
	},
	StatusCompleted: {
		clock.Delivered: StatusDelivered,
	},
}

// Next returns the status after event kind k in status s, or a conflict
// error naming both when the lifecycle does not allow it.
func Next(s Status, k EventKind) (Status, error) {
	if to, ok := transitions[s][k]; ok {
		return to, nil
	}
	return "", Errorf(ECONFLICT, "办件当前状态为“%s”，不能执行“%s”", s.Label(), KindLabel(k))
}

// Allowed lists the event kinds allowed in status s, in lifecycle order.
func Allowed(s Status) []EventKind {
	var out []EventKind
	for _, k := range []EventKind{clock.SupplementRequested, clock.SupplementCompleted, clock.Accepted, clock.Refused,
		clock.Paused, clock.Resumed, clock.Extended, clock.Completed, clock.Delivered, clock.Withdrawn} {
		if _, ok := transitions[s][k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// Validate checks the data an event of its kind must carry.
func (e *Event) Validate() error {
	d := &e.Data
	switch e.Kind {
	case clock.SupplementRequested:
		if len(d.Missing) == 0 {
			return FieldError("missing", "补正材料", "一次性告知须列出全部缺少的材料，至少一项")
		}
		for _, m := range d.Missing {
			if err := CheckText("missing", "补正材料", m, 1, 100); err != nil {
				return err
			}
		}
	case clock.Refused, clock.Withdrawn:
		if err := CheckText("reason", "理由", d.Reason, 1, 500); err != nil {
			return err
		}
	case clock.Paused:
		ok := false
		for _, r := range PauseReasons {
			ok = ok || d.Reason == r
		}
		if !ok {
			return FieldError("reason", "暂停理由", "只能是《行政许可法》第四十五条所列的听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审")
		}
		if d.Days < 0 || d.Days > 365 {
			return FieldError("days", "预计天数", "应在 0 到 365 之间")
		}
	case clock.Extended:
		if d.Days < 1 || d.Days > 60 {
			return FieldError("days", "延长天数", "应在 1 到 60 个工作日之间")
		}
		if err := CheckText("reason", "延长理由", d.Reason, 1, 500); err != nil {
			return err
		}
		if err := CheckText("approver", "批准人", d.Approver, 1, 32); err != nil {
			return err
		}
	case clock.Completed:
		if d.Result != ResultGranted && d.Result != ResultDenied {
			return FieldError("result", "办理结果", "应为准予许可（granted）或不予许可（denied）")
		}
	case clock.Delivered:
		if d.Method != MethodPickup && d.Method != MethodPost {
			return FieldError("method", "送达方式", "应为自取（pickup）或邮寄（post）")
		}
	}
	return CheckText("note", "备注", d.Note, 0, 500)
}
