import Glibc

/// The peers a TCP listener answers (README "Deployment behind nginx": nginx is the only
/// party that may talk FastCGI to latch). Addresses are compared as bytes; an IPv4-mapped
/// IPv6 peer (`::ffff:10.0.0.5`) is the IPv4 address it carries.
public struct PeerAllowList: Equatable, Sendable {
    /// 4 bytes (IPv4) or 16 bytes (IPv6) each.
    public private(set) var addresses: [[UInt8]] = []
    /// The addresses as given.
    public private(set) var text: [String] = []

    /// The IPv4 addresses in dotted form, for libfcgi's own check (`FCGI_WEB_SERVER_ADDRS`,
    /// which compares IPv4 peers only); nil when the list holds none.
    public var libfcgiList: String? {
        let dotted = addresses.filter { $0.count == 4 }.map { $0.map(String.init).joined(separator: ".") }
        return dotted.isEmpty ? nil : dotted.joined(separator: ",")
    }

    public init() {}

    public var isEmpty: Bool { addresses.isEmpty }

    /// `10.0.0.5,10.0.0.6,fd00::5`: IP literals separated by commas (names are not resolved).
    public static func parse(_ list: String, source: String) throws(ServerOptionsError) -> PeerAllowList {
        var result = PeerAllowList()
        for item in list.split(separator: ",") {
            let text = item.trimmingSpaces()
            guard let bytes = PeerAllowList.bytes(of: text) else {
                throw ServerOptionsError("\(source): '\(text)' is not an IPv4 or IPv6 address (give nginx hosts' addresses, comma-separated)")
            }
            result.addresses.append(bytes)
            result.text.append(text)
        }
        guard !result.isEmpty else { throw ServerOptionsError("\(source) needs at least one address") }
        return result
    }

    /// The address bytes of an IP literal (`[::1]` brackets allowed), nil when it is not one.
    static func bytes(of text: String) -> [UInt8]? {
        var literal = text
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 { return unmapped(withUnsafeBytes(of: &v6) { Array($0) }) }
        return nil
    }

    /// `::ffff:a.b.c.d` as the IPv4 address; anything else unchanged.
    static func unmapped(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff { return Array(bytes[12...]) }
        return bytes
    }

    public func allows(_ peer: [UInt8]) -> Bool {
        let peer = PeerAllowList.unmapped(peer)
        return addresses.contains { $0 == peer }
    }

    /// The address of a socket's peer (`getpeername`) or of its own end (`getsockname`); nil
    /// for a unix socket or on error.
    static func address(of socket: Int32, peer: Bool) -> [UInt8]? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { peer ? getpeername(socket, $0, &length) : getsockname(socket, $0, &length) }
        }
        guard result == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin_addr
                    return withUnsafeBytes(of: &address) { Array($0) }
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin6_addr
                    return unmapped(withUnsafeBytes(of: &address) { Array($0) })
                }
            }
        default:
            return nil
        }
    }

    /// `127.0.0.0/8` or `::1`.
    static func isLoopback(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 { return bytes[0] == 127 }
        return bytes.count == 16 && bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
    }
}
