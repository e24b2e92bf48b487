extension Request {
    /// The body as one strict JSON object (RFC 8259: valid UTF-8, no duplicate keys, no trailing
    /// data). The media type must be `application/json`; otherwise, and for anything that is not a
    /// JSON object, the error is a 400 with `code` (e.g. `invalid_client_metadata`).
    public func jsonObject(invalid code: OAuthError.Code) throws(OAuthError) -> [(String, JSON)] {
        guard mediaType == "application/json" else {
            throw OAuthError.invalidRequest("the request body must be application/json")
        }
        let value: JSON
        do {
            value = try JSON.parse(body)
        } catch {
            throw OAuthError(code, "the body is not valid JSON: \(error.message)")
        }
        guard let members = value.objectValue else { throw OAuthError(code, "the body must be a JSON object") }
        return members
    }
}
