extension RateLimiter {
    /// The refusal for a window that is full: `429 rate_limited` with `Retry-After`.
    public static func tooMany(retryAfter: Int, _ description: String) -> OAuthError {
        OAuthError(.rateLimited, description, status: 429, headers: [("Retry-After", String(retryAfter))])
    }
}
