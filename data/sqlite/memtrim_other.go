//go:build !linux || !cgo

package sqlite

// trimCHeap has nothing to do where the C allocator returns what is freed
// by itself, or where there is no C heap to speak of.
func trimCHeap() {}
