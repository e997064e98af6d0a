// Package data is OneWindow's domain: the types a window works with, their
// validation, the rules of the counter and the coded errors every layer
// returns. It holds no SQL and imports no UI: the stores (data/sqlite), the
// bundle format (data/exchange) and the screens build on it.
package data

import (
	"errors"
	"fmt"
)

// Error codes. A caller decides what to do from the code; a person reads Message.
const (
	EINVALID   = "invalid"   // the input is wrong; Message names the field
	ENOTFOUND  = "not_found" // the record does not exist
	ECONFLICT  = "conflict"  // the record's state does not allow it
	EFORBIDDEN = "forbidden" // the user may not do it
	EINTERNAL  = "internal"  // a bug or an environment failure
)

// Error is an application error whose Message is shown to the user (in Chinese).
type Error struct {
	Code    string
	Field   string // the field at fault, when there is one
	Message string
	Cause   error // what went wrong underneath, for the log (never shown)
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s (%v)", e.Code, e.Message, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap is the cause, so that errors.Is and errors.As see through.
func (e *Error) Unwrap() error { return e.Cause }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError is an EINVALID error about one named field.
func FieldError(field, label, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: label + "：" + fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns what a user should see for err: the message of an
// application error, or a generic notice for anything else (which the caller
// should log in full).
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Message
	}
	return "内部错误，请联系技术支持（详情已写入日志）"
}

// ErrorField returns the field an application error is about, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
