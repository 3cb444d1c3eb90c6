package handlers

import (
	"fmt"
	"html/template"
	"strings"
)

// barSeries is one series of a bar chart: its name for the legend, and
// its look, told apart by fill and by pattern, never by colour alone.
type barSeries struct {
	Name    string
	Fill    string
	Hatched bool
}

// bar is one label of a bar chart with a value per series and the text
// each value is written as beside its bar.
type bar struct {
	Label  string
	Values []float64
	Texts  []string
}

// barChart is a horizontal bar chart drawn as inline SVG on the server:
// readable without JavaScript, named by its title and description, every
// value written beside its bar, and the same numbers in the table next to
// it on the page.
type barChart struct {
	ID, Title, Desc string
	Series          []barSeries
	Bars            []bar
}

// The chart's geometry in SVG units: each label is written above its
// bars, across the chart, and the viewBox is narrow enough that its text
// stays readable when a phone scales it down.
const (
	chartWidth  = 360
	chartLabelH = 18
	chartValueW = 56
	chartBarH   = 16
	chartGap    = 10
	chartLegend = 26
)

var (
	seriesCurrent  = barSeries{Fill: "#1f4e8c"}
	seriesPrevious = barSeries{Fill: "#9ecae1", Hatched: true}
)

// render draws the chart; an empty chart draws nothing.
func (ch barChart) render() template.HTML {
	if len(ch.Bars) == 0 {
		return ""
	}
	top := 0.0
	for _, b := range ch.Bars {
		for _, v := range b.Values {
			top = max(top, v)
		}
	}
	n := max(len(ch.Series), 1)
	legend := 0
	if len(ch.Series) > 1 {
		legend = chartLegend
	}
	group := chartLabelH + n*chartBarH + chartGap
	height := legend + len(ch.Bars)*group + chartGap
	esc := template.HTMLEscapeString
	var w strings.Builder
	fmt.Fprintf(&w, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`,
		chartWidth, height, ch.ID, ch.ID)
	fmt.Fprintf(&w, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, ch.ID, esc(ch.Title), ch.ID, esc(ch.Desc))
	fmt.Fprintf(&w, `<defs><pattern id="%s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`+
		`<rect width="6" height="6" fill="%s"/><line x1="0" y1="0" x2="0" y2="6" stroke="#08306b" stroke-width="2"/></pattern></defs>`,
		ch.ID, seriesPrevious.Fill)
	fill := func(s barSeries) string {
		if s.Hatched {
			return fmt.Sprintf("url(#%s-hatch)", ch.ID)
		}
		return s.Fill
	}
	if legend > 0 {
		x := 0
		for _, s := range ch.Series {
			fmt.Fprintf(&w, `<rect x="%d" y="4" width="14" height="14" fill="%s" stroke="#08306b"/><text x="%d" y="16" class="chart-legend">%s</text>`,
				x, fill(s), x+20, esc(s.Name))
			x += 24 + 8*len([]rune(s.Name))
		}
	}
	barW := float64(chartWidth - chartValueW)
	for i, b := range ch.Bars {
		y := legend + chartGap/2 + i*group
		fmt.Fprintf(&w, `<text x="0" y="%d" class="chart-label">%s</text>`, y+chartLabelH-5, esc(b.Label))
		y += chartLabelH
		for j, v := range b.Values {
			s := seriesCurrent
			if j < len(ch.Series) {
				s = ch.Series[j]
			}
			width := 0.0
			if top > 0 {
				width = v / top * barW
			}
			by := y + j*chartBarH
			fmt.Fprintf(&w, `<rect x="0" y="%d" width="%.1f" height="%d" fill="%s" stroke="#08306b" stroke-width="%s"/>`,
				by+1, width, chartBarH-2, fill(s), map[bool]string{true: "1", false: "0"}[width > 0])
			text := ""
			if j < len(b.Texts) {
				text = b.Texts[j]
			}
			fmt.Fprintf(&w, `<text x="%.1f" y="%d" class="chart-value">%s</text>`, width+5, by+chartBarH-4, esc(text))
		}
	}
	w.WriteString(`</svg>`)
	return template.HTML(w.String()) // #nosec G203 -- every text is escaped above
}
