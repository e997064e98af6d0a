package data

import (
	"time"
)

// WaiverRequest is a clerk's request to reduce or waive one fee line.
type WaiverRequest struct {
	FeeCode   string
	Kind      WaiverKind
	AmountFen int64 // partial: the amount taken off; full: ignored (the whole fee)
	PolicyID  int64
	Reason    string
}

// ExtensionRequest is a clerk's request to extend a case's deadline.
type ExtensionRequest struct {
	ID          int64
	AppID       int64
	Days        int
	Reason      string
	Status      ApprovalStatus
	RequestedBy string
	RequestedAt time.Time
	DecidedBy   string
	DecidedAt   time.Time
	Note        string
}

// Approval is one entry of the supervisors' 待审批 queue.
type Approval struct {
	Kind        string // "waiver" or "extension"
	ID          int64  // the waiver's or the extension request's id
	Number      string
	Applicant   string
	Item        string
	Summary     string // what is asked, in Chinese
	Reason      string
	Basis       string // waivers: the policy's 文号
	RequestedBy string // name
	RequesterID int64
	RequestedAt time.Time
}
