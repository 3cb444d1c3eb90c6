package francemap

// ramp is a sequential blue scale (ColorBrewer « Blues », 5 classes from
// its second step) whose lightness falls steadily from one class to the
// next: printed in grey, a darker département still means a larger count.
// Zero keeps the land colour, lighter than every class.
var ramp = [...]string{"#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"}

// class is one step of the legend.
type class struct {
	lo, hi int // counts in the class, inclusive
	color  string
	label  string // « 0 », « 1 », « 4 à 6 »
}

// colorScale sorts counts into at most len(ramp) classes of equal width
// above a class of its own for zero.
type colorScale struct {
	width   int // counts per class above zero
	classes []class
}

// newScale returns the scale for these values, or nil when there are
// none. Classes are equal-width integer ranges from 1 to the largest
// count: with a largest count of 12, « 1 à 3 », « 4 à 6 », « 7 à 9 »,
// « 10 à 12 ».
func newScale(values map[string]int) *colorScale {
	if values == nil {
		return nil
	}
	top := 0
	for _, n := range values {
		top = max(top, n)
	}
	s := &colorScale{width: 1}
	s.classes = append(s.classes, class{0, 0, landFill, "0"})
	if top <= 0 {
		return s
	}
	s.width = (top + len(ramp) - 1) / len(ramp)
	n := (top + s.width - 1) / s.width
	for i := range n {
		lo, hi := i*s.width+1, (i+1)*s.width
		label := count(lo)
		if hi > lo {
			label += " à " + count(hi)
		}
		// Spread fewer classes over the whole ramp, lightest to darkest.
		c := ramp[len(ramp)-1]
		if n > 1 {
			c = ramp[(i*(len(ramp)-1)+(n-1)/2)/(n-1)]
		}
		s.classes = append(s.classes, class{lo, hi, c, label})
	}
	return s
}

// color returns the fill of a count (below zero counts as zero).
func (s *colorScale) color(n int) string {
	if n <= 0 {
		return landFill
	}
	i := min((n-1)/s.width+1, len(s.classes)-1)
	return s.classes[i].color
}
