/// URLs shown or linked to (logos, home pages, policies): absolute `https` or `http` URLs that
/// `RedirectURI.problem` accepts. Client metadata (registration) and app icons (administration) are checked by it.
public enum WebURL {
    public static func isAcceptable(_ uri: String) -> Bool {
        guard let scheme = RedirectURI.scheme(of: uri), scheme == "https" || scheme == "http" else { return false }
        return RedirectURI.problem(uri) == nil
    }
}
