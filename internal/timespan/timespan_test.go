package timespan

import (
	"reflect"
	"testing"
	"time"
)

func at(h int) time.Time { return time.Date(2027, 1, 11, h, 0, 0, 0, time.UTC) }

func TestMergeSubtractClip(t *testing.T) {
	in := []Span{{at(10), at(12)}, {at(8), at(9)}, {at(9), at(10)}, {at(14), at(14)}, {at(11), at(13)}}
	merged := Merge(in)
	if want := []Span{{at(8), at(13)}}; !reflect.DeepEqual(merged, want) {
		t.Errorf("Merge = %v, want %v (touching spans join, empty ones go)", merged, want)
	}
	if in[0] != (Span{at(10), at(12)}) {
		t.Error("Merge modified its input")
	}
	got := Subtract([]Span{{at(8), at(18)}}, []Span{{at(9), at(10)}, {at(12), at(13)}, {at(17), at(20)}})
	if want := []Span{{at(8), at(9)}, {at(10), at(12)}, {at(13), at(17)}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Subtract = %v, want %v", got, want)
	}
	clipped := Clip([]Span{{at(6), at(9)}, {at(10), at(11)}, {at(15), at(20)}}, at(8), at(16))
	if want := []Span{{at(8), at(9)}, {at(10), at(11)}, {at(15), at(16)}}; !reflect.DeepEqual(clipped, want) {
		t.Errorf("Clip = %v, want %v", clipped, want)
	}
}
