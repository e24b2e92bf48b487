/// One HTTP request as nginx hands it over FastCGI, copied into owned values
/// before the libfcgi request is finished.
public struct Request: Sendable {
    public var method: String
    /// The path as sent, still percent-encoded, without the query string.
    public var path: String
    /// The raw query string (after `?`), possibly empty.
    public var query: String
    /// Header names in lower case (`authorization`, `content-type`, `cookie`, …).
    public var headers: [String: String]
    public var remoteAddress: String
    public var body: [UInt8]
    /// Values captured by `{name}` segments of the matched route.
    public var pathParameters: [String: String] = [:]
    /// FastCGI parameters named `LATCH_…`, which only nginx's configuration sets (the sender's
    /// headers arrive as `HTTP_…`), e.g. what a location of deploy/nginx/latch-check.conf asks.
    public var serverVariables: [String: String] = [:]
    /// The FastCGI parameter `LATCH_FRONT_SECRET` nginx adds (one of `serverVariables`);
    /// `RemoteUser` compares it with the configured secret.
    public var frontSecret: String? {
        get { serverVariables["LATCH_FRONT_SECRET"] }
        set { serverVariables["LATCH_FRONT_SECRET"] = newValue }
    }

    public init(method: String, path: String, query: String = "", headers: [String: String] = [:],
                remoteAddress: String = "127.0.0.1", body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.remoteAddress = remoteAddress
        self.body = body
    }

    /// Builds a request from CGI/FastCGI parameters (`REQUEST_METHOD`, `REQUEST_URI`, `HTTP_*`, …).
    public init(parameters: [String: String], body: [UInt8]) {
        self.init(parameterPairs: parameters.map { ($0.key, $0.value) }, body: body)
    }

    /// The same from the parameters as they arrived (a later duplicate wins), in one pass: the
    /// worker hands them over without hashing each name into a dictionary first.
    public init(parameterPairs: [(String, String)], body: [UInt8]) {
        var method: String?, requestURI: String?, documentURI: String?, queryString: String?
        var contentType: String?, contentLength: String?, remoteUser: String?, remoteAddress: String?
        var headers: [String: String] = [:]
        headers.reserveCapacity(parameterPairs.count / 2)
        var variables: [String: String] = [:]
        for (name, value) in parameterPairs {
            if name.hasPrefix("HTTP_") {
                // The sender's own `X-Latch-Remote-User` header is dropped: only nginx's REMOTE_USER sets it.
                if name != "HTTP_X_LATCH_REMOTE_USER" { headers[Request.headerName(fromParameter: name)] = value }
            } else if name.hasPrefix("LATCH_") {
                variables[name] = value
            } else {
                switch name {
                case "REQUEST_METHOD": method = value
                case "REQUEST_URI": requestURI = value
                case "DOCUMENT_URI": documentURI = value
                case "QUERY_STRING": queryString = value
                case "CONTENT_TYPE": contentType = value
                case "CONTENT_LENGTH": contentLength = value
                case "REMOTE_USER": remoteUser = value
                case "REMOTE_ADDR": remoteAddress = value
                default: break
                }
            }
        }
        self.method = method ?? "GET"
        let uri = requestURI ?? documentURI ?? "/"
        // At the first '?' scalar: a combining mark after it must not hide it.
        if let mark = uri.unicodeScalars.firstIndex(of: "?") {
            path = String(uri.unicodeScalars[..<mark])
            query = String(uri.unicodeScalars[uri.unicodeScalars.index(after: mark)...])
        } else {
            path = uri
            query = queryString ?? ""
        }
        if let contentType, !contentType.isEmpty { headers["content-type"] = contentType }
        if let contentLength, !contentLength.isEmpty { headers["content-length"] = contentLength }
        if let remoteUser, !remoteUser.isEmpty { headers["x-latch-remote-user"] = remoteUser }
        self.headers = headers
        serverVariables = variables
        self.remoteAddress = remoteAddress ?? ""
        self.body = body
    }

    /// `HTTP_X_FORWARDED_FOR` → `x-forwarded-for`.
    static func headerName(fromParameter name: String) -> String {
        asciiLowercased(name.utf8.dropFirst(5), underscoreAsHyphen: true)
    }

    /// Header names are ASCII (RFC 9110 §5.1): only A–Z are folded, stored and looked
    /// up alike, byte by byte.
    static func asciiLowercased(_ utf8: some Collection<UInt8>, underscoreAsHyphen: Bool = false) -> String {
        var bytes = Array(utf8)
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "_") where underscoreAsHyphen: bytes[index] = UInt8(ascii: "-")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes[index] += 32
            default: break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func header(_ name: String) -> String? { headers[Request.asciiLowercased(name.utf8)] }

    /// The media type of the body without parameters, lower-cased (`application/json`):
    /// what precedes the first ';' scalar (not Character: U+037E compares equal to ';').
    public var mediaType: String? {
        guard let type = header("content-type") else { return nil }
        return Substring(type.unicodeScalars.prefix { $0 != ";" }).trimmingSpaces().lowercased()
    }

    /// Query parameters, strictly decoded.
    public func queryParameters() throws(HTTPError) -> Parameters {
        try Parameters(formEncoded: Array(query.utf8))
    }

    /// Body parameters; the body must be `application/x-www-form-urlencoded`.
    public func formParameters() throws(HTTPError) -> Parameters {
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw HTTPError.unsupportedMediaType("expected application/x-www-form-urlencoded")
        }
        return try Parameters(formEncoded: body)
    }

    /// The fields of a browser form: as `formParameters`, except
    /// that a POST with no body and no `Content-Type` is a form without fields, so that its
    /// missing CSRF token is refused as one (`403`, SECURITY.md "What was checked") like on every other page.
    public func browserFormParameters() throws(HTTPError) -> Parameters {
        if body.isEmpty && (header("content-type") ?? "").isEmpty { return try Parameters(formEncoded: body) }
        return try formParameters()
    }

    /// Cookies from the `Cookie` header; later duplicates are ignored.
    public var cookies: [String: String] { Cookies.parse(header("cookie") ?? "") }

}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs, scalar by scalar (a space followed by a
    /// combining mark is still a space to HTTP).
    public func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
