/// An HTTP response a handler returns; the FastCGI layer writes it.
public struct Response: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// For the request log only, never sent: fields the product adds to the request's line
    /// after `error`, in order (latch adds whom the request concerned).
    public var logFields: [(name: String, value: String)] = []
    /// For the request log and metrics only, never sent: the error code the response carries,
    /// set by whoever renders the error (in its body or not, e.g. an error sent by redirect).
    public var logErrorCode: String?

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append((name: name, value: value))
    }

    public mutating func addHeader(_ name: String, _ value: String) {
        headers.append((name: name, value: value))
    }

    /// JSON body; responses carrying credentials add `no-store` themselves. Every JSON
    /// answer carries `X-Content-Type-Options: nosniff`: a browser never reads it as HTML or script.
    public static func json(_ value: JSON, status: Int = 200, headers: [(String, String)] = []) -> Response {
        Response(status: status, headers: [("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")] + headers,
                 body: value.bytes)
    }

    /// JSON that must never be cached (credentials, secrets, errors that concern them).
    public static func noStoreJSON(_ value: JSON, status: Int = 200) -> Response {
        json(value, status: status, headers: [("Cache-Control", "no-store"), ("Pragma", "no-cache")])
    }

    /// An HTML page with the headers every browser page of latch carries.
    public static func html(_ page: String, status: Int = 200) -> Response {
        Response(status: status, headers: [("Content-Type", "text/html; charset=utf-8")] + browserHeaders, body: Array(page.utf8))
    }

    public static let browserHeaders: [(String, String)] = [
        ("Content-Security-Policy", contentSecurityPolicy()),
        ("X-Frame-Options", "DENY"),
        ("Cache-Control", "no-store"),
        ("Pragma", "no-cache"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
    ]

    /// The CSP of a browser page (SECURITY.md "What was checked"): nothing but inline style, images only
    /// from latch itself, `data:` and the `images` sources (the origin of each image the page
    /// shows), forms only to latch and the `formTargets` sources (a page may add the one place
    /// its form goes on to), never framed.
    public static func contentSecurityPolicy(images: [String] = [], formTargets: [String] = [], scripts: [String] = []) -> String {
        func list(_ base: [String], _ extra: [String]) -> String {
            var seen = Set<String>()
            return (base + extra).filter { seen.insert($0).inserted }.joined(separator: " ")
        }
        let script = scripts.isEmpty ? "" : " script-src \(list([], scripts));"
        return "default-src 'none';\(script) style-src 'unsafe-inline'; img-src \(list(["'self'", "data:"], images)); "
            + "form-action \(list(["'self'"], formTargets)); frame-ancestors 'none'; base-uri 'none'"
    }

    /// This page with images also allowed from `images` (the CSP otherwise as every page's).
    public func withContentSecurityPolicy(images: [String]) -> Response {
        var response = self
        response.setHeader("Content-Security-Policy", Response.contentSecurityPolicy(images: images))
        return response
    }

    public static func redirect(_ location: String, status: Int = 302, headers: [(String, String)] = []) -> Response {
        Response(status: status, headers: [("Location", location), ("Cache-Control", "no-store")] + headers)
    }

    public static func empty(_ status: Int = 204, headers: [(String, String)] = []) -> Response {
        Response(status: status, headers: headers)
    }

    /// Whether a header name or value carries CR, LF or NUL: such a response is never written
    /// (`RequestProcessor.serialized(_:for:)` sends the route's `400` instead).
    public var hasUnsendableHeader: Bool {
        headers.contains { Response.isUnsafe($0.name) || Response.isUnsafe($0.value) }
    }

    /// The bytes of a FastCGI/CGI response (`Status:` line, headers, blank line, body).
    /// A header value carrying CR, LF or NUL is never written: the response becomes a plain 400.
    public func serialized() -> [UInt8] {
        if hasUnsendableHeader {
            return PlainTextErrors().response(for: .unsendableResponse, to: Request(method: "GET", path: "/")).serialized()
        }
        var head = "Status: \(status) \(Response.reason(for: status))\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        if header("Content-Length") == nil { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    static func isUnsafe(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0 }
    }

    static func reason(for status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 413: return "Payload Too Large"
        case 415: return "Unsupported Media Type"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
