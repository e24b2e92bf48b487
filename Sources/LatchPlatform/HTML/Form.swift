/// Pieces of the server-rendered forms.
public enum Form {
    /// `<input type="hidden">` with an escaped value.
    public static func hidden(_ name: String, _ value: String) -> HTML {
        "<input type=\"hidden\" name=\"\(name)\" value=\"\(value)\">"
    }

    /// The CSRF field every state-changing form carries (`csrf_token`).
    public static func csrf(_ token: String) -> HTML { hidden("csrf_token", token) }
}
