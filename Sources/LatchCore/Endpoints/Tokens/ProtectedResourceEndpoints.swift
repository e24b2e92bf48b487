/// `GET /api/v2/users/me` and `GET /oauth2/check` (nginx `auth_request`).
public enum ProtectedResourceEndpoints {
    public static let routes: [Route] = [
        Route("/api/v2/users/me", ["GET": { request, context in try me(request, context) }]),
        Route("/oauth2/check", ["GET": { request, context in try check(request, context) }]),
    ]

    static func me(_ request: Request, _ context: Context) throws -> Response {
        let token = try BearerAuthentication.require(request, context: context)
        guard let userID = token.userID, let username = token.username else {
            // A client_credentials token acts for the client, not for a person.
            throw OAuthError(.invalidToken, "this token does not act for a user", status: 403,
                             headers: [("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")])
        }
        return .noStoreJSON(["id": .integer(userID), "username": .string(username)])
    }

    /// 204 with who the token acts for, for nginx to pass upstream; 401 otherwise.
    static func check(_ request: Request, _ context: Context) throws -> Response {
        let token = try BearerAuthentication.require(request, context: context)
        var headers: [(String, String)] = [("Cache-Control", "no-store")]
        if let username = token.username, let userID = token.userID {
            headers.append(("X-Latch-User", HeaderValue.sanitized(username)))
            headers.append(("X-Latch-User-Id", String(userID)))
        }
        headers.append(("X-Latch-Client", token.clientID))
        headers.append(("X-Latch-Scope", token.scope))
        return .empty(204, headers: headers)
    }
}

enum HeaderValue {
    /// Usernames are free text: keep header values to visible ASCII by percent-encoding the rest.
    static func sanitized(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "%") { out.unicodeScalars.append(Unicode.Scalar(byte)) }
            else { out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
        }
        return out
    }
}
