package territory

import (
	"bytes"
	"os"
	"regexp"
	"testing"
	"unicode/utf8"
)

var qpvCode = regexp.MustCompile(`^Q[NPX][0-9A-Z]{6}$`)

// FuzzParseQPVCSV feeds arbitrary bytes to the parser of the QPV list an
// admin uploads: no panic; every row it returns has a well-formed code, a
// name of valid UTF-8, current INSEE codes of the directory, and a line
// number within the file; every problem names a line. The seed corpus is
// the fixtures and a few hostile files; `go test` runs the seeds only.
func FuzzParseQPVCSV(f *testing.F) {
	for _, p := range []string{"testdata/qpv_sample.csv", "testdata/qpv_bad.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("code_qp;lib_qp;insee_com\nQN05901M;=HYPERLINK(\"x\");59512\n"))
	f.Add([]byte("code_qp,lib_qp,insee_com\n\"QN05901M\",\"a\"\"b\nc\",\"59512|59350\"\n"))
	f.Add([]byte("\xef\xbb\xbfcode;nom;depcom\nQP059001;\xff\xfe;5912\n"))
	f.Add([]byte("code_qp;lib_qp;insee_com\n../../etc/passwd;<script>;00000\n"))
	f.Add([]byte("\"unterminated"))
	d := dir(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems, err := ParseQPVCSV(bytes.NewReader(data), d)
		if err != nil {
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, r := range rows {
			if !qpvCode.MatchString(r.Code) {
				t.Errorf("row with code %q", r.Code)
			}
			if !utf8.ValidString(r.Name) {
				t.Errorf("row %s with a name of invalid UTF-8", r.Code)
			}
			if r.Line < 1 || r.Line > lines {
				t.Errorf("row %s on line %d of %d", r.Code, r.Line, lines)
			}
			for _, c := range r.Communes {
				if _, ok := d.Commune(c); !ok {
					t.Errorf("row %s with commune %q not in the directory", r.Code, c)
				}
			}
		}
		for _, p := range problems {
			if p.Line < 0 || p.Reason == "" {
				t.Errorf("problem %+v", p)
			}
		}
	})
}
