/// Where sign-in may send the browser afterwards (`next`): only a path on this server.
///
/// Refused, so that `/login?next=…` is never an open redirect: anything not starting with
/// one `/` (schemes, `//host`, `/\host`, which browsers read as another host), backslashes
/// anywhere, spaces and control characters (CR/LF would split the `Location` header, and
/// browsers drop tabs and newlines, turning `/\t/host` into `//host`), non-ASCII bytes.
public enum LocalPath {
    public static let home = "/"

    /// `text` when it is a safe local path, else nil.
    public static func validated(_ text: String?) -> String? {
        guard let text else { return nil }
        let bytes = Array(text.utf8)
        guard (1...4096).contains(bytes.count), bytes[0] == UInt8(ascii: "/") else { return nil }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") { return nil }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\\") }) else { return nil }
        return text
    }

    /// `text` when safe, else the home page.
    public static func safe(_ text: String?) -> String { validated(text) ?? home }

    /// The `next` parameter of a form or query: absent, repeated or unsafe all mean home.
    static func next(in parameters: Parameters) -> String {
        safe((try? parameters.single("next")) ?? nil)
    }
}
