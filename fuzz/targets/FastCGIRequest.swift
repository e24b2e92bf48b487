// Building a request from FastCGI parameters, `Request(parameters:body:)`, and what handlers
// read from it: `queryParameters()`, `formParameters()`, `bearerToken`, `mediaType`, `cookies`.
//
// The input is split at 0xFF: the first field is the body, then name/value pairs (a one-byte
// name below the table size picks a parameter nginx sends, e.g. REQUEST_URI or
// HTTP_AUTHORIZATION). Names and values lose NUL and names lose '=', as libfcgi delivers them.
//
// Invariants: no crash; path and query split REQUEST_URI at its first '?'; header names are
// lower case; `mediaType` is the part of Content-Type before the first ';', trimmed and
// lower-cased; a bearer token, when found, is what follows the Bearer scheme; the form is
// read only with the form media type; query and form parsing agree with `Parameters`.
import LatchCore

private let knownNames = [
    "REQUEST_METHOD", "REQUEST_URI", "DOCUMENT_URI", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
    "REMOTE_USER", "REMOTE_ADDR", "HTTP_AUTHORIZATION", "HTTP_COOKIE", "HTTP_HOST", "HTTP_X_FORWARDED_FOR",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFastCGIRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let fields = fuzzFields(fuzzBytes(data, size))
    let body = fields[0]
    var parameters: [String: String] = [:]
    var index = 1
    while index < fields.count {
        let rawName = fields[index]
        let name = rawName.count == 1 && Int(rawName[0]) < knownNames.count
            ? knownNames[Int(rawName[0])]
            : fuzzText(rawName.filter { $0 != 0 && $0 != UInt8(ascii: "=") })
        let value = index + 1 < fields.count ? fuzzText(fields[index + 1].filter { $0 != 0 }) : ""
        parameters[name] = value
        index += 2
    }

    let request = Request(parameters: parameters, body: body)

    require(request.method == parameters["REQUEST_METHOD"] ?? "GET", "method is not REQUEST_METHOD")
    require(request.body == body, "body changed")
    let uri = parameters["REQUEST_URI"] ?? parameters["DOCUMENT_URI"] ?? "/"
    let uriScalars = Array(uri.unicodeScalars)
    if let mark = uriScalars.firstIndex(of: "?") {
        require(identical(request.path, String(String.UnicodeScalarView(uriScalars[..<mark]))), "path is not REQUEST_URI before its first '?': \(uri)")
        require(identical(request.query, String(String.UnicodeScalarView(uriScalars[(mark + 1)...]))), "query is not REQUEST_URI after its first '?': \(uri)")
    } else {
        require(identical(request.path, uri), "path is not REQUEST_URI")
        require(identical(request.query, parameters["QUERY_STRING"] ?? ""), "query is not QUERY_STRING")
    }
    for (name, value) in request.headers {
        require(identical(request.header(name), value), "header '\(name)' cannot be read back by its name")
    }

    // Content-Type: the bare media type.
    if let contentType = request.header("content-type") {
        let scalars = Array(contentType.unicodeScalars)
        let bare = scalars.firstIndex(of: ";").map { scalars[..<$0] } ?? scalars[...]
        require(identical(request.mediaType, trimmedScalars(bare).lowercased()),
                "mediaType '\(request.mediaType ?? "nil")' is not the bare type of '\(contentType)'")
    } else {
        require(request.mediaType == nil, "mediaType without a Content-Type")
    }

    // Authorization: Bearer.
    if let token = request.bearerToken {
        let value = Array(request.header("authorization")!.unicodeScalars.drop { $0 == " " })
        let space = value.firstIndex(of: " ")
        require(space != nil && String(String.UnicodeScalarView(value[..<space!])).lowercased() == "bearer",
                "a bearer token from a header that is not Bearer")
        require(!token.isEmpty && identical(token, trimmedScalars(value[(space! + 1)...])),
                "bearer token '\(token)' is not what follows the scheme")
    }

    // Query and form.
    let query = try? request.queryParameters()
    let reference = try? Parameters(formEncoded: Array(request.query.utf8))
    require(query == reference, "queryParameters() differs from decoding the query")
    do {
        let form = try request.formParameters()
        require(request.mediaType == "application/x-www-form-urlencoded", "a form was read with media type \(request.mediaType ?? "nil")")
        require(form == (try? Parameters(formEncoded: body)), "formParameters() differs from decoding the body")
    } catch .unsupportedMediaType {
        require(request.mediaType != "application/x-www-form-urlencoded", "the form media type was refused")
    } catch {
        require(request.mediaType == "application/x-www-form-urlencoded", "a non-form body was decoded")
    }
    _ = request.cookies
    return 0
}
