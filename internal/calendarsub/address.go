package calendarsub

import "net/netip"

// A subscribed calendar may only be fetched from a global unicast address:
// anything else could reach the host itself, the internal network, a cloud
// metadata service, or a relay that leads there. The ranges are those of
// the IANA special-purpose registries (RFC 6890 and its updates).

// nonPublicIPv4 are the IPv4 ranges refused besides those netip's
// predicates name (private, loopback, link-local, multicast, unspecified).
var nonPublicIPv4 = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),          // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),      // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),       // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),       // documentation
	netip.MustParsePrefix("192.88.99.0/24"),     // 6to4 relay anycast
	netip.MustParsePrefix("198.18.0.0/15"),      // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"),    // documentation
	netip.MustParsePrefix("203.0.113.0/24"),     // documentation
	netip.MustParsePrefix("240.0.0.0/4"),        // reserved, and the broadcast address
	netip.MustParsePrefix("255.255.255.255/32"), // limited broadcast
}

// globalIPv6 is the only IPv6 block assigned for global unicast; outside
// it lie, among others, ::/96 (IPv4-compatible), ::ffff:0:0/96 and
// ::ffff:0:0:0/96 (IPv4-mapped and -translated), 64:ff9b::/96 and
// 64:ff9b:1::/48 (NAT64), 100::/64 (discard), fc00::/7 (unique local),
// fec0::/10 (site-local), fe80::/10 (link-local) and ff00::/8 (multicast).
var globalIPv6 = netip.MustParsePrefix("2000::/3")

// nonPublicIPv6 are the special-purpose ranges inside 2000::/3.
var nonPublicIPv6 = []netip.Prefix{
	netip.MustParsePrefix("2001::/23"),     // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID
	netip.MustParsePrefix("2001:db8::/32"), // documentation
	netip.MustParsePrefix("2002::/16"),     // 6to4: leads to any IPv4 address
	netip.MustParsePrefix("3fff::/20"),     // documentation (RFC 9637)
}

// ipv4Compatible and ipv4Translated embed an IPv4 address in their last
// 32 bits; an address in them is judged as that IPv4 address.
var (
	ipv4Compatible = netip.MustParsePrefix("::/96")
	ipv4Translated = netip.MustParsePrefix("::ffff:0:0:0/96")
)

// publicAddress reports whether a connection to ip may be made. IPv4
// addresses written in IPv6 (mapped, compatible, translated) are judged as
// IPv4. allowLoopback (tests only) lets 127.0.0.0/8 and ::1 through, and
// nothing else.
func publicAddress(ip netip.Addr, allowLoopback bool) bool {
	if ip.Zone() != "" {
		return false // a scoped address is link-local by nature
	}
	ip = embeddedIPv4(ip)
	if ip.IsLoopback() {
		return allowLoopback
	}
	if ip.Is4() {
		if !ip.IsGlobalUnicast() || ip.IsPrivate() {
			return false
		}
		for _, p := range nonPublicIPv4 {
			if p.Contains(ip) {
				return false
			}
		}
		return true
	}
	if !globalIPv6.Contains(ip) {
		return false
	}
	for _, p := range nonPublicIPv6 {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// embeddedIPv4 returns the IPv4 address an IPv6 address carries as
// IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, but not :: or
// ::1) or IPv4-translated (::ffff:0:a.b.c.d), else ip itself.
func embeddedIPv4(ip netip.Addr) netip.Addr {
	if ip.Is4In6() {
		return ip.Unmap()
	}
	if !ip.Is6() {
		return ip
	}
	b := ip.As16()
	last := netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	switch {
	case ipv4Translated.Contains(ip):
		return last
	case ipv4Compatible.Contains(ip) && ip != netip.IPv6Unspecified() && ip != netip.IPv6Loopback():
		return last
	}
	return ip
}
