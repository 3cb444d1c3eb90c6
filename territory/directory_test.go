package territory

import (
	"bytes"
	"compress/gzip"
	"io"
	"reflect"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// reference is the embedded file decoded the plain way, field by field,
// into the values the Directory must give back, so that a packing bug in
// Load fails a test.
type reference struct {
	communes []Commune      // file order, which is INSEE order
	byCode   map[string]int // current and former INSEE codes
	byPost   map[string][]int
	deps     []Departement // sorted by code
	regs     []Region      // sorted by code
}

func embeddedText(t testing.TB) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(communesGz))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func decodeReference(t testing.TB, text string) *reference {
	t.Helper()
	ref := &reference{byCode: map[string]int{}, byPost: map[string][]int{}}
	regionOf := map[string]string{}
	var aliases [][]string
	for line := range strings.SplitSeq(text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		switch f[0] {
		case "R":
			ref.regs = append(ref.regs, Region{Code: f[1], Name: f[2]})
		case "D":
			ref.deps = append(ref.deps, Departement{Code: f[1], Name: f[2], Region: f[3]})
			regionOf[f[1]] = f[3]
		case "C":
			dep := f[1][:2]
			if f[1][:2] == "97" || f[1][:2] == "98" {
				dep = f[1][:3]
			}
			lat, _ := strconv.Atoi(f[4])
			lon, _ := strconv.Atoi(f[5])
			pop, _ := strconv.Atoi(f[7])
			c := Commune{
				INSEE: f[1], Name: f[2], Departement: dep, Region: regionOf[dep],
				Lat: float64(lat) / 1e4, Lon: float64(lon) / 1e4, Population: pop,
				Parent: f[8], CoordSource: CoordSource(f[6][0]),
			}
			if f[3] != "" {
				c.Postcodes = strings.Split(f[3], " ")
			}
			for _, p := range c.Postcodes {
				ref.byPost[p] = append(ref.byPost[p], len(ref.communes))
			}
			ref.byCode[c.INSEE] = len(ref.communes)
			ref.communes = append(ref.communes, c)
		case "A":
			aliases = append(aliases, f[1:])
		default:
			t.Fatalf("unexpected line %q", line)
		}
	}
	for _, a := range aliases { // the first alias of a code wins
		if i, ok := ref.byCode[a[1]]; ok {
			if _, taken := ref.byCode[a[0]]; !taken {
				ref.byCode[a[0]] = i
			}
		}
	}
	slices.SortFunc(ref.deps, func(a, b Departement) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(ref.regs, func(a, b Region) int { return strings.Compare(a.Code, b.Code) })
	return ref
}

// searchCode is Search's documented rule for a code query: by brute force,
// or for a whole code, from the postcodes' and codes' maps.
func (ref *reference) searchCode(q string, limit int) []string {
	q = strings.ToUpper(q)
	type hit struct{ idx, tier int }
	var hits []hit
	byCode, hasCode := ref.byCode[q]
	for _, i := range ref.byPost[q] {
		hits = append(hits, hit{i, tierExact})
	}
	if hasCode && !slices.Contains(ref.byPost[q], byCode) {
		hits = append(hits, hit{byCode, tierPrefix})
	}
	for i, c := range ref.communes {
		if len(q) == 5 {
			break // a postcode starting with five characters equals them
		}
		for _, p := range c.Postcodes {
			if strings.HasPrefix(p, q) {
				hits = append(hits, hit{i, tierWordPrefix})
				break
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		if pa, pb := ref.communes[a.idx].Population, ref.communes[b.idx].Population; pa != pb {
			return pb - pa
		}
		return strings.Compare(ref.communes[a.idx].INSEE, ref.communes[b.idx].INSEE)
	})
	var out []string
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, ref.communes[h.idx].INSEE)
	}
	return out
}

// TestDirectory_SameAsReference compares every commune, code, former code,
// postcode, département and région of the Directory with a plain decoding
// of the embedded file.
func TestDirectory_SameAsReference(t *testing.T) {
	compareWithReference(t, dir(t), decodeReference(t, embeddedText(t)))
}

// TestParse_SameAsReference is TestDirectory_SameAsReference on cases the
// embedded file does not have today: départements out of order, a former
// code listed twice or equal to a current code, a chain of former codes,
// an alias to nothing, a commune without postcode.
func TestParse_SameAsReference(t *testing.T) {
	text := strings.Join([]string{
		"# test data",
		"R\t32\tHauts-de-France",
		"R\t11\tÎle-de-France",
		"R\t03\tGuyane",
		"D\t59\tNord\t32",
		"D\t973\tGuyane\t03",
		"D\t75\tParis\t11",
		"D\t2A\tCorse-du-Sud\t32",
		"C\t2A004\tAjaccio\t20000 20090 20167\t419263\t87345\tg\t71361\t",
		"C\t59350\tLille\t59000 59160 59260 59777 59800\t506372\t30633\tg\t236710\t",
		"C\t59355\tLomme\t59160\t506430\t29870\tp\t0\t",
		"C\t59512\tRoubaix\t59100\t506942\t31746\tg\t98089\t",
		"C\t75056\tParis\t75001 75002\t488534\t23488\tg\t2103778\t",
		"C\t75101\tParis 1er Arrondissement\t75001\t488592\t23417\tg\t15917\t75056",
		"C\t97302\tCayenne\t\t49333\t-523333\td\t63468\t",
		"A\t59298\t59350",
		"A\t59298\t59512",
		"A\t59355\t59512",
		"A\t59999\t59298",
		"A\t59001\t59002",
		"",
	}, "\n")
	d, err := parse(text)
	if err != nil {
		t.Fatal(err)
	}
	compareWithReference(t, d, decodeReference(t, text))
	if c, _ := d.Commune("59999"); c.INSEE != "59350" {
		t.Errorf("Commune(59999) = %s, want Lille by way of 59298", c.INSEE)
	}
}

func compareWithReference(t *testing.T, d *Directory, ref *reference) {
	t.Helper()
	if d.Len() != len(ref.communes) {
		t.Fatalf("Len() = %d, want %d", d.Len(), len(ref.communes))
	}
	bad := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if bad++; bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	n := 0
	for i, c := range d.all {
		if i != n || !reflect.DeepEqual(c, ref.communes[n]) {
			fail("commune %d = %+v, want %d %+v", i, c, n, ref.communes[n])
		}
		if cap(c.Postcodes) != len(c.Postcodes) { // an append must not write over another commune's
			fail("commune %d: Postcodes has spare capacity %d", i, cap(c.Postcodes)-len(c.Postcodes))
		}
		n++
	}
	if n != len(ref.communes) {
		t.Errorf("ranging over the communes gave %d, want %d", n, len(ref.communes))
	}
	for i, c := range ref.communes { // the names search and ResolveCommune compare
		if got := d.key(i); got != NormalizeName(c.Name) {
			fail("key(%d) = %q, want %q (%s)", i, got, NormalizeName(c.Name), c.Name)
		}
	}
	// Every syntactically possible code, current, former or unknown.
	digits, second := "0123456789", "0123456789ABab"
	for _, a := range digits {
		for _, b := range second {
			for k := range 1000 {
				code := string(a) + string(b) + strconv.Itoa(1000 + k)[1:]
				got, ok := d.Commune(code)
				i, want := ref.byCode[strings.ToUpper(code)]
				if ok != want || ok && !reflect.DeepEqual(got, ref.communes[i]) {
					fail("Commune(%q) = %+v, %v; want %v", code, got, ok, want)
				}
			}
		}
	}
	for _, code := range []string{"", " 59350 ", "59350\n", "5935", "593500", "2C004", "59 350", "-5935"} {
		got, ok := d.Commune(code)
		i, want := ref.byCode[strings.ToUpper(strings.TrimSpace(code))]
		if ok != want || ok && !reflect.DeepEqual(got, ref.communes[i]) {
			fail("Commune(%q) = %+v, %v; want %v", code, got, ok, want)
		}
	}
	if !reflect.DeepEqual(d.Departements(), ref.deps) {
		t.Errorf("Departements() = %v, want %v", d.Departements(), ref.deps)
	}
	if !reflect.DeepEqual(d.Regions(), ref.regs) {
		t.Errorf("Regions() = %v, want %v", d.Regions(), ref.regs)
	}
	for _, dep := range ref.deps {
		if got, ok := d.Departement(strings.ToLower(dep.Code)); !ok || got != dep {
			fail("Departement(%q) = %v, %v", dep.Code, got, ok)
		}
	}
	for _, r := range ref.regs {
		if got, ok := d.Region(r.Code); !ok || got != r {
			fail("Region(%q) = %v, %v", r.Code, got, ok)
		}
	}
	// Postcodes, and every start of one, as Search reads them.
	// Four-digit starts are many: one in seven keeps the test short.
	queries := map[string]bool{}
	for p := range ref.byPost {
		for k := 1; k <= len(p); k++ {
			if k != 4 || p[3]%7 == 0 {
				queries[p[:k]] = true
			}
		}
	}
	for _, q := range []string{"2A004", "2b033", "59355", "13055", "00000", "99999", "2A", "2"} {
		queries[q] = true
	}
	for q := range queries {
		got := codes(d.Search(q, 40))
		if want := "[" + strings.Join(ref.searchCode(q, 40), ", ") + "]"; !sameCodes(got, want) {
			fail("Search(%q) = %s, want %s", q, got, want)
		}
	}
}

// sameCodes compares codes(...) output, which writes "INSEE Name", with a
// list of INSEE codes.
func sameCodes(got, want string) bool {
	var g []string
	for _, s := range strings.Split(strings.Trim(got, "[]"), ", ") {
		code, _, _ := strings.Cut(s, " ")
		g = append(g, code)
	}
	return "["+strings.Join(g, ", ")+"]" == want
}

// BenchmarkLoadLiveHeap reports the heap a Directory keeps (live-MB) and
// how much of it the garbage collector must scan for pointers (scan-MB).
func BenchmarkLoadLiveHeap(b *testing.B) {
	var before, after runtime.MemStats
	scan := []metrics.Sample{{Name: "/gc/scan/heap:bytes"}}
	var live, scanned float64
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		metrics.Read(scan)
		scanBefore := scan[0].Value.Uint64()
		d, err := Load()
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		metrics.Read(scan)
		live = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / 1e6
		scanned = float64(int64(scan[0].Value.Uint64())-int64(scanBefore)) / 1e6
		runtime.KeepAlive(d)
	}
	b.ReportMetric(live, "live-MB")
	b.ReportMetric(scanned, "scan-MB")
}

func BenchmarkCommune(b *testing.B) {
	d := dir(b)
	for _, code := range []string{"59350", "59355", "2a004", "99999"} {
		b.Run(code, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Commune(code)
			}
		})
	}
}

// BenchmarkTravel is the planner's use: two lookups and a distance.
func BenchmarkTravel(b *testing.B) {
	d := dir(b)
	b.ReportAllocs()
	for b.Loop() {
		x, _ := d.Commune("59512")
		y, _ := d.Commune("75115")
		DistanceKm(x, y)
	}
}

func BenchmarkSearchMore(b *testing.B) {
	d := dir(b)
	for _, q := range []string{"lille", "5", "59", "591", "2a004"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Search(q, 10)
			}
		})
	}
}

func BenchmarkResolveCommune(b *testing.B) {
	d := dir(b)
	for _, q := range []string{"Lille — CP 59000", "Roubaix", "59100", "59000", "saint denis", "Lille (59350)"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.ResolveCommune(q)
			}
		})
	}
}
