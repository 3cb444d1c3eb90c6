package ical

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"
)

// multiLine makes stored text safe for a TEXT value that may span lines
// (DESCRIPTION): CR LF and lone CR become LF, which go-ical escapes as
// "\n"; other control characters but tab are dropped, since go-ical
// refuses a raw CR and RFC 5545 allows no other control in TEXT.
func multiLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

// oneLine makes stored text safe for a one-line value (a title, a place, a
// name): every run of line breaks becomes one space, other control
// characters but tab are dropped.
func oneLine(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	brk := false
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			if !brk {
				b.WriteByte(' ')
			}
			brk = true
			continue
		case r < 0x20 && r != '\t' || r == 0x7f:
			continue
		}
		brk = false
		b.WriteRune(r)
	}
	return b.String()
}

// calAddress is an ORGANIZER or ATTENDEE: a mailto: URI with a CN. A
// parameter value cannot hold a double quote (go-ical refuses it, and
// RFC 6868's escape is not read by every client), so it is dropped;
// go-ical quotes a value holding ";", ":" or ",".
func calAddress(name string, a Address) *goical.Prop {
	p := goical.NewProp(name)
	p.Value = "mailto:" + strings.TrimSpace(oneLine(a.Email))
	cn := strings.ReplaceAll(oneLine(a.Name), `"`, "")
	if cn = strings.TrimSpace(cn); cn != "" {
		p.Params.Set(goical.ParamCommonName, cn)
	}
	return p
}

// setExtText sets a non-standard text property the way calendar apps
// expect it (without the VALUE=TEXT that go-ical adds to unknown names).
func setExtText(props goical.Props, name, text string) {
	p := goical.NewProp(name)
	p.Value = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(multiLine(text))
	props.Set(p)
}

// lineFolder folds content lines longer than 75 octets (RFC 5545 §3.1), which
// go-ical's encoder does not do, never inside a UTF-8 sequence. The encoder
// writes one whole line per Write call.
type lineFolder struct{ w io.Writer }

func (f *lineFolder) Write(p []byte) (int, error) {
	line := bytes.TrimSuffix(p, []byte("\r\n"))
	if len(line) == len(p) || len(line) <= 75 {
		return f.w.Write(p)
	}
	var out bytes.Buffer
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		out.Write(line[:cut])
		out.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	out.Write(line)
	out.WriteString("\r\n")
	if _, err := f.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
