// Resource identifiers (README "Scopes and resources"): `ResourceIdentifier.normalized`, `same`,
// `metadataURL`, `origin`. Fields: two identifiers (split at 0xFF).
//
// Invariants: no crash; a normal form is stable (normalising it again changes no byte), at most
// 2000 bytes, absolute, without a fragment, space or control character; `same` is symmetric and
// agrees with byte equality of the normal forms; a metadata URL, when there is one, is an
// absolute URI without a fragment that contains `/.well-known/oauth-protected-resource`.
import LatchCore

private func checkOne(_ uri: String) {
    guard let normal = ResourceIdentifier.normalized(uri) else { return }
    require(identical(ResourceIdentifier.normalized(normal), normal), "normal form of \(uri.debugDescription) is not stable")
    require(normal.utf8.count <= ResourceIdentifier.maxLength, "normal form longer than the limit")
    require(RedirectURI.isAbsoluteWithoutFragment(normal), "normal form \(normal.debugDescription) is not absolute without fragment")
    require(!normal.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || $0 == "#" }, "space, control or # in a normal form")
    if let metadata = ResourceIdentifier.metadataURL(of: uri) {
        require(RedirectURI.isAbsoluteWithoutFragment(metadata), "metadata URL \(metadata.debugDescription) is not absolute")
        require(metadata.contains("/.well-known/oauth-protected-resource"), "metadata URL without the well-known path")
    }
    _ = ResourceIdentifier.origin(of: uri)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResourceIdentifier(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let fields = fuzzFields(fuzzBytes(data, size)).map(fuzzText)
    let a = fields.first ?? "", b = fields.count > 1 ? fields[1] : a
    checkOne(a)
    checkOne(b)
    let same = ResourceIdentifier.same(a, b)
    require(same == ResourceIdentifier.same(b, a), "same is not symmetric")
    let byBytes = ResourceIdentifier.normalized(a).flatMap { x in ResourceIdentifier.normalized(b).map { identical(x, $0) } } ?? false
    require(same == byBytes, "same disagrees with the normal forms' bytes")
    return 0
}
