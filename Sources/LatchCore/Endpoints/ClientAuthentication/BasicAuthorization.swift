/// `Authorization: Basic base64(client_id:client_secret)`, where both parts are
/// form-urlencoded first (RFC 6749 §2.3.1).
public struct BasicAuthorization: Sendable, Equatable {
    public let username: String
    public let password: String

    /// nil when the header is not Basic at all; throws when it is Basic but malformed.
    public static func parse(_ header: String?) throws(HTTPError) -> BasicAuthorization? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { return nil }
        guard let decoded = Base64.decode(parts[1].trimmingSpaces()) else {
            throw HTTPError.malformed("malformed Basic authorization header")
        }
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
            throw HTTPError.malformed("malformed Basic authorization header")
        }
        let username = try Parameters.decode(decoded[..<colon])
        let password = try Parameters.decode(decoded[(colon + 1)...])
        return BasicAuthorization(username: username, password: password)
    }

    public var headerValue: String {
        "Basic " + Base64.encode(Array((Parameters.encode(username) + ":" + Parameters.encode(password)).utf8))
    }
}
