/// `prompt` (OpenID Connect Core §3.1.2.1; README "The authorization endpoint" steps 1, 3 and 5):
/// space-separated values latch knows — `none` (answer without any page: `login_required`
/// when nobody is signed in, `consent_required` when consent is not remembered), `consent`
/// (always ask, even when consent is remembered) and `login` (ask for the password again: the
/// sign-in page, `/login?next=…&reauthenticate=1`, shows its form even to someone signed in,
/// and sends the browser back to this request without `login`). Any other value, or `none`
/// with anything else, is `invalid_request`. `max_age` (Core §3.1.2.1): a sign-in older than
/// that many seconds counts as none — the password is asked again as for `login` (with `none`:
/// `login_required`); not a whole number of seconds is `invalid_request`.
struct Prompt: Equatable {
    static let known: Set<String> = ["none", "consent", "login"]

    var none = false
    var consent = false
    var login = false
    /// `max_age`, seconds.
    var maxAge: Int?

    init(_ parameters: Parameters) throws {
        if let text = try parameters.single("max_age") {
            guard text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let seconds = Int(text) else {
                throw OAuthError.invalidRequest("max_age must be a whole number of seconds")
            }
            maxAge = seconds
        }
        guard let text = try parameters.single("prompt") else { return }
        let values = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !values.isEmpty else { throw OAuthError.invalidRequest("prompt must not be empty") }
        for value in values where !Prompt.known.contains(value) {
            throw OAuthError.invalidRequest("prompt value '\(value)' is not supported; use none, consent or login")
        }
        none = values.contains("none")
        consent = values.contains("consent")
        login = values.contains("login")
        if none && values.contains(where: { $0 != "none" }) {
            throw OAuthError.invalidRequest("prompt=none cannot be combined with other values")
        }
    }

    /// Whether the person must sign in again before going on: `prompt=login`, or a sign-in
    /// (at `signedInAt`) older than `max_age` at `now` (`max_age=0`: always, as `login`).
    func needsFreshSignIn(signedInAt: Int, now: Int) -> Bool {
        login || maxAge.map { $0 == 0 || now - signedInAt > $0 } == true
    }

    /// The request's path and query with `login` taken out of `prompt` and without `max_age`:
    /// where sign-in sends the browser back to, so that the fresh sign-in is not asked for a
    /// second time (`max_age=0` would ask forever).
    static func afterSignIn(_ request: Request, _ parameters: Parameters) -> String {
        var pairs: [(String, String)] = []
        for pair in parameters.pairs {
            if pair.name == "max_age" { continue }
            guard pair.name == "prompt" else { pairs.append((pair.name, pair.value)); continue }
            let rest = pair.value.split(separator: " ", omittingEmptySubsequences: true).filter { $0 != "login" }
            if !rest.isEmpty { pairs.append(("prompt", rest.joined(separator: " "))) }
        }
        return LocalPath.safe(pairs.isEmpty ? request.path : request.path + "?" + Parameters.encode(pairs))
    }

    /// `/login` asking for the password again, then back to `next`.
    static func reauthenticateURL(next: String) -> String {
        "/login?" + Parameters.encode([("next", next), ("reauthenticate", "1")])
    }

    /// Whether the request's query asks for `prompt=login` (read before the rest is checked).
    static func asksForLogin(_ request: Request) -> Parameters? {
        guard let parameters = try? request.queryParameters(), let text = (try? parameters.single("prompt")) ?? nil,
              text.split(separator: " ").contains("login") else { return nil }
        return parameters
    }

    /// Whether the request asks for `prompt=none`, read before anything else is checked (so
    /// that a signed-out request with it runs steps 2–3 instead of going to sign-in). A request
    /// whose query cannot be read does not.
    static func asksForNone(_ request: Request) -> Bool {
        guard let parameters = try? request.queryParameters(), let text = (try? parameters.single("prompt")) ?? nil else { return false }
        return text.split(separator: " ").contains("none")
    }
}
