//go:build cgo

package app

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
static void quartier_trim_c_heap(void) { malloc_trim(0); }
#else
static void quartier_trim_c_heap(void) {}
#endif
*/
import "C"

// trimCHeap gives the C heap's free memory back to the system: what
// SQLite freed when its idle connections closed (their page caches) stays
// in glibc's arenas otherwise, counted in serve's resident set. A no-op
// without glibc.
func trimCHeap() { C.quartier_trim_c_heap() }
