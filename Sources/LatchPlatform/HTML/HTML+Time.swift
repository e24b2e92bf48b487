extension HTML {
    /// A moment as pages show it: `<time datetime="2026-11-23T18:06:32Z">2026-11-23 18:06 UTC</time>`.
    public static func time(_ epoch: Int) -> HTML {
        let iso = EpochTime.iso8601(epoch)
        let shown = String(iso.prefix(16)).replacing("T", with: " ") + " UTC"
        return "<time datetime=\"\(iso)\">\(shown)</time>"
    }

    /// Only the day, for narrow table cells; the full time is the element's title.
    public static func date(_ epoch: Int) -> HTML {
        let iso = EpochTime.iso8601(epoch)
        let full = String(iso.prefix(16)).replacing("T", with: " ") + " UTC"
        return "<time datetime=\"\(iso)\" title=\"\(full)\">\(String(iso.prefix(10)))</time>"
    }

    /// `time(epoch)`, or `never` when there is none.
    public static func time(_ epoch: Int?, never: String) -> HTML {
        guard let epoch else { return "<span class=\"muted\">\(never)</span>" }
        return time(epoch)
    }
}
