package timespan

import (
	"math/rand/v2"
	"reflect"
	"slices"
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

// The in-place and append forms give what the plain forms give, leave
// what dst held before them, and MergeInPlace reuses its input's array.
func TestInPlaceFormsAsThePlainOnes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	spans := func() []Span {
		out := make([]Span, rng.IntN(6))
		for i := range out {
			s := rng.IntN(20)
			out[i] = Span{at(s), at(s + rng.IntN(5) - 1)} // some empty or reversed
		}
		return out
	}
	head := []Span{{at(0), at(1)}}
	for range 500 {
		a, b := spans(), spans()
		ma, mb := Merge(a), Merge(b)
		scratch := slices.Clone(a)
		if got := MergeInPlace(scratch); !slices.Equal(got, ma) || (len(got) > 0 && &got[0] != &scratch[0]) {
			t.Fatalf("MergeInPlace(%v) = %v, want %v in the same array", a, got, ma)
		}
		if got := AppendSubtract(slices.Clone(head), ma, mb); !slices.Equal(got, append(slices.Clone(head), Subtract(ma, mb)...)) {
			t.Fatalf("AppendSubtract(head, %v, %v) = %v", ma, mb, got)
		}
		want := Clip(ma, at(5), at(15))
		own := slices.Clone(ma)
		if got := AppendClip(own[:0], own, at(5), at(15)); !slices.Equal(got, want) {
			t.Fatalf("AppendClip in place of %v = %v, want %v", ma, got, want)
		}
	}
}
