package territory

//go:generate sh ../scripts/communes/generate.sh

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:embed communes.tsv.gz
var communesGz []byte

// Directory is the read-only set of communes, départements and régions.
// It is safe for concurrent use.
//
// It keeps the communes packed, with few pointers for the garbage collector
// to follow: pointer-free records, all codes and names in one string, a
// table instead of a map from INSEE codes, and each postcode stored once. A
// Commune is built on demand from its record: its strings are substrings
// of text and its Postcodes a piece of postcodes, so building one does not
// allocate.
type Directory struct {
	records []record // one per commune, in INSEE code order
	text    string   // each commune's INSEE code (5 bytes) then its name, in order
	// codes maps codeSlot(an INSEE code, current or former) to 1 + the
	// commune's index in records, or 0 for none.
	codes []uint16
	// postcodes is the distinct postcodes, sorted, in its first nPost
	// elements (a commune with one postcode shares its element there),
	// then the lists of the communes that have several.
	postcodes []string
	nPost     int
	// postStart and postIdx index communes by postcode: those with
	// postcodes[j] are postIdx[postStart[j]:postStart[j+1]], in order.
	postStart []int32
	postIdx   []uint16
	deps      []Departement  // sorted by code
	depIdx    map[string]int // code to index in deps
	regs      []Region       // sorted by code
	regIdx    map[string]int // code to index in regs
	blob      string         // "\n" + normalised names joined and ended by "\n", for search
	offsets   []int32        // start of each name in blob, then len(blob)
}

// record is a commune packed without pointers; see Directory.commune.
type record struct {
	lat, lon float64 // WGS 84 degrees: as integers, converting them made Commune 30 % slower
	at       uint32  // offset of the INSEE code, then the name, in text
	pop      int32
	post     uint16 // first of the commune's postcodes in postcodes
	parent   uint16 // 1 + index of the parent commune in records; 0 for none
	nameLen  uint8
	postLen  uint8
	dep      uint8 // index in deps
	src      CoordSource
}

// Load parses the embedded data: about 30 ms and 3 MB of heap on the
// development machine. Call it once at start-up and share the Directory.
func Load() (*Directory, error) {
	zr, err := gzip.NewReader(bytes.NewReader(communesGz))
	if err != nil {
		return nil, fmt.Errorf("territory: embedded data: %w", err)
	}
	// The gzip trailer holds the uncompressed size (modulo 2³²).
	size := 0
	if n := len(communesGz); n >= 4 {
		size = int(binary.LittleEndian.Uint32(communesGz[n-4:]))
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+512))
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, fmt.Errorf("territory: embedded data: %w", err)
	}
	return parse(buf.String())
}

// parse reads the embedded file. Nothing it keeps refers to the text, which
// the garbage collector can then free.
func parse(text string) (*Directory, error) {
	n := strings.Count(text, "\nC\t")
	d := &Directory{
		records: make([]record, 0, n),
		codes:   make([]uint16, codeSlots),
		depIdx:  map[string]int{},
		regIdx:  map[string]int{},
	}
	names := make([]byte, 0, n*30)
	keys := make([]string, 0, n)
	postcodes := make([]int32, 0, n+n/8) // as numbers, the communes' runs in order
	var parents [][2]string              // a commune's code, its parent's
	var aliases [][2]string
	var f [9]string
	lastSlot := -1
	for line := 1; text != ""; line++ {
		var s string
		s, text, _ = strings.Cut(text, "\n")
		if s == "" || s[0] == '#' {
			continue
		}
		nf := 0
		for rest := s; nf < len(f); nf++ {
			var more bool
			f[nf], rest, more = strings.Cut(rest, "\t")
			if !more {
				nf++
				break
			}
		}
		bad := func(why string) error {
			return fmt.Errorf("territory: embedded data line %d: %s", line, why)
		}
		switch {
		case f[0] == "R" && nf == 3:
			d.regIdx[f[1]] = len(d.regs)
			d.regs = append(d.regs, Region{Code: strings.Clone(f[1]), Name: strings.Clone(f[2])})
		case f[0] == "D" && nf == 4:
			d.depIdx[f[1]] = len(d.deps)
			d.deps = append(d.deps, Departement{Code: strings.Clone(f[1]), Name: strings.Clone(f[2]), Region: strings.Clone(f[3])})
		case f[0] == "C" && nf == 9:
			slot, ok := codeSlot(f[1])
			switch {
			case !ok:
				return nil, bad("bad INSEE code " + f[1])
			case slot <= lastSlot:
				return nil, bad("commune out of INSEE code order")
			case len(d.records) >= math.MaxUint16-1:
				return nil, bad("too many communes")
			case len(f[2]) > math.MaxUint8:
				return nil, bad("name too long")
			}
			lastSlot = slot
			r := record{at: uint32(len(names)), nameLen: uint8(len(f[2]))}
			names = append(append(names, f[1]...), f[2]...)
			if f[3] != "" {
				start := len(postcodes)
				for p := range strings.SplitSeq(f[3], " ") {
					code, err := strconv.Atoi(p)
					if err != nil || len(p) != 5 || p[0] < '0' || p[0] > '9' {
						return nil, bad("bad postcode " + p)
					}
					postcodes = append(postcodes, int32(code))
				}
				if len(postcodes)-start > math.MaxUint8 {
					return nil, bad("too many postcodes")
				}
				r.postLen = uint8(len(postcodes) - start)
			}
			lat, err1 := strconv.ParseInt(f[4], 10, 32)
			lon, err2 := strconv.ParseInt(f[5], 10, 32)
			pop, err3 := strconv.ParseInt(f[7], 10, 32)
			if err1 != nil || err2 != nil || err3 != nil || len(f[6]) != 1 {
				return nil, bad("bad number")
			}
			r.lat, r.lon, r.pop, r.src = float64(lat)/1e4, float64(lon)/1e4, int32(pop), CoordSource(f[6][0])
			if _, ok := d.depIdx[depOf(f[1])]; !ok { // r.dep is set once deps are sorted
				return nil, bad("unknown département " + depOf(f[1]))
			}
			if f[8] != "" {
				parents = append(parents, [2]string{f[1], f[8]})
			}
			d.codes[slot] = uint16(len(d.records) + 1)
			d.records = append(d.records, r)
			keys = append(keys, normalize(f[2]))
		case f[0] == "A" && nf == 3:
			aliases = append(aliases, [2]string{f[1], f[2]})
		default:
			return nil, bad("unexpected record")
		}
	}
	if len(d.records) == 0 || len(d.deps) == 0 || len(d.regs) == 0 || len(d.deps) > math.MaxUint8 {
		return nil, fmt.Errorf("territory: embedded data is empty or has too many départements")
	}
	d.text = string(names)
	for _, pc := range parents {
		i, _ := d.index(pc[0])
		p, ok := d.index(pc[1])
		if !ok {
			return nil, fmt.Errorf("territory: embedded data: commune %s has unknown parent %s", pc[0], pc[1])
		}
		d.records[i].parent = uint16(p + 1)
	}
	// A former code names the commune its first alias line points to.
	for _, a := range aliases {
		former, ok := codeSlot(a[0])
		if !ok {
			return nil, fmt.Errorf("territory: embedded data: bad former INSEE code %s", a[0])
		}
		if i, ok := d.index(a[1]); ok && d.codes[former] == 0 {
			d.codes[former] = uint16(i + 1)
		}
	}
	if err := d.indexPostcodes(postcodes); err != nil {
		return nil, err
	}
	sort.Slice(d.deps, func(i, j int) bool { return d.deps[i].Code < d.deps[j].Code })
	for i, dep := range d.deps {
		d.depIdx[dep.Code] = i
	}
	for i := range d.records {
		d.records[i].dep = uint8(d.depIdx[depOf(d.insee(i))])
	}
	sort.Slice(d.regs, func(i, j int) bool { return d.regs[i].Code < d.regs[j].Code })
	for i, r := range d.regs {
		d.regIdx[r.Code] = i
	}
	d.buildIndex(keys)
	return d, nil
}

// indexPostcodes stores each distinct postcode once, gives every commune
// its list, and indexes the communes by postcode. codes is the communes'
// postcodes as numbers, run after run in records order.
func (d *Directory) indexPostcodes(codes []int32) error {
	// Five-digit numbers sort as their strings: count them by number.
	var count [100000]int32
	for _, p := range codes {
		count[p]++
	}
	var digits []byte
	d.postStart = []int32{0}
	for p, k := range count {
		if k > 0 {
			count[p] = int32(len(d.postStart) - 1) // now the postcode's rank
			digits = append(digits, byte('0'+p/10000), byte('0'+p/1000%10), byte('0'+p/100%10), byte('0'+p/10%10), byte('0'+p%10))
			d.postStart = append(d.postStart, d.postStart[len(d.postStart)-1]+k)
		}
	}
	d.nPost = len(d.postStart) - 1
	all := string(digits)
	d.postcodes = make([]string, d.nPost, d.nPost+d.nPost/4)
	for j := range d.postcodes {
		d.postcodes[j] = all[5*j : 5*j+5]
	}
	d.postIdx = make([]uint16, len(codes))
	next := append([]int32(nil), d.postStart[:d.nPost]...)
	for i := range d.records {
		r := &d.records[i]
		run := codes[:r.postLen]
		codes = codes[r.postLen:]
		for _, p := range run {
			j := count[p]
			d.postIdx[next[j]] = uint16(i)
			next[j]++
		}
		switch {
		case len(run) == 1:
			r.post = uint16(count[run[0]])
		case len(run) > 1:
			if len(d.postcodes) > math.MaxUint16-len(run) {
				return fmt.Errorf("territory: embedded data has too many postcodes")
			}
			r.post = uint16(len(d.postcodes))
			for _, p := range run {
				d.postcodes = append(d.postcodes, d.postcodes[count[p]])
			}
		}
	}
	d.postcodes = slices.Clip(d.postcodes)
	return nil
}

// codeSlots is the number of codeSlot values: two digits (or 2A/2B), then
// three digits.
const codeSlots = 10 * 12 * 1000

// codeSlot numbers an INSEE code in [0, codeSlots), in the codes' order, or
// reports that code cannot be one.
func codeSlot(code string) (int, bool) {
	if len(code) != 5 {
		return 0, false
	}
	d0, d2, d3, d4 := code[0]-'0', code[2]-'0', code[3]-'0', code[4]-'0'
	if d0 > 9 || d2 > 9 || d3 > 9 || d4 > 9 { // bytes: below '0' wraps around
		return 0, false
	}
	second := code[1] - '0'
	switch {
	case second <= 9:
	case code[1] == 'A' || code[1] == 'B':
		second = code[1] - 'A' + 10
	default:
		return 0, false
	}
	return (int(d0)*12+int(second))*1000 + int(d2)*100 + int(d3)*10 + int(d4), true
}

// index is the index in records of the commune with this INSEE code,
// current or former.
func (d *Directory) index(code string) (int, bool) {
	slot, ok := codeSlot(code)
	if !ok || d.codes[slot] == 0 {
		return 0, false
	}
	return int(d.codes[slot]) - 1, true
}

// commune builds the Commune of records[i]: its strings are substrings of
// text and of the postcodes, and its Postcodes a piece of postcodes whose
// capacity ends with it, so it does not allocate.
func (d *Directory) commune(i int) Commune {
	var c Commune
	d.fill(&c, i)
	return c
}

// fill is commune writing into c, a zero Commune: it spares a hot caller
// a copy.
func (d *Directory) fill(c *Commune, i int) {
	r := &d.records[i]
	dep := &d.deps[r.dep]
	c.INSEE = d.text[r.at : r.at+5]
	c.Name = d.text[r.at+5 : r.at+5+uint32(r.nameLen)]
	c.Departement, c.Region = dep.Code, dep.Region
	c.Lat, c.Lon, c.Population, c.CoordSource = r.lat, r.lon, int(r.pop), r.src
	if r.postLen > 0 {
		end := int(r.post) + int(r.postLen)
		c.Postcodes = d.postcodes[r.post:end:end]
	}
	if r.parent > 0 {
		c.Parent = d.insee(int(r.parent) - 1)
	}
}

// insee is the INSEE code of records[i].
func (d *Directory) insee(i int) string {
	at := d.records[i].at
	return d.text[at : at+5]
}

// key is the normalised name of records[i].
func (d *Directory) key(i int) string { return d.blob[d.offsets[i] : d.offsets[i+1]-1] }

// byPost is the indexes in records of the communes with this postcode.
func (d *Directory) byPost(code string) []uint16 {
	j, ok := slices.BinarySearch(d.postcodes[:d.nPost], code)
	if !ok {
		return nil
	}
	return d.postIdx[d.postStart[j]:d.postStart[j+1]]
}

// all yields every commune in INSEE order.
func (d *Directory) all(yield func(int, Commune) bool) {
	for i := range d.records {
		if !yield(i, d.commune(i)) {
			return
		}
	}
}
