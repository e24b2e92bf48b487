/// The rule for an app's display name, shared by every door a name comes through
/// (registration, the management API, the console, `latchctl`; README "The client trust model"): 1–100 Unicode scalars, no control (Cc), format (Cf — bidi overrides, isolates,
/// zero-width joiners and the like) or other bidi-control characters, and at most two
/// combining marks in a row. Names are counted in scalars, not graphemes: a grapheme can
/// hold thousands of scalars ("Zalgo" text), which is how a 6,010-scalar name passed before.
/// The failure is `invalid_client_metadata`.
public enum ClientName {
    public static let maxScalars = 100
    public static let maxCombiningRun = 2

    /// nil when `name` may be used, else why not.
    public static func problem(_ name: String) -> String? {
        let count = name.unicodeScalars.count
        guard count >= 1 else { return "the name must not be empty" }
        guard count <= maxScalars else { return "the name is longer than \(maxScalars) characters (Unicode scalars)" }
        var combiningRun = 0
        for scalar in name.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control:
                return "the name contains a control character (U+\(hex(scalar)))"
            case .format:
                return "the name contains an invisible formatting or direction character (U+\(hex(scalar)))"
            case .nonspacingMark, .spacingMark, .enclosingMark:
                combiningRun += 1
                if combiningRun > maxCombiningRun {
                    return "the name has more than \(maxCombiningRun) combining marks in a row"
                }
            default:
                if scalar.properties.isBidiControl {
                    return "the name contains a direction character (U+\(hex(scalar)))"
                }
                combiningRun = 0
            }
        }
        return nil
    }

    /// `name` when it is acceptable, else `invalid_client_metadata` naming the field.
    public static func checked(_ name: String, field: String) throws(OAuthError) -> String {
        if let problem = problem(name) { throw OAuthError(.invalidClientMetadata, "\(field): \(problem)") }
        return name
    }

    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
