package config

import (
	"fmt"
	"strconv"
	"strings"
)

// ByteSize is an amount of memory written with a unit, as GOMEMLIMIT
// writes it: "48MiB", "1GiB", "500KiB", or a plain number of bytes. Zero
// (or an empty string) means none.
type ByteSize int64

// byteUnits are the suffixes ByteSize understands, longest first.
var byteUnits = []struct {
	suffix string
	factor int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// UnmarshalText parses a size such as "48MiB".
func (b *ByteSize) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if s == "" {
		*b = 0
		return nil
	}
	factor := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, factor = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/factor {
		return fmt.Errorf("invalid size %q (use e.g. 48MiB, 1GiB)", text)
	}
	*b = ByteSize(n * factor)
	return nil
}

// MarshalText formats the size in the largest unit that divides it.
func (b ByteSize) MarshalText() ([]byte, error) {
	for _, u := range byteUnits {
		if b != 0 && int64(b)%u.factor == 0 {
			return []byte(strconv.FormatInt(int64(b)/u.factor, 10) + u.suffix), nil
		}
	}
	return []byte("0"), nil
}
