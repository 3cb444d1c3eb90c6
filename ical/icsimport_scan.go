package ical

import (
	"bytes"
	"fmt"
)

// Bounds of the prefilter. A calendar written by a real client nests
// VCALENDAR > VEVENT > VALARM or VCALENDAR > VTIMEZONE > STANDARD; long
// EXDATE lists stay far below the line bound.
const (
	maxComponentDepth = 8
	maxKeptLineBytes  = 256 << 10
	maxParamBytes     = 4 << 10
)

// keptComponent reports whether the import reads a component. Everything
// else (VALARM, VTODO, VJOURNAL, VFREEBUSY, X- components) is skipped whole.
func keptComponent(name string) bool {
	switch name {
	case "VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT":
		return true
	}
	return false
}

// keptProperty reports whether the import reads a property. Titles,
// descriptions, attendees and the like never leave the prefilter (privacy),
// which also spares the decoder the bulk of the file.
func keptProperty(name string) bool {
	switch name {
	case "UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
		"RECURRENCE-ID", "STATUS", "TRANSP", "SEQUENCE",
		"TZID", "TZOFFSETFROM", "TZOFFSETTO":
		return true
	}
	return false
}

// prefilter checks the structure of an iCalendar stream and returns it
// unfolded, reduced to the components and properties the import reads, with
// every kept content line well-formed, so that go-ical's decoder neither
// panics nor spends quadratic time on hostile input.
func prefilter(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	out := bytes.NewBuffer(make([]byte, 0, len(data)/8))
	var (
		stack     []string // open components
		skipped   int      // depth inside a skipped component, 0 when reading
		line      []byte   // scratch for unfolding
		head      []byte   // scratch: the unfolded start of a line, for its name
		seenFirst bool
		lineNo    int
		pos       int
	)
	for pos < len(data) {
		// One logical line: a physical line and its continuations.
		startLine := lineNo + 1
		first, next := physicalLine(data, pos)
		lineNo++
		pos = next
		contStart := pos
		for pos < len(data) && (data[pos] == ' ' || data[pos] == '\t') {
			_, pos = physicalLine(data, pos)
			lineNo++
		}
		if len(first) == 0 && pos == contStart {
			continue
		}
		// RFC 5545 lets a line be folded at any octet, even inside the
		// name or a parameter ("DT" CRLF " END;TZID=…"): the name is read
		// from the unfolded line, never from the first physical line.
		head = unfoldedHead(head[:0], first, data[contStart:pos])
		name := propertyName(head)
		structural := name == "BEGIN" || name == "END"
		if !seenFirst {
			if !structural {
				return nil, &ImportError{Kind: ErrNotICalendar, Line: startLine, Detail: "does not start with BEGIN:VCALENDAR"}
			}
		}
		if !structural && (skipped > 0 || len(stack) == 0 || !keptProperty(name)) {
			continue
		}
		// Unfold the kept line.
		line = append(line[:0], first...)
		for p := contStart; p < pos; {
			phys, n := physicalLine(data, p)
			p = n
			if len(line)+len(phys) > maxKeptLineBytes {
				return nil, &ImportError{Kind: ErrCalendarTooLarge, Line: startLine, Detail: "content line too long"}
			}
			line = append(line, phys[1:]...)
		}
		if len(line) > maxKeptLineBytes {
			return nil, &ImportError{Kind: ErrCalendarTooLarge, Line: startLine, Detail: "content line too long"}
		}
		valueAt, err := checkContentLine(line)
		if err != nil {
			return nil, &ImportError{Kind: ErrNotICalendar, Line: startLine, Detail: err.Error()}
		}
		if !structural {
			out.Write(line)
			out.WriteString("\r\n")
			continue
		}
		comp := string(bytes.ToUpper(bytes.TrimSpace(line[valueAt:])))
		if comp == "" {
			return nil, &ImportError{Kind: ErrNotICalendar, Line: startLine, Detail: "component without a name"}
		}
		if name == "BEGIN" {
			if !seenFirst && comp != "VCALENDAR" {
				return nil, &ImportError{Kind: ErrNotICalendar, Line: startLine, Detail: "does not start with BEGIN:VCALENDAR"}
			}
			seenFirst = true
			if len(stack) >= maxComponentDepth {
				return nil, &ImportError{Kind: ErrNotICalendar, Line: startLine, Detail: "components nested too deep"}
			}
			top := len(stack) == 0
			stack = append(stack, comp)
			if skipped > 0 || !keptComponent(comp) || (top && comp != "VCALENDAR") || (!top && comp == "VCALENDAR") {
				skipped++
				continue
			}
			fmt.Fprintf(out, "BEGIN:%s\r\n", comp)
			continue
		}
		if len(stack) == 0 {
			if !seenFirst {
				return nil, &ImportError{Kind: ErrNotICalendar, Line: startLine, Detail: "does not start with BEGIN:VCALENDAR"}
			}
			continue // trailing END after the last calendar: ignore
		}
		if stack[len(stack)-1] != comp {
			return nil, &ImportError{Kind: ErrNotICalendar, Line: startLine, Detail: fmt.Sprintf("END:%s closes %s", comp, stack[len(stack)-1])}
		}
		stack = stack[:len(stack)-1]
		if skipped > 0 {
			skipped--
			continue
		}
		fmt.Fprintf(out, "END:%s\r\n", comp)
	}
	if !seenFirst {
		return nil, &ImportError{Kind: ErrNotICalendar, Detail: "empty file"}
	}
	if len(stack) > 0 {
		return nil, &ImportError{Kind: ErrNotICalendar, Line: lineNo, Detail: "file ends inside " + stack[len(stack)-1]}
	}
	return out.Bytes(), nil
}

// maxNameBytes bounds the unfolded start of a line that is read for its
// name: no property the import reads has a name near that long.
const maxNameBytes = 64

// unfoldedHead appends to dst the first maxNameBytes octets of the logical
// line made of first and its continuation lines cont (each starting with
// the space or tab that unfolding removes), and returns dst. A line of
// many continuations costs no more than its first few.
func unfoldedHead(dst, first, cont []byte) []byte {
	dst = append(dst, first[:min(len(first), maxNameBytes)]...)
	for p := 0; p < len(cont) && len(dst) < maxNameBytes; {
		phys, next := physicalLine(cont, p)
		p = next
		dst = append(dst, phys[1:min(len(phys), 1+maxNameBytes-len(dst))]...)
	}
	return dst
}

// physicalLine returns the line starting at pos without its line ending,
// and the position of the next line.
func physicalLine(data []byte, pos int) ([]byte, int) {
	end := bytes.IndexByte(data[pos:], '\n')
	var next int
	if end < 0 {
		end, next = len(data), len(data)
	} else {
		end += pos
		next = end + 1
	}
	line := data[pos:end]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, next
}

// propertyName returns the upper-cased name of a content line, or "" when
// line (the unfolded start of the line) holds no complete name.
func propertyName(line []byte) string {
	i := bytes.IndexAny(line, ";:")
	if i <= 0 {
		return ""
	}
	name := line[:i]
	for _, c := range name {
		if !isNameByte(c) {
			return ""
		}
	}
	return string(bytes.ToUpper(name))
}

func isNameByte(c byte) bool {
	return c == '-' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// checkContentLine checks name *(";" param) ":" value (RFC 5545 §3.1) and
// returns the offset of the value.
func checkContentLine(line []byte) (int, error) {
	i := 0
	for i < len(line) && isNameByte(line[i]) {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("malformed content line: no property name")
	}
	paramStart := i
	for i < len(line) && line[i] == ';' {
		i++
		n := i
		for i < len(line) && isNameByte(line[i]) {
			i++
		}
		if i == n || i >= len(line) || line[i] != '=' {
			return 0, fmt.Errorf("malformed content line: bad parameter")
		}
		for {
			i++ // past '=' or ','
			if i < len(line) && line[i] == '"' {
				q := bytes.IndexByte(line[i+1:], '"')
				if q < 0 {
					return 0, fmt.Errorf("malformed content line: unterminated quoted parameter")
				}
				i += q + 2
			} else {
				for i < len(line) && line[i] != ';' && line[i] != ':' && line[i] != ',' {
					if line[i] == '"' {
						return 0, fmt.Errorf("malformed content line: stray quote in parameter")
					}
					i++
				}
			}
			if i >= len(line) || line[i] != ',' {
				break
			}
		}
		if i-paramStart > maxParamBytes {
			return 0, fmt.Errorf("malformed content line: parameters too long")
		}
	}
	if i >= len(line) || line[i] != ':' {
		return 0, fmt.Errorf("malformed content line: missing colon")
	}
	return i + 1, nil
}
