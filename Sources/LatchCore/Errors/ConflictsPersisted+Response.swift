extension ConflictsPersisted: ResponseError {
    /// `503 temporarily_unavailable` with `Retry-After`: the database asked the request to try
    /// again. The SQLSTATE behind it goes to the log (`cause`), never to the client.
    public func response(for request: Request) -> Response { OAuthError.temporarilyUnavailable.response }

    public var cause: (any Error & Sendable)? { lastFailure }
}
