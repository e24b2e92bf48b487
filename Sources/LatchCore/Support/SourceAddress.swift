import Glibc

/// The unit in which source addresses are rate-limited (SECURITY.md "What was checked"; SECURITY.md "Threats: the FastCGI trust boundary and sign-in"): an IPv4 address as it is, an IPv6 address by its /64 — one customer's network,
/// inside which anyone can pick any of 2^64 addresses. An IPv4-mapped IPv6 address is its
/// IPv4 address. Anything that is not an IP literal is kept as it is.
public enum SourceAddress {
    /// `192.0.2.7` → `192.0.2.7`; `2001:db8:1:2:aaaa::1` → `2001:db8:1:2::/64`.
    public static func bucket(_ address: String) -> String {
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return address }
        var bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        for index in 8..<16 { bytes[index] = 0 }
        var prefix = in6_addr()
        withUnsafeMutableBytes(of: &prefix) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &prefix, &text, socklen_t(text.count)) != nil else { return address }
        return String(cString: text) + "/64"
    }
}
