package ical

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// foldRE matches a fold: a line break followed by one space or tab.
var foldRE = regexp.MustCompile("\r?\n[ \t]")

// refold unfolds data, then folds every line at random octets (inside
// names, parameters, values, UTF-8 sequences alike), with CRLF or LF and
// a space or a tab, as RFC 5545 §3.1 allows.
func refold(data []byte, rng *rand.Rand) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(foldRE.ReplaceAll(data, nil), []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		for len(line) > 1 && rng.IntN(3) > 0 {
			cut := 1 + rng.IntN(len(line)-1)
			out.Write(line[:cut])
			out.WriteString([]string{"\r\n ", "\r\n\t", "\n "}[rng.IntN(3)])
			line = line[cut:]
		}
		out.Write(line)
		out.WriteString("\r\n")
	}
	return out.Bytes()
}

// TestBusyIntervals_FoldAnywhere is a property: folding a valid calendar
// (the fixtures) at random positions never changes its busy intervals.
func TestBusyIntervals_FoldAnywhere(t *testing.T) {
	files, _ := filepath.Glob("testdata/ics/*.ics")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	rounds := 40
	if testing.Short() {
		rounds = 8
	}
	for _, path := range files {
		name := filepath.Base(path)
		w, ok := goldenWindows[name]
		if !ok {
			t.Fatalf("%s has no window in goldenWindows", name)
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			from, to, loc := mustWindow(t, w.from, w.to, w.tz)
			opts := ImportOptions{From: from, To: to, Location: loc}
			want, err := BusyIntervals(bytes.NewReader(data), opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatal("the fixture gives no busy time: the property would hold vacuously")
			}
			for seed := range uint64(rounds) {
				folded := refold(data, rand.New(rand.NewPCG(seed, 5545)))
				got, err := BusyIntervals(bytes.NewReader(folded), opts)
				if err != nil {
					t.Fatalf("seed %d: %v\n%s", seed, err, folded)
				}
				if g, w := formatIntervals(got), formatIntervals(want); g != w {
					t.Fatalf("seed %d: folding changed the busy time\ngot:\n%swant:\n%sfile:\n%s", seed, g, w, folded)
				}
			}
		})
	}
}
