import CCurl
import Glibc

/// What `HTTPFetcher` may do: schemes, the cap on what it reads, timeouts, certificate checks,
/// which resolved addresses it may connect to, and the media type it accepts.
public struct HTTPFetchPolicy: Sendable {
    /// Lower-case schemes that may be fetched.
    public var schemes: Set<String> = ["https"]
    /// The most bytes of body read; one more and the fetch fails (`tooLarge`).
    public var maxBytes = 5 * 1024
    public var connectTimeoutMilliseconds = 2_000
    public var totalTimeoutMilliseconds = 4_000
    /// Whether the server's certificate must verify for the URL's host (always, except in the
    /// development mode for loopback servers).
    public var verifiesCertificates = true
    /// Whether a resolved address may be connected to; a fetch is refused when ANY address of
    /// the host fails it. Default: none that is special-use (`SpecialUseAddress`).
    public var acceptsAddress: @Sendable (IPAddress) -> Bool = { !SpecialUseAddress.contains($0) }
    /// Whether only `application/json` (or a `+json` type) is accepted.
    public var requiresJSON = true

    public init() {}
}

/// The answer of a successful fetch: `200`, its headers (names lower-cased) and its body,
/// never longer than the policy's cap.
public struct FetchedResponse: Sendable {
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    /// The address the connection went to (one that was vetted).
    public let address: String

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }
}

/// One outbound HTTPS `GET`, hardened against server-side request forgery, over libcurl (never
/// a hand-written HTTP client): the URL is parsed by libcurl's URL API, its host resolved ONCE
/// (`getaddrinfo`, bounded by the connect timeout, or the injected `resolve`), the fetch refused when any address fails the
/// policy, and libcurl then connects only to the vetted addresses (`CURLOPT_RESOLVE` pins them;
/// the name is still used for SNI and the certificate check). No redirects, no proxy from the
/// environment, no other protocol, a byte cap enforced twice (`CURLOPT_MAXFILESIZE` for a
/// declared length, the write callback for a chunked answer), connect and total timeouts,
/// `200` only, JSON only. Generic: URL in, bounded bytes and headers out, typed errors.
public struct HTTPFetcher: Sendable {
    public var policy: HTTPFetchPolicy
    /// The resolver: the system's unless a test injects one (so that "a name that resolves to
    /// 10.0.0.1" can be checked without DNS and without traffic).
    public var resolve: @Sendable (String) -> [IPAddress]?

    /// `resolve` defaults to the system's resolver, given the policy's connect timeout.
    public init(policy: HTTPFetchPolicy = HTTPFetchPolicy(), resolve: (@Sendable (String) -> [IPAddress]?)? = nil) {
        self.policy = policy
        let limit = policy.connectTimeoutMilliseconds
        self.resolve = resolve ?? { IPAddress.resolve($0, timeoutMilliseconds: limit) }
    }

    /// The parts of a URL the fetcher needs, as libcurl's URL parser reads them.
    public struct Target: Sendable, Equatable {
        public let scheme: String
        /// As in the URL (IPv6 in brackets), lower-case.
        public let host: String
        public let port: Int
    }

    /// Parses `url` with libcurl's URL API; nil when it is not a URL with a host, or carries
    /// userinfo or a zone id.
    public static func target(of url: String) -> Target? {
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, url, 0) == CURLUE_OK else { return nil }
        func part(_ which: CURLUPart, _ flags: UInt32 = 0) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &value, flags) == CURLUE_OK, let value else { return nil }
            defer { curl_free(value) }
            return String(cString: value)
        }
        guard part(CURLUPART_USER) == nil, part(CURLUPART_PASSWORD) == nil, part(CURLUPART_ZONEID) == nil,
              let scheme = part(CURLUPART_SCHEME), let host = part(CURLUPART_HOST), !host.isEmpty,
              let portText = part(CURLUPART_PORT, UInt32(CURLU_DEFAULT_PORT)), let port = Int(portText) else { return nil }
        return Target(scheme: scheme.lowercased(), host: host.lowercased(), port: port)
    }

    /// The addresses the fetch may connect to: every address `target`'s host resolves to, when
    /// all pass the policy. Sends no traffic to the host.
    public func vettedAddresses(_ target: Target) throws(FetchError) -> [IPAddress] {
        guard policy.schemes.contains(target.scheme) else { throw FetchError(.schemeNotAllowed, target.scheme) }
        let bare = target.host.hasPrefix("[") ? String(target.host.dropFirst().dropLast()) : target.host
        let addresses = IPAddress(bare).map { [$0] } ?? resolve(bare) ?? []
        guard !addresses.isEmpty else { throw FetchError(.unresolvable, target.host) }
        if let refused = addresses.first(where: { !policy.acceptsAddress($0) }) {
            throw FetchError(.refusedAddress, "\(target.host) resolves to \(refused)")
        }
        return addresses
    }

    /// `GET url`: the body (at most `policy.maxBytes`) and headers of a `200` JSON answer.
    public func get(_ url: String) throws(FetchError) -> FetchedResponse {
        guard let target = HTTPFetcher.target(of: url) else { throw FetchError(.invalidURL, "unparsable URL") }
        let addresses = try vettedAddresses(target)
        guard let handle = curl_easy_init() else { throw FetchError(.transfer, "curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        let transfer = Transfer(maxBytes: policy.maxBytes)
        let box = Unmanaged.passRetained(transfer)
        defer { box.release() }

        // The vetted addresses, pinned: libcurl resolves nothing itself. (An IP literal needs no
        // pin: libcurl connects to the literal, the address vetted.)
        var pinned: UnsafeMutablePointer<curl_slist>?
        let bareHost = target.host.hasPrefix("[") ? String(target.host.dropFirst().dropLast()) : target.host
        if IPAddress(bareHost) == nil {
            pinned = curl_slist_append(pinned, "\(bareHost):\(target.port):" + addresses.map(\.hostForm).joined(separator: ","))
        }
        var requestHeaders: UnsafeMutablePointer<curl_slist>?
        requestHeaders = curl_slist_append(requestHeaders, policy.requiresJSON ? "Accept: application/json" : "Accept: */*")
        defer {
            curl_slist_free_all(pinned)
            curl_slist_free_all(requestHeaders)
        }
        let schemes = policy.schemes.sorted().joined(separator: ",")
        var setupFailed = false
        func set(_ result: CURLcode) { if result != CURLE_OK { setupFailed = true } }
        set(latch_curl_setopt_string(handle, CURLOPT_URL, url))
        set(latch_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, schemes))
        set(latch_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, schemes))
        set(latch_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set(latch_curl_setopt_long(handle, CURLOPT_MAXREDIRS, 0))
        if let pinned { set(latch_curl_setopt_list(handle, CURLOPT_RESOLVE, pinned)) }
        set(latch_curl_setopt_list(handle, CURLOPT_HTTPHEADER, requestHeaders))
        set(latch_curl_setopt_string(handle, CURLOPT_PROXY, ""))
        set(latch_curl_setopt_string(handle, CURLOPT_NOPROXY, "*"))
        set(latch_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(latch_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, policy.connectTimeoutMilliseconds))
        set(latch_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, policy.totalTimeoutMilliseconds))
        set(latch_curl_setopt_long(handle, CURLOPT_MAXFILESIZE, policy.maxBytes))
        set(latch_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, policy.verifiesCertificates ? 1 : 0))
        set(latch_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, policy.verifiesCertificates ? 2 : 0))
        set(latch_curl_setopt_string(handle, CURLOPT_USERAGENT, "latch"))
        set(latch_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, Transfer.receiveBody))
        set(latch_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, box.toOpaque()))
        set(latch_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, Transfer.receiveHeader))
        set(latch_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, box.toOpaque()))
        if setupFailed { throw FetchError(.transfer, "libcurl refused an option") }

        let result = curl_easy_perform(handle)
        if transfer.overflowed || result == CURLE_FILESIZE_EXCEEDED {
            throw FetchError(.tooLarge, "more than \(policy.maxBytes) bytes")
        }
        guard result == CURLE_OK else { throw HTTPFetcher.error(result) }

        // Defence in depth: the connection went to a vetted address.
        var primary: UnsafeMutablePointer<CChar>?
        let connectedTo = latch_curl_getinfo_string(handle, CURLINFO_PRIMARY_IP, &primary) == CURLE_OK
            ? primary.map { String(cString: $0) } : nil
        guard let connectedTo, let connected = IPAddress(connectedTo), addresses.contains(connected) else {
            throw FetchError(.refusedAddress, "connected to \(connectedTo ?? "an unknown address")")
        }
        var status = 0
        _ = latch_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard status == 200 else { throw FetchError(.status, "HTTP \(status)") }
        let response = FetchedResponse(headers: transfer.headers, body: transfer.body, address: connectedTo)
        if policy.requiresJSON && !HTTPFetcher.isJSON(response.header("content-type")) {
            throw FetchError(.notJSON, response.header("content-type") ?? "no Content-Type")
        }
        return response
    }

    /// Whether a `Content-Type` names JSON: `application/json` or a `+json` type (RFC 6839).
    public static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let type = media.trimmingSpaces().lowercased()
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    static func error(_ code: CURLcode) -> FetchError {
        let words = curl_easy_strerror(code).map { String(cString: $0) } ?? "libcurl error"
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return FetchError(.timedOut, words)
        case CURLE_UNSUPPORTED_PROTOCOL: return FetchError(.schemeNotAllowed, words)
        case CURLE_URL_MALFORMAT: return FetchError(.invalidURL, words)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION,
             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            return FetchError(.connectFailed, words)
        default: return FetchError(.transfer, words)
        }
    }
}

/// What one transfer has received so far; libcurl's callbacks reach it through their user
/// data pointer.
final class Transfer {
    let maxBytes: Int
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var headerBytes = 0
    var overflowed = false

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// Headers are capped too: 16 KiB in all.
    static let maxHeaderBytes = 16 * 1024

    /// `CURLOPT_WRITEFUNCTION`: appends, or aborts the transfer (returns 0) past the cap, so a
    /// chunked answer without a declared length is cut as well.
    static let receiveBody: curl_write_callback = { data, size, count, user in
        guard let data, let user else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        let length = size * count
        guard transfer.body.count + length <= transfer.maxBytes else {
            transfer.overflowed = true
            return 0
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    /// `CURLOPT_HEADERFUNCTION`: one header line at a time; a status line starts the list anew
    /// (an interim `100 Continue` answer precedes the real one).
    static let receiveHeader: curl_write_callback = { data, size, count, user in
        guard let data, let user else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        let length = size * count
        transfer.headerBytes += length
        guard transfer.headerBytes <= Transfer.maxHeaderBytes else { return 0 }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            transfer.headers = []
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            var value = Substring(line[line.index(after: colon)...])
            while let last = value.unicodeScalars.last, last == "\r" || last == "\n" { value = value.dropLast() }
            transfer.headers.append((name, value.trimmingSpaces()))
        }
        return length
    }
}
