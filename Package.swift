// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "latch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "latch-authorize", targets: ["latch-authorize"]),
        .executable(name: "latch-tokens", targets: ["latch-tokens"]),
        .executable(name: "latch-register", targets: ["latch-register"]),
        .executable(name: "latch-discovery", targets: ["latch-discovery"]),
        .executable(name: "latchctl", targets: ["latchctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CFastCGI", path: "Sources/CFastCGI", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // libcurl (OpenSSL flavour): the outbound HTTPS client of HTTPClient/HTTPFetcher.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // getaddrinfo with a time limit (glibc's getaddrinfo_a), for HTTPClient/HTTPFetcher.
        .systemLibrary(name: "CResolver", path: "Sources/CResolver"),
        // The platform: FastCGI, HTTP (and the outbound HTTPClient), Postgres, Crypto, HTML, Metrics and the log; it knows no
        // OAuth concept, and the compiler keeps it so (it cannot see LatchCore). Release builds
        // serialize its function bodies for the core (cross-module optimization), so that the
        // request path is inlined and specialized across the boundary as it was within one
        // module: without it, introspection and the gate measured 12-13 % slower.
        .target(name: "LatchPlatform", dependencies: ["CFastCGI", "CPostgres", "CCrypto", "CCurl", "CResolver"],
                swiftSettings: [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]),
        // latch itself: endpoints, storage, configuration, route tables.
        .target(name: "LatchCore", dependencies: ["LatchPlatform"]),
        .executableTarget(name: "latch-authorize", dependencies: ["LatchCore"]),
        .executableTarget(name: "latch-tokens", dependencies: ["LatchCore"]),
        .executableTarget(name: "latch-register", dependencies: ["LatchCore"]),
        .executableTarget(name: "latch-discovery", dependencies: ["LatchCore"]),
        .executableTarget(name: "latchctl", dependencies: [
            "LatchCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "LatchCoreTests", dependencies: ["LatchCore", "LatchPlatform"]),
    ]
)
