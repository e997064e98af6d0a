package data

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/clock"
)

// SiteKind is the kind of service site.
type SiteKind string

// Site kinds.
const (
	SiteCentre   SiteKind = "centre"   // 县（市、区）行政服务中心
	SiteTownship SiteKind = "township" // 镇乡街道 365 服务窗口
	SiteVillage  SiteKind = "village"  // 村级民事服务站
)

// Label is the Chinese name of the kind.
func (k SiteKind) Label() string {
	switch k {
	case SiteCentre:
		return "行政服务中心"
	case SiteTownship:
		return "镇乡街道365服务窗口"
	case SiteVillage:
		return "村级民事服务站"
	}
	return string(k)
}

// Site is the service site this database belongs to.
type Site struct {
	Code  string // 6-digit 区划代码 + 3-digit site code
	Name  string
	Kind  SiteKind
	Phone string // printed on the documents handed to applicants; may be empty
}

// SiteCodeRE is a site's code: the 6-digit area code and 3 digits.
var SiteCodeRE = regexp.MustCompile(`^[1-9][0-9]{5}[0-9]{3}$`)

// Validate checks the site.
func (s *Site) Validate() error {
	if !SiteCodeRE.MatchString(s.Code) {
		return FieldError("site_code", "站点编码", "应为 6 位行政区划代码加 3 位站点编号，共 9 位数字（如 330102001）")
	}
	if err := CheckText("name", "站点名称", s.Name, 1, 60); err != nil {
		return err
	}
	switch s.Kind {
	case SiteCentre, SiteTownship, SiteVillage:
	default:
		return FieldError("kind", "站点类型", "应为 centre、township 或 village")
	}
	if s.Phone != "" && !rePhone.MatchString(s.Phone) {
		return FieldError("site_phone", "咨询电话", "只能包含数字、空格和 + - ( )，5 到 20 位")
	}
	return nil
}

// Department is a government department with a seat in the centre.
type Department struct {
	ID   int64
	Code string
	Name string
}

// Validate checks the department.
func (d *Department) Validate() error {
	if err := CheckText("code", "部门编码", d.Code, 1, 20); err != nil {
		return err
	}
	return CheckText("name", "部门名称", d.Name, 1, 60)
}

// Window is a service window (counter) of the site.
type Window struct {
	ID   int64
	Code string // e.g. "A03"
	Name string
}

// Validate checks the window.
func (w *Window) Validate() error {
	if err := CheckText("code", "窗口编号", w.Code, 1, 10); err != nil {
		return err
	}
	return CheckText("name", "窗口名称", w.Name, 1, 60)
}

// Role is what a user may do.
type Role string

// Roles.
const (
	RoleClerk      Role = "clerk"      // 窗口人员
	RoleSupervisor Role = "supervisor" // 督查 / 中心领导
	RoleAdmin      Role = "admin"      // 系统管理员
)

// User is a person who signs events.
type User struct {
	ID       int64
	Login    string
	Name     string
	Role     Role
	WindowID int64 // the clerk's usual window; 0 for none
	// Department: a user who answers for a department (部门进驻人员) has
	// its code; the window's own staff have "".
	Department string
	// MustChange: the PIN is still the one the sample catalogue ships, on a
	// real site; the user chooses their own before anything else.
	MustChange bool
}

// Validate checks the user.
func (u *User) Validate() error {
	if err := CheckText("login", "登录名", u.Login, 1, 32); err != nil {
		return err
	}
	if err := CheckText("name", "姓名", u.Name, 1, 30); err != nil {
		return err
	}
	switch u.Role {
	case RoleClerk, RoleSupervisor, RoleAdmin:
	default:
		return FieldError("role", "角色", "应为 clerk、supervisor 或 admin")
	}
	return nil
}

// ItemKind is how a service item is handled.
type ItemKind string

// Item kinds.
const (
	KindImmediate ItemKind = "immediate" // 即办件
	KindPromised  ItemKind = "promised"  // 承诺件
	KindReported  ItemKind = "reported"  // 上报件
	KindJoint     ItemKind = "joint"     // 联办件
)

// Label is the Chinese name of the kind.
func (k ItemKind) Label() string {
	switch k {
	case KindImmediate:
		return "即办件"
	case KindPromised:
		return "承诺件"
	case KindReported:
		return "上报件"
	case KindJoint:
		return "联办件"
	}
	return string(k)
}

// ServiceItem is one entry of the service catalogue (事项).
type ServiceItem struct {
	ID           int64
	Code         string
	Name         string
	DepartmentID int64
	Department   string // name, filled when read
	Kind         ItemKind
	Statutory    int // 法定时限, working days
	Promised     int // 承诺时限, working days, ≤ Statutory
	Materials    []string
}

// Limits returns the item's limits for the clock.
func (s *ServiceItem) Limits() clock.Limits {
	return clock.Limits{Promised: s.Promised, Statutory: s.Statutory}
}

// Validate checks the item.
func (s *ServiceItem) Validate() error {
	if err := CheckText("code", "事项编码", s.Code, 1, 40); err != nil {
		return err
	}
	if err := CheckText("name", "事项名称", s.Name, 1, 100); err != nil {
		return err
	}
	switch s.Kind {
	case KindImmediate, KindPromised, KindReported, KindJoint:
	default:
		return FieldError("kind", "办件类型", "应为即办件、承诺件、上报件或联办件")
	}
	if s.Statutory < 0 || s.Statutory > 365 {
		return FieldError("statutory", "法定时限", "应在 0 到 365 个工作日之间")
	}
	if s.Promised < 0 || s.Promised > s.Statutory {
		return FieldError("promised", "承诺时限", "不能超过法定时限（%d 个工作日）", s.Statutory)
	}
	if s.Kind == KindImmediate && s.Promised != 0 {
		return FieldError("promised", "承诺时限", "即办件的承诺时限应为 0")
	}
	for i, m := range s.Materials {
		if err := CheckText("materials", "申请材料（第 "+strconv.Itoa(i+1)+" 项）", m, 1, 100); err != nil {
			return err
		}
	}
	return nil
}

// ApplicantKind is the kind of applicant.
type ApplicantKind string

// Applicant kinds.
const (
	ApplicantEnterprise   ApplicantKind = "enterprise"   // 企业
	ApplicantIndividual   ApplicantKind = "individual"   // 个人
	ApplicantOrganisation ApplicantKind = "organisation" // 其他组织
)

// Applicant is the enterprise, person or organisation that applies.
type Applicant struct {
	ID      int64
	Kind    ApplicantKind
	Name    string
	IDCode  string // 统一社会信用代码 (enterprise, organisation) or 身份证号 (individual)
	Contact string
	Phone   string
	Address string
}

var rePhone = regexp.MustCompile(`^[0-9+\-() ]{5,20}$`)

// Validate checks the applicant and normalises its identifier; today is the
// date birth dates are checked against.
func (a *Applicant) Validate(today time.Time) error {
	if errs := a.Problems(today); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// Problems checks every field of the applicant and lists what is wrong,
// one error per field, so a form can name them all at once; the valid
// identifier is normalised in place.
func (a *Applicant) Problems(today time.Time) []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(CheckText("applicant_name", "申请人名称", a.Name, 1, 100))
	var code string
	var err error
	switch a.Kind {
	case ApplicantEnterprise, ApplicantOrganisation:
		code, err = ValidateCreditCode(a.IDCode)
	case ApplicantIndividual:
		code, err = ValidateIDNumber(a.IDCode, today)
	default:
		err = FieldError("applicant_kind", "申请人类型", "应为企业、个人或其他组织")
	}
	if err == nil {
		a.IDCode = code
	}
	add(err)
	add(CheckText("contact", "联系人", a.Contact, 0, 30))
	if a.Phone != "" && !rePhone.MatchString(a.Phone) {
		add(FieldError("phone", "联系电话", "只能包含数字、空格和 + - ( )，5 到 20 位"))
	}
	add(CheckText("address", "地址", a.Address, 0, 200))
	return errs
}

// Status is where an application stands in its lifecycle.
type Status string

// Statuses; each is the state after the event of the same stem.
const (
	StatusReceived   Status = "received"   // 已收件
	StatusSupplement Status = "supplement" // 待补正
	StatusSupplied   Status = "supplied"   // 已补正
	StatusAccepted   Status = "accepted"   // 办理中
	StatusPaused     Status = "paused"     // 暂停计时
	StatusRefused    Status = "refused"    // 不予受理
	StatusCompleted  Status = "completed"  // 已办结
	StatusDelivered  Status = "delivered"  // 已送达
	StatusWithdrawn  Status = "withdrawn"  // 已撤回
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusReceived, StatusSupplement, StatusSupplied, StatusAccepted, StatusPaused,
	StatusRefused, StatusCompleted, StatusDelivered, StatusWithdrawn}

// Label is the Chinese name of the status.
func (s Status) Label() string {
	switch s {
	case StatusReceived:
		return "已收件"
	case StatusSupplement:
		return "待补正"
	case StatusSupplied:
		return "已补正"
	case StatusAccepted:
		return "办理中"
	case StatusPaused:
		return "暂停计时"
	case StatusRefused:
		return "不予受理"
	case StatusCompleted:
		return "已办结"
	case StatusDelivered:
		return "已送达"
	case StatusWithdrawn:
		return "已撤回"
	}
	return string(s)
}

// Open reports whether the case still needs work.
func (s Status) Open() bool {
	switch s {
	case StatusRefused, StatusCompleted, StatusDelivered, StatusWithdrawn:
		return false
	}
	return true
}

// Application is one case (办件).
type Application struct {
	ID         int64
	Number     string // site code + yyyymmdd + 4-digit daily sequence
	SiteCode   string
	Item       ServiceItem
	Applicant  Applicant
	WindowID   int64
	Window     string // window code, filled when read
	ClerkID    int64
	Clerk      string // clerk name, filled when read
	Status     Status
	ReceivedAt time.Time
	Events     []Event
	Fees       []FeeLine // fixed at acceptance
	Waivers    []Waiver  // every request, decided or not, oldest first
	Rating     *Rating   // the applicant's 好差评, once given
	// ThemeNumber is the 主题件 (一件事) the case belongs to, if any.
	ThemeNumber string
	// Clock is the case's clock on the day the store read or changed it,
	// computed once there (the list, the reports and the warning board
	// ask the store for another day's).
	Clock clock.Result
}

// Limits are the limits the case is measured against: those recorded when
// it was received, or the item's current ones for a case recorded without.
func (a *Application) Limits() clock.Limits {
	if len(a.Events) > 0 && a.Events[0].Data.Limits != nil {
		return *a.Events[0].Data.Limits
	}
	return a.Item.Limits()
}

// ClockEvents returns the events as the clock reads them.
func (a *Application) ClockEvents() []clock.Event {
	out := make([]clock.Event, len(a.Events))
	for i, e := range a.Events {
		out[i] = e.clockEvent()
	}
	return out
}

// checkText validates a free-text field by length in characters; it also
// refuses invalid UTF-8 and control characters.
// Dates a record may carry: from the founding of the People's Republic to
// the end of the century. Anything else is a typing error (1026 for 2026).
var (
	firstDate = calendar.NewDate(1949, 10, 1)
	lastDate  = calendar.NewDate(2099, 12, 31)
)

// CheckDate refuses a date outside firstDate…lastDate.
func CheckDate(field, label string, d calendar.Date) error {
	if d < firstDate || d > lastDate {
		return FieldError(field, label, "%s 不在 %s 到 %s 之间", d, firstDate, lastDate)
	}
	return nil
}

// CheckText refuses a missing, too short or too long text of the field.
func CheckText(field, label, s string, min, max int) error {
	return checkText(field, label, s, min, max, false)
}

// CheckParagraphs is CheckText for a text of several lines (a problem, an
// answer): line breaks are allowed.
func CheckParagraphs(field, label, s string, min, max int) error {
	return checkText(field, label, s, min, max, true)
}

func checkText(field, label, s string, min, max int, lines bool) error {
	if !utf8.ValidString(s) {
		return FieldError(field, label, "包含无效字符")
	}
	if strings.TrimSpace(s) != s {
		return FieldError(field, label, "首尾不能有空格")
	}
	n := utf8.RuneCountInString(s)
	if n == 0 && min > 0 {
		return FieldError(field, label, "不能为空")
	}
	if n < min {
		return FieldError(field, label, "至少 %d 个字（现有 %d 个）", min, n)
	}
	if n > max {
		return FieldError(field, label, "不能超过 %d 个字（现有 %d 个）", max, n)
	}
	for _, r := range s {
		if (r < 0x20 || r == 0x7f) && !(lines && r == '\n') {
			return FieldError(field, label, "包含控制字符")
		}
	}
	return nil
}
