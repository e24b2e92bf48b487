// The `Authorization: Basic …` header: `BasicAuthorization.parse` and `headerValue`.
//
// Invariants: no crash; a header that parses names the Basic scheme and decodes, by the
// reference reading (base64, split at the first ':', form-decode both halves), to the same
// username and password; `headerValue` parses back to the same pair; any username and
// password without NUL survive `headerValue` then `parse`, and a NUL in either is refused.
import LatchCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBasicAuthorization(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)

    // The input as a header value.
    let header = fuzzText(bytes)
    if let parsed = try? BasicAuthorization.parse(header) {
        let scalars = Array(header.unicodeScalars.drop { $0 == " " })
        let space = scalars.firstIndex(of: " ")
        require(space != nil && String(String.UnicodeScalarView(scalars[..<space!])).lowercased() == "basic",
                "parse accepted a header that is not Basic")
        let encoded = trimmedScalars(scalars[(space! + 1)...].drop { $0 == " " })
        let raw = Base64.decode(encoded)
        require(raw != nil, "parse accepted credentials that are not base64")
        let colon = raw!.firstIndex(of: UInt8(ascii: ":"))
        require(colon != nil, "parse accepted credentials without ':'")
        require(identical(try? Parameters.decode(raw![..<colon!]), parsed.username), "username differs from the reference reading")
        require(identical(try? Parameters.decode(raw![(colon! + 1)...]), parsed.password), "password differs from the reference reading")
        let again = try? BasicAuthorization.parse(parsed.headerValue)
        require(again != nil && identical(again!.username, parsed.username) && identical(again!.password, parsed.password),
                "headerValue does not parse back to the same credentials")
    }

    // Any username and password round-trip.
    let fields = fuzzFields(bytes).map(fuzzText)
    let username = fields[0]
    let password = fields.count > 1 ? fields[1] : ""
    let value = "Basic " + Base64.encode(Array((Parameters.encode(username) + ":" + Parameters.encode(password)).utf8))
    let roundTrip = try? BasicAuthorization.parse(value)
    if username.utf8.contains(0) || password.utf8.contains(0) {
        require(roundTrip == nil, "credentials holding NUL were accepted")
        return 0
    }
    require(roundTrip != nil && identical(roundTrip!.username, username) && identical(roundTrip!.password, password),
            "credentials do not survive encoding then parsing")
    require(identical(roundTrip!.headerValue, value), "headerValue is not the canonical encoding")

    // Raw (not form-encoded) credentials: never a crash, and a ':' is needed.
    if let raw = try? BasicAuthorization.parse("Basic " + Base64.encode(bytes)) {
        require(bytes.contains(UInt8(ascii: ":")), "credentials without ':' were accepted")
        _ = raw
    }
    return 0
}
