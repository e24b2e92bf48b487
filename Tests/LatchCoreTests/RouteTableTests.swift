import Testing
@testable import LatchCore
@testable import LatchPlatform

/// The route tables (`RouteTable`): one per executable, declared once, and nginx's
/// `deploy/nginx/latch-locations.conf` sends each of them exactly their paths.
@Suite struct RouteTableTests {
    static let handler: LatchCore.Handler = { _, _ in .empty() }

    @Test func routesOfOnePathFromSeveralGroupsAreJoined() throws {
        let router = try Router.merging([[LatchCore.Route("/a", ["GET": Self.handler])], [LatchCore.Route("/a", ["POST": Self.handler])]],
                                        errorStyle: RouteTable.errorStyle)
        #expect(router.routes.count == 1)
        #expect(Set(router.routes[0].handlers.keys) == ["GET", "POST"])
    }

    @Test func aMethodDeclaredTwiceForOnePathIsRefused() {
        #expect(throws: RouteTableError(description: "route /a declares GET twice")) {
            try Router.merging([[LatchCore.Route("/a", ["GET": Self.handler])], [LatchCore.Route("/a", ["GET": Self.handler])]],
                               errorStyle: RouteTable.errorStyle)
        }
        #expect(throws: RouteTableError.self) {
            try Router.merging([[LatchCore.Route("/a", ["GET": Self.handler]), LatchCore.Route("/a", ["GET": Self.handler, "PUT": Self.handler])]],
                               errorStyle: RouteTable.errorStyle)
        }
    }

    @Test func onePathUnderTwoSpellingsIsRefused() {
        #expect(throws: RouteTableError(description: "routes /a/{x} and /a/{y} are one path")) {
            try Router.merging([[LatchCore.Route("/a/{x}", ["GET": Self.handler])], [LatchCore.Route("/a/{y}", ["POST": Self.handler])]],
                               errorStyle: RouteTable.errorStyle)
        }
    }

    /// A path each route serves (captures filled in).
    static func sample(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasSuffix("*}") ? "x/y" : segment.hasPrefix("{") ? "x" : String(segment)
        }.joined(separator: "/")
    }

    @Test(arguments: RouteTable.all.map(\.executable))
    func noRouteIsShadowedByAnEarlierOne(_ executable: String) throws {
        let table = try #require(RouteTable.all.first { $0.executable == executable })
        for (index, route) in table.router.routes.enumerated() {
            #expect(table.router.route(for: Self.sample(route.pattern))?.0 == index, "\(route.pattern)")
        }
    }

    @Test func everyExecutableHasItsOwnTable() {
        #expect(Set(RouteTable.all.map(\.executable)) == ["latch-authorize", "latch-tokens", "latch-register", "latch-discovery"])
        #expect(RouteTable.tokens.summary.hasPrefix("Serves DELETE,POST /oauth2/tokens, POST /oauth2/token, "))
    }

    // MARK: nginx

    /// One `location` of latch-locations.conf: `=`, `^~`, `~` or a plain prefix, and the
    /// executable its `fastcgi_pass` names (`latch_tokens` → `latch-tokens`), if any.
    struct Location {
        let modifier: String
        let path: String
        let executable: String?
    }

    static func locations() throws -> [Location] {
        let file = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let text = try #require(Configuration.readSmallFile("/" + file + "/deploy/nginx/latch-locations.conf"))
        // Comments dropped, then words, with `{`, `}` and `;` words of their own.
        let code = text.split(separator: "\n").map { $0.prefix { $0 != "#" } }.joined(separator: "\n")
        var spaced = ""
        for character in code { if "{};".contains(character) { spaced += " \(character) " } else { spaced.append(character) } }
        let words = spaced.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        var result: [Location] = []
        var index = 0
        while index < words.count {
            guard words[index] == "location" else { index += 1; continue }
            var header: [String] = []
            index += 1
            while index < words.count, words[index] != "{" { header.append(words[index]); index += 1 }
            var executable: String?
            while index < words.count, words[index] != "}" {
                if words[index] == "fastcgi_pass", index + 1 < words.count {
                    executable = words[index + 1].split(separator: "_").joined(separator: "-")
                }
                index += 1
            }
            let (modifier, path) = header.count >= 2 ? (header[0], header[1]) : ("", header.first ?? "")
            result.append(Location(modifier: modifier, path: path, executable: executable))
        }
        return result
    }

    /// The location nginx picks for a path: an exact match; else the longest prefix if it is
    /// `^~`; else the first regular expression that matches; else the longest prefix.
    static func location(for path: String, in locations: [Location]) throws -> Location? {
        if let exact = locations.first(where: { $0.modifier == "=" && $0.path == path }) { return exact }
        let prefixes = locations.filter { ($0.modifier == "^~" || $0.modifier == "") && path.hasPrefix($0.path) }
        let longest = prefixes.max { $0.path.count < $1.path.count }
        if let longest, longest.modifier == "^~" { return longest }
        for location in locations where location.modifier == "~" {
            if try Regex(location.path).firstMatch(in: path) != nil { return location }
        }
        return longest
    }

    /// The paths an executable answers: its table's, and its metrics under its own name.
    static func serves(_ table: RouteTable, _ path: String) -> Bool {
        table.router.route(for: path) != nil || path == "/metrics/" + table.executable.dropFirst("latch-".count)
    }

    @Test func nginxSendsEachExecutableOnlyPathsOfItsTable() throws {
        let locations = try Self.locations()
        #expect(locations.count > 10)
        for location in locations {
            guard let executable = location.executable else { continue }
            let table = try #require(RouteTable.all.first { $0.executable == executable }, "\(executable)")
            let samples = table.router.routes.map { Self.sample($0.pattern) }
            switch location.modifier {
            case "=":
                #expect(Self.serves(table, location.path), "nginx sends \(location.path) to \(executable), which does not serve it")
            case "~":
                let regex = try Regex(location.path)
                #expect(samples.contains { $0.firstMatch(of: regex) != nil }, "\(location.path) → \(executable)")
            default:
                #expect(samples.contains { $0.hasPrefix(location.path) }, "\(location.path) → \(executable) serves none of it")
            }
        }
    }

    @Test func nginxSendsEveryRouteOfATableToItsExecutable() throws {
        let locations = try Self.locations()
        for table in RouteTable.all {
            for route in table.router.routes {
                let path = Self.sample(route.pattern)
                let location = try Self.location(for: path, in: locations)
                #expect(location?.executable == table.executable,
                        "\(route.pattern) of \(table.executable) goes to \(location?.executable ?? "no executable")")
            }
            let metrics = "/metrics/" + table.executable.dropFirst("latch-".count)
            #expect(try Self.location(for: metrics, in: locations)?.executable == table.executable, "\(metrics)")
        }
    }
}
