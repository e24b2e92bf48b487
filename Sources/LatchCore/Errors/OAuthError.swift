/// An OAuth error response (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 6750 §3.1).
///
/// `description` goes to the client as `error_description`: it never carries internal
/// detail (SQL, stack traces); that is its `cause`, which goes to the log only.
public struct OAuthError: ResponseError, Sendable, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let invalidRequest = Code(rawValue: "invalid_request")
        public static let invalidClient = Code(rawValue: "invalid_client")
        public static let invalidGrant = Code(rawValue: "invalid_grant")
        public static let unauthorizedClient = Code(rawValue: "unauthorized_client")
        public static let unsupportedGrantType = Code(rawValue: "unsupported_grant_type")
        public static let unsupportedResponseType = Code(rawValue: "unsupported_response_type")
        public static let invalidScope = Code(rawValue: "invalid_scope")
        public static let invalidTarget = Code(rawValue: "invalid_target")
        public static let accessDenied = Code(rawValue: "access_denied")
        public static let invalidToken = Code(rawValue: "invalid_token")
        public static let insufficientScope = Code(rawValue: "insufficient_scope")
        public static let invalidRedirectURI = Code(rawValue: "invalid_redirect_uri")
        public static let invalidClientMetadata = Code(rawValue: "invalid_client_metadata")
        /// OpenID Connect Core §3.1.2.6, for `prompt=none`.
        public static let loginRequired = Code(rawValue: "login_required")
        public static let consentRequired = Code(rawValue: "consent_required")
        public static let serverError = Code(rawValue: "server_error")
        public static let temporarilyUnavailable = Code(rawValue: "temporarily_unavailable")
        public static let notFound = Code(rawValue: "not_found")
        public static let methodNotAllowed = Code(rawValue: "method_not_allowed")
        public static let rateLimited = Code(rawValue: "rate_limited")
        public static let forbidden = Code(rawValue: "forbidden")

        /// The codes the metrics count by name (RFC 6749, 6750, 7009, 7591, 8707 and latch's
        /// own); any other is counted as `other`, so the table stays bounded.
        public static let counted: [String] = [
            "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type",
            "invalid_scope", "access_denied", "unsupported_response_type", "server_error", "temporarily_unavailable",
            "invalid_token", "insufficient_scope", "unsupported_token_type", "invalid_redirect_uri",
            "invalid_client_metadata", "invalid_software_statement", "unapproved_software_statement", "invalid_target",
            "login_required", "consent_required", "interaction_required",
            "not_found", "method_not_allowed", "rate_limited", "forbidden",
        ]
    }

    public var code: Code
    public var description: String
    public var status: Int
    public var headers: [(String, String)]
    /// What caused it (e.g. the `DatabaseError` behind a `503`): logged, never sent.
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ description: String, status: Int = 400, headers: [(String, String)] = []) {
        self.code = code
        self.description = description
        self.status = status
        self.headers = headers
    }

    public static func == (a: OAuthError, b: OAuthError) -> Bool {
        a.code == b.code && a.description == b.description && a.status == b.status
    }

    public static func invalidRequest(_ why: String) -> OAuthError { OAuthError(.invalidRequest, why) }
    public static func invalidGrant(_ why: String) -> OAuthError { OAuthError(.invalidGrant, why) }
    public static func invalidScope(_ why: String) -> OAuthError { OAuthError(.invalidScope, why) }
    public static func invalidClient(_ why: String = "client authentication failed") -> OAuthError {
        OAuthError(.invalidClient, why, status: 401, headers: [("WWW-Authenticate", "Basic realm=\"latch\"")])
    }
    public static func notFound(_ why: String = "no such resource") -> OAuthError { OAuthError(.notFound, why, status: 404) }
    public static func forbidden(_ why: String) -> OAuthError { OAuthError(.forbidden, why, status: 403) }
    public static let serverError = OAuthError(.serverError, "the server could not complete the request", status: 500)
    public static let temporarilyUnavailable = OAuthError(.temporarilyUnavailable, "the service is temporarily unavailable; try again shortly",
                                                          status: 503, headers: [("Retry-After", "1")])

    /// This error, remembering what caused it (for the log).
    public func causedBy(_ cause: any Error & Sendable) -> OAuthError {
        var error = self
        error.cause = cause
        return error
    }

    public var json: JSON { ["error": .string(code.rawValue), "error_description": .string(description)] }

    /// JSON error response, never cached.
    public var response: Response {
        var response = Response.noStoreJSON(json, status: status)
        for (name, value) in headers { response.setHeader(name, value) }
        response.logErrorCode = code.rawValue
        return response
    }

    public func response(for request: Request) -> Response { response }

    /// Turns a failure of the request layer into the OAuth error a client can act on.
    public init(_ error: HTTPError) {
        switch error {
        case .notFound: self = .notFound(error.description)
        case .methodNotAllowed: self.init(.methodNotAllowed, error.description, status: 405, headers: error.headers)
        case .unavailable: self = .temporarilyUnavailable
        case .internalError: self = .serverError
        default: self.init(.invalidRequest, error.description, status: error.status)
        }
    }
}
