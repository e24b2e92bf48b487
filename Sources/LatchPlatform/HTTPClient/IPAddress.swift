import CResolver
import Glibc

/// An IPv4 or IPv6 address, as the resolver answered it (`getaddrinfo`): what `HTTPFetcher`
/// vets before it lets libcurl connect.
public enum IPAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    case v4(UInt8, UInt8, UInt8, UInt8)
    /// Sixteen bytes in network order.
    case v6([UInt8])

    /// A numeric address (`10.0.0.1`, `::ffff:127.0.0.1`, `[::1]`), nil for anything else.
    public init?(_ text: String) {
        var literal = text
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            self = IPAddress(v4: v4)
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            self = IPAddress(v6: v6)
            return
        }
        return nil
    }

    init(v4 address: in_addr) {
        let value = UInt32(bigEndian: address.s_addr)
        self = .v4(UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff))
    }

    init(v6 address: in6_addr) {
        var copy = address
        self = .v6(withUnsafeBytes(of: &copy) { Array($0) })
    }

    /// The text form libcurl and logs take: `10.0.0.1`, `2001:db8::1` (no brackets).
    public var description: String {
        switch self {
        case .v4(let a, let b, let c, let d): return "\(a).\(b).\(c).\(d)"
        case .v6(let bytes):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes.prefix(16)) }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The form a URL or libcurl's `CURLOPT_RESOLVE` takes: IPv6 in brackets.
    public var hostForm: String {
        if case .v6 = self { return "[\(description)]" }
        return description
    }

    /// Every address `host` resolves to for a TCP connection (`getaddrinfo`, once), waiting at
    /// most `timeoutMilliseconds`; nil when it does not resolve in time. The system's resolver:
    /// what `HTTPFetcher` uses unless a test injects another.
    public static func resolve(_ host: String, timeoutMilliseconds: Int = 2_000) -> [IPAddress]? {
        var list: UnsafeMutablePointer<addrinfo>?
        guard latch_resolve(host, Int32(clamping: timeoutMilliseconds), &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let socketAddress = current.pointee.ai_addr {
                switch current.pointee.ai_family {
                case AF_INET:
                    let address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(IPAddress(v4: address))
                case AF_INET6:
                    let address = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(IPAddress(v6: address))
                default: break
                }
            }
            entry = current.pointee.ai_next
        }
        var seen = Set<IPAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }
}
