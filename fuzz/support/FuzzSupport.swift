// Shared by every fuzz target (compiled into each one by fuzz/run): turning libFuzzer's
// bytes into the values a target needs, and stopping loudly when an invariant breaks.
//
// A broken invariant calls `fatalError`, which traps: libFuzzer reports a crash, saves the
// input as `crash-…` and the message names the invariant.

/// The raw input as an array (libFuzzer may pass a null pointer for the empty input).
func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Splits the input into fields at 0xFF, a byte that never occurs in UTF-8, so text fields
/// stay what the fuzzer wrote and seed files remain readable.
func fuzzFields(_ bytes: [UInt8]) -> [[UInt8]] {
    bytes.split(separator: 0xFF, omittingEmptySubsequences: false).map(Array.init)
}

/// Text the way the FastCGI layer makes it (`String(cString:)`): invalid UTF-8 repaired.
func fuzzText(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// Stops the run when `condition` is false; `message` says which invariant broke.
func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("fuzz invariant violated: \(message())", file: file, line: line) }
}

/// Byte-exact string equality (Swift's `==` treats canonically equivalent strings as equal).
func identical(_ a: String?, _ b: String?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return x.utf8.elementsEqual(y.utf8)
    default: return false
    }
}

/// A reader of structured values: one byte at a time from the front, zero when exhausted.
struct FuzzReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    var isEmpty: Bool { bytes.isEmpty }

    mutating func byte() -> UInt8 { bytes.popFirst() ?? 0 }

    mutating func bytes(_ count: Int) -> [UInt8] {
        let taken = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return Array(taken)
    }

    mutating func uint64() -> UInt64 {
        bytes(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A string of at most `maxBytes` bytes, its length read first.
    mutating func text(maxBytes: Int = 32) -> String {
        fuzzText(bytes(Int(byte()) % (maxBytes + 1)))
    }
}

extension Unicode.Scalar {
    var isSpaceOrTab: Bool { self == " " || self == "\t" }
}

/// Space and tab trimmed from both ends, scalar by scalar.
func trimmedScalars(_ scalars: some Collection<Unicode.Scalar>) -> String {
    var view = String.UnicodeScalarView(scalars)[...]
    while let first = view.first, first.isSpaceOrTab { view.removeFirst() }
    while let last = view.last, last.isSpaceOrTab { view.removeLast() }
    return String(String.UnicodeScalarView(view))
}
