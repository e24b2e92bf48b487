/// Why a JOSE object or key was refused; `message` names the rule (never key material), so it
/// may be logged and, where the caller decides, shown to the party that sent the object.
public struct JOSEError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
