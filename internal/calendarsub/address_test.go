package calendarsub

import (
	"net/netip"
	"testing"
)

// TestPublicAddress refuses every local or special-purpose range, in
// every way an IPv6 address can spell an IPv4 one, and accepts global
// unicast addresses.
func TestPublicAddress(t *testing.T) {
	tests := []struct {
		rng, addr string
		want      bool
	}{
		{"global IPv4", "93.184.216.34", true},
		{"global IPv4 mapped", "::ffff:93.184.216.34", true},
		{"global IPv6", "2606:4700::1111", true},
		{"global IPv6 (RIPE)", "2a00:1450:4007:80c::200e", true},

		{"IPv4 loopback", "127.0.0.1", false},
		{"IPv4 loopback 127/8", "127.1.2.3", false},
		{"IPv6 loopback", "::1", false},
		{"unspecified IPv4", "0.0.0.0", false},
		{"unspecified IPv6", "::", false},
		{"this network 0/8", "0.1.2.3", false},
		{"private 10/8", "10.1.2.3", false},
		{"private 172.16/12", "172.16.0.1", false},
		{"private 192.168/16", "192.168.1.1", false},
		{"carrier NAT 100.64/10", "100.64.0.1", false},
		{"link-local 169.254/16 (cloud metadata)", "169.254.169.254", false},
		{"IETF protocol assignments 192.0.0/24", "192.0.0.8", false},
		{"documentation 192.0.2/24", "192.0.2.1", false},
		{"6to4 relay 192.88.99/24", "192.88.99.1", false},
		{"benchmarking 198.18/15", "198.19.0.1", false},
		{"documentation 198.51.100/24", "198.51.100.7", false},
		{"documentation 203.0.113/24", "203.0.113.9", false},
		{"multicast 224/4", "224.0.0.1", false},
		{"reserved 240/4", "250.1.2.3", false},
		{"limited broadcast", "255.255.255.255", false},

		{"IPv4-mapped loopback", "::ffff:127.0.0.1", false},
		{"IPv4-mapped private", "::ffff:10.0.0.1", false},
		{"IPv4-compatible loopback ::/96", "::127.0.0.1", false},
		{"IPv4-compatible private ::/96", "::10.0.0.1", false},
		{"IPv4-compatible global ::/96 (deprecated form)", "::93.184.216.34", true},
		{"IPv4-translated loopback ::ffff:0:0:0/96", "::ffff:0:127.0.0.1", false},
		{"IPv4-translated metadata ::ffff:0:0:0/96", "::ffff:0:169.254.169.254", false},
		{"NAT64 well-known 64:ff9b::/96", "64:ff9b::7f00:1", false},
		{"NAT64 local-use 64:ff9b:1::/48", "64:ff9b:1::a00:1", false},
		{"discard-only 100::/64", "100::1", false},
		{"Teredo 2001::/32", "2001:0:4136:e378:8000:63bf:3fff:fdd2", false},
		{"IETF protocol assignments 2001::/23", "2001:2::1", false},
		{"documentation 2001:db8::/32", "2001:db8::1", false},
		{"6to4 2002::/16", "2002:7f00:1::1", false},
		{"documentation 3fff::/20", "3fff::1", false},
		{"unique local fc00::/7", "fd12:3456::1", false},
		{"site-local fec0::/10", "fec0::1", false},
		{"link-local fe80::/10", "fe80::1", false},
		{"scoped link-local", "fe80::1%eth0", false},
		{"multicast ff00::/8", "ff02::1", false},
	}
	loopback := map[string]bool{"127.0.0.1": true, "127.1.2.3": true, "::1": true,
		"::ffff:127.0.0.1": true, "::127.0.0.1": true, "::ffff:0:127.0.0.1": true}
	for _, tt := range tests {
		t.Run(tt.rng, func(t *testing.T) {
			ip := netip.MustParseAddr(tt.addr)
			if got := publicAddress(ip, false); got != tt.want {
				t.Errorf("publicAddress(%s) = %v, want %v", tt.addr, got, tt.want)
			}
			// allow_loopback opens loopback, in any spelling, and nothing else.
			wantLoose := tt.want || loopback[tt.addr]
			if got := publicAddress(ip, true); got != wantLoose {
				t.Errorf("publicAddress(%s, allowLoopback) = %v, want %v", tt.addr, got, wantLoose)
			}
		})
	}
}
