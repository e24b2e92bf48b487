/// An app's icon on a page (consent, "Your apps", the console): the image when it is an https
/// URL (the CSP allows only https and data images), else the first letter of its name.
public enum AppIcon {
    public static func html(name: String, icon: String?) -> HTML {
        if let icon, icon.hasPrefix("https://"), RedirectURI.problem(icon) == nil {
            return "<img src=\"\(icon)\" alt=\"\">"
        }
        let letter = name.first.map { String($0).uppercased() } ?? "?"
        return "<span class=\"letter\" aria-hidden=\"true\">\(letter)</span>"
    }
}
