package config

import "testing"

func TestByteSize_UnmarshalText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ByteSize
		bad  bool
	}{
		{"48MiB", 48 << 20, false},
		{"1GiB", 1 << 30, false},
		{"512KiB", 512 << 10, false},
		{"1000", 1000, false},
		{"100B", 100, false},
		{" 64 MiB ", 64 << 20, false},
		{"", 0, false},
		{"0", 0, false},
		{"48MB", 0, true},
		{"-1MiB", 0, true},
		{"lots", 0, true},
		{"99999999999GiB", 0, true},
	} {
		var b ByteSize
		err := b.UnmarshalText([]byte(tc.in))
		if (err != nil) != tc.bad || (!tc.bad && b != tc.want) {
			t.Errorf("%q: got %d, %v; want %d (error: %v)", tc.in, b, err, tc.want, tc.bad)
		}
		if !tc.bad {
			out, _ := b.MarshalText()
			var back ByteSize
			if err := back.UnmarshalText(out); err != nil || back != b {
				t.Errorf("%q: %q does not read back (%d, %v)", tc.in, out, back, err)
			}
		}
	}
}

func TestValidate_MemoryLimit(t *testing.T) {
	cfg := Default()
	for _, tc := range []struct {
		limit ByteSize
		ok    bool
	}{{0, true}, {48 << 20, true}, {1 << 20, false}} {
		cfg.Server.MemoryLimit = tc.limit
		if err := cfg.Validate(); (err == nil) != tc.ok {
			t.Errorf("memory_limit %d: %v", tc.limit, err)
		}
	}
}
