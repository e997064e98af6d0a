//go:build linux && cgo

package sqlite

// #include <malloc.h>
import "C"

// trimCHeap gives the C heap's free pages back to the system: SQLite's page
// cache lives there, and glibc keeps what it freed otherwise.
func trimCHeap() { C.malloc_trim(0) }
