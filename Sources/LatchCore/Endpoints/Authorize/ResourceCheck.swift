/// Authorize step 3c: `resource` (RFC 8707), optional; when given an absolute URI without a
/// fragment. It is stored with the code and becomes the token's audience.
enum ResourceCheck {
    static func resource(in parameters: Parameters) throws -> String? {
        guard parameters.contains("resource") else { return nil }
        guard let resource = try parameters.single("resource"), resource.utf8.count <= 2000,
              RedirectURI.isAbsoluteWithoutFragment(resource) else {
            throw OAuthError.invalidRequest("resource must be an absolute URI without a fragment")
        }
        return resource
    }
}
