package main

import (
	"fmt"
	"math"
)

// affine maps (lon, lat) to (x, y): x = a·lon + b·lat + c,
// y = d·lon + e·lat + f.
type affine struct{ a, b, c, d, e, f float64 }

func (t affine) apply(p point) point {
	return point{t.a*p.x + t.b*p.y + t.c, t.d*p.x + t.e*p.y + t.f}
}

// fitAffine finds the affine map from src to dst of least squared error,
// solving the normal equations of each output coordinate.
func fitAffine(src, dst []point) (affine, error) {
	if len(src) < 3 || len(src) != len(dst) {
		return affine{}, fmt.Errorf("affine fit needs 3 or more point pairs, got %d", len(src))
	}
	var m [3][3]float64
	var vx, vy [3]float64
	for i, p := range src {
		row := [3]float64{p.x, p.y, 1}
		for j := range 3 {
			for k := range 3 {
				m[j][k] += row[j] * row[k]
			}
			vx[j] += row[j] * dst[i].x
			vy[j] += row[j] * dst[i].y
		}
	}
	sx, err := solve3(m, vx)
	if err != nil {
		return affine{}, err
	}
	sy, err := solve3(m, vy)
	if err != nil {
		return affine{}, err
	}
	return affine{sx[0], sx[1], sx[2], sy[0], sy[1], sy[2]}, nil
}

// solve3 solves m·x = v by Cramer's rule (the system is tiny and well
// conditioned once the points are spread out).
func solve3(m [3][3]float64, v [3]float64) ([3]float64, error) {
	det := func(a [3][3]float64) float64 {
		return a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) -
			a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) +
			a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	}
	d := det(m)
	if math.Abs(d) < 1e-12 {
		return [3]float64{}, fmt.Errorf("affine fit: points are collinear")
	}
	var x [3]float64
	for c := range 3 {
		a := m
		for r := range 3 {
			a[r][c] = v[r]
		}
		x[c] = det(a) / d
	}
	return x, nil
}

// mercator is the spherical Mercator projection (radians of longitude,
// y downwards), which the mainland outlines follow: fitted after it, the
// residuals are smaller than after plain degrees or a Lambert conformal
// conic with Lambert-93's parameters (see docs/MAP.md). The run-time
// package repeats it (francemap.mercator).
func mercator(lon, lat float64) point {
	const rad = math.Pi / 180
	return point{lon * rad, -math.Log(math.Tan(math.Pi/4 + lat*rad/2))}
}
