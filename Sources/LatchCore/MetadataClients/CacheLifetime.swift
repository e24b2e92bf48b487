/// How long a fetched document is cached (README "Client ID Metadata Documents"): the
/// `max-age` of its `Cache-Control` (RFC 9111 §5.2.2.1), the minimum for `no-store` or
/// `no-cache` or when no `max-age` is given, always within `LATCH_CLIENT_METADATA_MIN_CACHE`
/// and `_MAX_CACHE`.
public enum CacheLifetime {
    public static func seconds(cacheControl: String?, minimum: Int, maximum: Int) -> Int {
        guard let cacheControl else { return minimum }
        var maxAge: Int?
        for directive in cacheControl.split(separator: ",") {
            let text = directive.trimmingSpaces().lowercased()
            if text == "no-store" || text == "no-cache" || text.hasPrefix("no-cache=") { return minimum }
            if text.hasPrefix("max-age=") {
                var value = Substring(text.dropFirst("max-age=".count))
                if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = value.dropFirst().dropLast() }
                // A delta-seconds too large for an Int is "infinite" (RFC 9111 §1.2.2): the maximum.
                guard !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) else { return minimum }
                maxAge = Int(value) ?? maximum
            }
        }
        return min(max(maxAge ?? minimum, minimum), maximum)
    }
}
