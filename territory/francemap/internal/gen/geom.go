package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// point is a position in map units (x to the right, y downwards).
type point struct{ x, y float64 }

// ring is one closed outline (an island, or the mainland part).
type ring []point

// parsePath reads the SVG path data the @svg-maps packages use: "m" and
// "z" commands only, relative coordinates, implicit linetos after "m".
// After "z" the current point is the start of the closed subpath, as the
// SVG specification says, so a following relative "m" starts from there.
func parsePath(d string) ([]ring, error) {
	var rings []ring
	var cur ring
	var pos, start point
	relative := true
	var pending float64 // x of a half-read pair
	havePending := false
	first := false
	closeRing := func() {
		if len(cur) > 2 {
			rings = append(rings, cur)
		}
		cur = nil
	}
	seenCmd := false
	for _, tok := range strings.FieldsFunc(d, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' }) {
		switch tok {
		case "m", "M":
			closeRing()
			relative, first, seenCmd = tok == "m", true, true
			continue
		case "z", "Z":
			closeRing()
			pos = start
			continue
		}
		if !seenCmd {
			return nil, fmt.Errorf("path data starts with %q, not a command", tok)
		}
		v, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", tok)
		}
		if !havePending {
			pending, havePending = v, true
			continue
		}
		havePending = false
		p := point{pending, v}
		if relative {
			p = point{pos.x + p.x, pos.y + p.y}
		}
		if first {
			start, first = p, false
		}
		pos = p
		cur = append(cur, p)
	}
	if havePending {
		return nil, fmt.Errorf("odd number of coordinates")
	}
	closeRing()
	if len(rings) == 0 {
		return nil, fmt.Errorf("no outline")
	}
	return rings, nil
}

// box is an axis-aligned rectangle.
type box struct{ minX, minY, maxX, maxY float64 }

func emptyBox() box { return box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func (b *box) add(p point) {
	b.minX, b.minY = math.Min(b.minX, p.x), math.Min(b.minY, p.y)
	b.maxX, b.maxY = math.Max(b.maxX, p.x), math.Max(b.maxY, p.y)
}

func bounds(rings []ring) box {
	b := emptyBox()
	for _, r := range rings {
		for _, p := range r {
			b.add(p)
		}
	}
	return b
}

// centroid is the area-weighted centroid of the rings, each counted as a
// filled shape (the packages draw islands as extra rings, never holes).
func centroid(rings []ring) point {
	var a, cx, cy float64
	for _, r := range rings {
		var ra, rx, ry float64
		for i := range r {
			p, q := r[i], r[(i+1)%len(r)]
			c := p.x*q.y - q.x*p.y
			ra += c
			rx += (p.x + q.x) * c
			ry += (p.y + q.y) * c
		}
		if ra < 0 { // clockwise ring: same shape, opposite sign
			ra, rx, ry = -ra, -rx, -ry
		}
		a += ra
		cx += rx
		cy += ry
	}
	return point{cx / (3 * a), cy / (3 * a)}
}

// largest returns the ring of largest area (the mainland part of a
// département with islands).
func largest(rings []ring) ring {
	best, bestArea := rings[0], -1.0
	for _, r := range rings {
		var a float64
		for i := range r {
			p, q := r[i], r[(i+1)%len(r)]
			a += p.x*q.y - q.x*p.y
		}
		if a = math.Abs(a); a > bestArea {
			best, bestArea = r, a
		}
	}
	return best
}

// transform maps every point through f.
func transform(rings []ring, f func(point) point) []ring {
	out := make([]ring, len(rings))
	for i, r := range rings {
		out[i] = make(ring, len(r))
		for j, p := range r {
			out[i][j] = f(p)
		}
	}
	return out
}

// encodePath writes rings as compact relative path data at a tenth of a
// map unit (far below a pixel at any sensible size). Deltas are taken
// between rounded absolute positions, so rounding never accumulates.
// Consecutive points that round to the same position are dropped.
func encodePath(rings []ring) string {
	var sb strings.Builder
	var px, py int64 // previous rounded position, tenths
	for _, r := range rings {
		for i, p := range r {
			x, y := int64(math.Round(p.x*10)), int64(math.Round(p.y*10))
			if i == 0 {
				sb.WriteString("m")
				writePair(&sb, x-px, y-py, true)
			} else {
				if x == px && y == py {
					continue
				}
				writePair(&sb, x-px, y-py, false)
			}
			px, py = x, y
		}
		sb.WriteString("z")
		// After z the current point is the subpath's start.
		px, py = int64(math.Round(r[0].x*10)), int64(math.Round(r[0].y*10))
	}
	return sb.String()
}

func writePair(sb *strings.Builder, dx, dy int64, afterCommand bool) {
	if !afterCommand && dx >= 0 {
		sb.WriteByte(' ')
	}
	sb.WriteString(tenths(dx))
	if dy >= 0 {
		sb.WriteByte(',')
	}
	sb.WriteString(tenths(dy))
}

// tenths formats v/10 with as few characters as SVG allows: 14 → "1.4",
// -8 → "-.8", 30 → "3".
func tenths(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/10, 10)
	if f := v % 10; f != 0 {
		if s == "0" {
			s = ""
		}
		s += "." + strconv.FormatInt(f, 10)
	}
	if neg {
		s = "-" + s
	}
	return s
}
