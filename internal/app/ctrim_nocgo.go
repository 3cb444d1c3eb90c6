//go:build !cgo

package app

// trimCHeap has no C heap to trim without cgo.
func trimCHeap() {}
