/// Which addresses an outbound fetch must never reach: the special-purpose registries of
/// RFC 6890 (IPv4 §2.2.2, IPv6 §2.2.3) as IANA keeps them today, read strictly — a fetch whose
/// host resolves to any of them is refused (README "Client ID Metadata Documents", SSRF).
///
/// - IPv4: `0/8`, `10/8`, `100.64/10` (CGNAT), `127/8`, `169.254/16`, `172.16/12`,
///   `192.0.0/24`, `192.0.2/24`, `192.31.196/24`, `192.52.193/24`, `192.88.99/24`,
///   `192.168/16`, `192.175.48/24`, `198.18/15`, `198.51.100/24`, `203.0.113/24`, `224/4`
///   (multicast), `240/4` (reserved, with the broadcast address).
/// - IPv6: only global unicast `2000::/3` may be reached, and within it not `2001::/23`
///   (IETF protocol assignments: Teredo, ORCHID, benchmarking …), `2001:db8::/32` and
///   `3fff::/20` (documentation), `2002::/16` (6to4, which embeds an IPv4 address). That
///   leaves out `::/128`, `::1`, `fc00::/7`, `fe80::/10`, `fec0::/10`, `ff00::/8`,
///   `64:ff9b::/96` and `64:ff9b:1::/48` (NAT64), `100::/64` and every other unassigned range.
///   IPv4-mapped (`::ffff:0:0/96`) and IPv4-compatible (`::/96`) addresses are refused as
///   well, whatever IPv4 address they carry (so `::ffff:127.0.0.1` can never reach loopback).
public enum SpecialUseAddress {
    /// Whether `address` is special-use (never to be fetched from).
    public static func contains(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let a, let b, let c, _):
            return isSpecialUse(a, b, c)
        case .v6(let bytes):
            guard bytes.count == 16 else { return true }
            return isSpecialUse(v6: bytes)
        }
    }

    /// The IPv4 address an IPv6 address carries (`::ffff:a.b.c.d` mapped, `::a.b.c.d`
    /// compatible), else nil.
    public static func embeddedIPv4(_ bytes: [UInt8]) -> IPAddress? {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }) else { return nil }
        let mapped = bytes[10] == 0xff && bytes[11] == 0xff
        let compatible = bytes[10] == 0 && bytes[11] == 0
        guard mapped || compatible else { return nil }
        return .v4(bytes[12], bytes[13], bytes[14], bytes[15])
    }

    /// Whether the address is loopback (`127/8`, `::1`, or a mapped `127/8`): what the
    /// development mode lets through for `127.0.0.1` and `localhost`.
    public static func isLoopback(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let a, _, _, _): return a == 127
        case .v6(let bytes):
            if bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
            if case .v4(let a, _, _, _)? = embeddedIPv4(bytes), bytes[10] == 0xff { return a == 127 }
            return false
        }
    }

    private static func isSpecialUse(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        switch a {
        case 0, 10, 127: return true
        case 100: return b & 0xc0 == 64                       // 100.64.0.0/10
        case 169: return b == 254                             // 169.254.0.0/16
        case 172: return b & 0xf0 == 16                       // 172.16.0.0/12
        case 192:
            if b == 168 { return true }                       // 192.168.0.0/16
            if b == 0 { return c == 0 || c == 2 }             // 192.0.0.0/24, 192.0.2.0/24
            return (b == 31 && c == 196) || (b == 52 && c == 193) || (b == 88 && c == 99) || (b == 175 && c == 48)
        case 198: return b & 0xfe == 18 || (b == 51 && c == 100)   // 198.18.0.0/15, 198.51.100.0/24
        case 203: return b == 0 && c == 113                   // 203.0.113.0/24
        default: return a >= 224                              // 224/4 multicast, 240/4 reserved and broadcast
        }
    }

    private static func isSpecialUse(v6 bytes: [UInt8]) -> Bool {
        // Mapped and compatible forms (and ::, ::1) live outside 2000::/3: refused below
        // whatever they carry.
        guard bytes[0] & 0xe0 == 0x20 else { return true }    // only 2000::/3 is global unicast
        if bytes[0] == 0x20 && bytes[1] == 0x01 {
            if bytes[2] < 0x02 { return true }                // 2001::/23
            if bytes[2] == 0x0d && bytes[3] == 0xb8 { return true }   // 2001:db8::/32
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return true }       // 2002::/16 6to4
        if bytes[0] == 0x3f && bytes[1] == 0xff && bytes[2] & 0xf0 == 0 { return true }   // 3fff::/20
        return false
    }
}
