import Testing
@testable import LatchPlatform

/// The SSRF defences of `HTTPFetcher` that need no traffic: the special-use classifier, URL
/// parsing, and refusals decided before any connection (README "Client ID Metadata Documents").
@Suite struct HTTPFetcherTests {
    static let specialUse = [
        "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254", "127.0.0.1", "127.255.0.9",
        "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.31.196.1", "192.52.193.1",
        "192.88.99.1", "192.168.1.1", "192.175.48.1", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
        "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:8.8.8.8", "::127.0.0.1", "::8.8.8.8",
        "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1", "ff0e::1",
        "64:ff9b::a00:1", "64:ff9b::808:808", "64:ff9b:1::1", "100::1", "2001::1", "2001:1ff::1", "2001:db8::1",
        "2002:c0a8:101::1", "3fff::1", "3fff:fff::1", "4000::1", "::2",
    ]
    static let global = [
        "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.1", "100.63.255.255", "100.128.0.1", "126.255.255.255",
        "128.0.0.1", "169.253.0.1", "172.15.255.255", "172.32.0.1", "192.0.1.1", "192.169.0.1", "198.17.255.255",
        "198.20.0.1", "203.0.114.1", "223.255.255.255",
        "2001:200::1", "2001:4860:4860::8888", "2606:4700::1111", "2a00:1450::1", "3ffe::1", "3fff:1000::1",
    ]

    @Test(arguments: specialUse) func refusesSpecialUse(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(SpecialUseAddress.contains(address))
    }

    @Test(arguments: global) func acceptsGlobal(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(!SpecialUseAddress.contains(address))
    }

    @Test func loopbackForDevelopment() throws {
        #expect(SpecialUseAddress.isLoopback(try #require(IPAddress("127.0.0.1"))))
        #expect(SpecialUseAddress.isLoopback(try #require(IPAddress("::1"))))
        #expect(SpecialUseAddress.isLoopback(try #require(IPAddress("::ffff:127.0.0.2"))))
        #expect(!SpecialUseAddress.isLoopback(try #require(IPAddress("10.0.0.1"))))
        #expect(!SpecialUseAddress.isLoopback(try #require(IPAddress("::127.0.0.1"))))
    }

    @Test func addressText() throws {
        #expect(try #require(IPAddress("[::1]")).hostForm == "[::1]")
        #expect(try #require(IPAddress("::ffff:127.0.0.1")).description == "::ffff:127.0.0.1")
        #expect(IPAddress("example.com") == nil)
    }

    @Test func targets() {
        #expect(HTTPFetcher.target(of: "https://Client.Example.com/app.json")
                == .init(scheme: "https", host: "client.example.com", port: 443))
        #expect(HTTPFetcher.target(of: "https://[::1]:8443/x") == .init(scheme: "https", host: "[::1]", port: 8443))
        #expect(HTTPFetcher.target(of: "https://user:pw@example.com/x") == nil)
        #expect(HTTPFetcher.target(of: "https://[fe80::1%25eth0]/x") == nil)
        #expect(HTTPFetcher.target(of: "not a url") == nil)
    }

    /// A name that resolves to a special-use address (through the injected resolver, so no DNS
    /// and no traffic): refused before any connection, whichever of its addresses is special.
    @Test(arguments: [["10.0.0.1"], ["::ffff:127.0.0.1"], ["93.184.215.14", "192.168.0.10"], ["169.254.169.254"]])
    func refusesNameResolvingToSpecialUse(_ answers: [String]) {
        let fetcher = HTTPFetcher(resolve: { _ in answers.compactMap(IPAddress.init) })
        do {
            _ = try fetcher.get("https://client.example.test/metadata.json")
            Issue.record("fetched")
        } catch {
            #expect(error.code == .refusedAddress)
        }
    }

    @Test func refusesLiteralsAndOtherSchemes() {
        let fetcher = HTTPFetcher(resolve: { _ in Issue.record("a literal is never resolved"); return nil })
        for url in ["https://10.0.0.1/x", "https://[::ffff:127.0.0.1]/x", "https://[::1]/x", "https://127.0.0.1:8443/x"] {
            do {
                _ = try fetcher.vettedAddresses(HTTPFetcher.target(of: url)!)
                Issue.record("\(url) was vetted")
            } catch {
                #expect(error.code == .refusedAddress)
            }
        }
        for url in ["http://93.184.215.14/x", "ftp://93.184.215.14/x", "file:///etc/passwd"] {
            do {
                _ = try fetcher.get(url)
                Issue.record("\(url) was fetched")
            } catch {
                #expect(error.code == .schemeNotAllowed || error.code == .invalidURL)
            }
        }
        let unresolvable = HTTPFetcher(resolve: { _ in nil })
        do { _ = try unresolvable.get("https://nowhere.example.test/x") } catch { #expect(error.code == .unresolvable) }
    }

    /// The system resolver, bounded in time: `localhost` resolves to loopback only; a name that
    /// cannot resolve (RFC 6761 `.invalid`) is nil, within the limit whatever the resolver does.
    @Test func systemResolver() {
        let local = IPAddress.resolve("localhost") ?? []
        #expect(!local.isEmpty && local.allSatisfy(SpecialUseAddress.isLoopback))
        #expect(IPAddress.resolve("no-such-host.invalid", timeoutMilliseconds: 500) == nil)
    }

    @Test func jsonMediaTypes() {
        #expect(HTTPFetcher.isJSON("application/json"))
        #expect(HTTPFetcher.isJSON("Application/JSON; charset=utf-8"))
        #expect(HTTPFetcher.isJSON("application/jwk-set+json"))
        #expect(!HTTPFetcher.isJSON("text/html"))
        #expect(!HTTPFetcher.isJSON("text/json+x"))
        #expect(!HTTPFetcher.isJSON(nil))
    }
}
