/// The pgbench scripts of `bench/sql/` that measure latch's token statements, rendered from
/// the very builders the stores execute (`TokenStore.rotationStatement`, …), so the bench runs
/// what the product sends (`latchctl debug bench-sql --write bench/sql` writes them; a unit
/// test fails when the checked-in copies differ).
///
/// Each builder is called with marker values — freshly minted credentials, marker strings and
/// numbers no statement holds otherwise — and every bind is then replaced by the pgbench
/// expression the bench needs for that marker: a variable the harness defines (`:client`,
/// `:actor`, …, `bench/harness/path.py` `pgbench_defines`), a value derived from the counter
/// `:n` that matches the rows the `*.data.sql` scripts created, or a literal. A bind whose
/// value is not one of the markers (a constant of the statement, such as an audit event name)
/// becomes a literal (a number bare, text quoted); NULL becomes `NULL`.
public enum BenchScripts {
    /// A script's file name in `bench/sql/` and its text.
    public struct Script: Sendable {
        public let file: String
        public let text: String
    }

    /// Every generated script, by file name.
    public static func all() -> [Script] {
        [refresh(), exchange(), clientCredentials(), introspect(), check(), userinfo()]
    }

    // MARK: The scripts

    static func refresh() -> Script {
        let presented = Credential.mint(.refreshToken), access = Credential.mint(.accessToken),
            refresh = Credential.mint(.refreshToken)
        let request = RefreshRequest(presented: presented, clientID: Marker.client, scope: nil, resource: nil, own: Marker.own)
        let sql = TokenStore.rotationStatement(request, by: Marker.proof().onlyIfVerified(), access: access, refresh: refresh,
                                               accessLifetime: Marker.accessLifetime, refreshLifetime: Marker.refreshLifetime,
                                               audit: Marker.audit)
        return script("refresh.sql", """
            POST /oauth2/tokens, grant_type=refresh_token (rotation, client_secret_basic), as latch sends it when the
            rotation succeeds: ONE statement (TokenStore.rotationStatement, from RefreshTokenGrant.act), autocommitted. The
            request names no scope and no resource (NULL). pgbench derives the per-request values from a counter :n over the
            pool refresh.data.sql created.
            """, sets: counter, sql, Marker.common + [
            ] + made(presented, id: "'b' || lpad(to_hex(:n::bigint), 15, '0')", hash: "sha256(int8send(:n::bigint))")
              + made(refresh, id: "substr(md5('rr' || :n::bigint), 1, 16)", hash: "sha256(int8send(-:n::bigint))")
              + made(access, id: "substr(md5('ra' || :n::bigint), 1, 16)", hash: "sha256(int8send(:n::bigint + 1))"))
    }

    static func exchange() -> Script {
        let code = Credential.mint(.authorizationCode), access = Credential.mint(.accessToken),
            refresh = Credential.mint(.refreshToken)
        let redemption = CodeRedemption(codeChallenge: Marker.challenge, redirectURI: Marker.redirectURI, resource: nil,
                                        own: Marker.own)
        let sql = AuthorizationCodeStore.redemptionStatement(
            code, redemption, by: Marker.proof().onlyIfVerified(), grantID: Marker.grantID, access: access, refresh: refresh,
            accessLifetime: Marker.accessLifetime, refreshLifetime: Marker.refreshLifetime,
            grantLifetime: Marker.grantLifetime, audit: Marker.audit)
        return script("exchange.sql", """
            POST /oauth2/tokens, grant_type=authorization_code (client_secret_basic, PKCE S256, redirect_uri repeated), as
            latch sends it when the code is redeemed: ONE statement (AuthorizationCodeStore.redemptionStatement, from
            AuthorizationCodeGrant.act), autocommitted. pgbench derives the per-request values from a counter :n over the
            pool exchange.data.sql created.
            """, sets: counter, sql, Marker.common + [
                (.text(Marker.grantID), "'g_' || substr(md5('xg' || :n::bigint), 1, 24)"),
            ] + made(code, id: "lpad(to_hex(:n::bigint), 16, '0')", hash: "sha256(int8send(:n::bigint))")
              + made(refresh, id: "substr(md5('xr' || :n::bigint), 1, 16)", hash: "sha256(int8send(-:n::bigint))")
              + made(access, id: "substr(md5('xa' || :n::bigint), 1, 16)", hash: "sha256(int8send(:n::bigint + 1))"))
    }

    static func clientCredentials() -> Script {
        let access = Credential.mint(.accessToken)
        let sql = TokenStore.clientTokenStatement(
            by: Marker.proof().onlyIfVerified(), requested: [Marker.scope], audience: Marker.own, own: Marker.own, access: access,
            grantID: Marker.grantID, accessLifetime: Marker.accessLifetime, grantLifetime: Marker.grantLifetime,
            audit: Marker.audit)
        return script("client_credentials.sql", """
            POST /oauth2/tokens, grant_type=client_credentials (client_secret_basic, scope=bench:read, no resource: latch's
            own API, 'own' here), as latch sends it: ONE statement (TokenStore.clientTokenStatement, from
            ClientCredentialsGrant.act), autocommitted. pgbench derives the new ids from a counter :n.
            """, sets: counter, sql, Marker.common + [
                (TextArray([Marker.scope]).sqlValue, "ARRAY[:scope]"),
                (.text(Marker.grantID), "'g_' || substr(md5('cg' || :n::bigint), 1, 24)"),
            ] + made(access, id: "substr(md5('ca' || :n::bigint), 1, 16)", hash: "sha256(int8send(:n::bigint))"))
    }

    static func introspect() -> Script {
        let token = Credential.mint(.accessToken)
        let sql = TokenStore.lookupStatement(PresentedToken(token), askedBy: Marker.proof(limited: false).onlyIfVerified())
        return script("introspect.sql", """
            POST /oauth2/introspect (client_secret_basic, an active access token), as latch sends it: ONE statement
            (TokenStore.lookupStatement, from IntrospectionEndpoint) that authenticates the client and looks the token up;
            latch compares the token's stored hash in constant time. pgbench picks a token of the pool check.data.sql
            created at random.
            """, sets: pick, sql, Marker.common + tokenLookup(token))
    }

    static func check() -> Script {
        let token = Credential.mint(.accessToken)
        return script("check.sql", """
            GET /oauth2/check (Bearer, an active access token), as latch sends it: ONE statement (TokenStore.liveLookup,
            from TokenStore.live), the token's row with its client's verified flag. pgbench picks a token of the pool
            check.data.sql created at random.
            """, sets: pick, TokenStore.liveLookup(PresentedToken(token)), tokenLookup(token))
    }

    static func userinfo() -> Script {
        let token = Credential.mint(.accessToken)
        return script("userinfo.sql", """
            GET /oauth2/userinfo (Bearer, an active access token with openid), as latch sends it: ONE statement
            (TokenStore.userInfoStatement, from UserInfoEndpoint): the gate's token lookup and the person's row. pgbench picks
            a token of the pool check.data.sql created at random.
            """, sets: pick, TokenStore.userInfoStatement(PresentedToken(token)), tokenLookup(token))
    }

    /// A credential's lookup id and secret digest, as the rows of the `*.data.sql` scripts hold them.
    static func made(_ credential: Credential, id: String, hash: String) -> [(SQLValue, String)] {
        [(.text(credential.id), id), (.bytes(credential.secretHash), hash)]
    }

    static func tokenLookup(_ token: Credential) -> [(SQLValue, String)] {
        [(.text(token.id), "'c' || lpad(to_hex(:n::bigint), 15, '0')"), (.text("access"), ":token_kind")]
    }

    static let counter = "\\set seq :seq + 1\n\\set n :client_id * :stride + :base + :seq"
    static let pick = "\\set n random(1, :pool)"

    // MARK: Markers

    /// Values no statement holds but where the builder puts them.
    enum Marker {
        static let client = "bench-marker-client"
        static let secret = Credential.mint(.clientSecret)
        static let own = "https://bench-marker.invalid/own"
        static let scope = "bench-marker-scope"
        static let challenge = "bench-marker-challenge"
        static let redirectURI = "https://bench-marker.invalid/callback"
        static let grantID = "bench-marker-grant"
        static let accessLifetime = 1_000_001
        static let refreshLifetime = 1_000_002
        /// `LATCH_GRANT_MAX_LIFETIME`'s default, a literal in the scripts.
        static let grantLifetime = 7_776_000
        /// `LATCH_UNVERIFIED_TOKEN_RATE_LIMIT`'s default, a literal in the scripts.
        static let tokenLimit = 120
        static let actor = "bench-marker-actor"
        static let address = "bench-marker-address"
        static let audit = AuditSource(actor: actor, address: address)

        /// A client_secret_basic client, authenticated by the statement (as the bench's requests are).
        static func proof(limited: Bool = true) -> ClientProof {
            ClientProof(clientID: client, method: "client_secret_basic", secret: secret.value,
                        unverifiedTokensPerMinute: limited ? tokenLimit : nil)!
        }

        /// What every script binds alike.
        static let common: [(SQLValue, String)] = [
            (.text(client), ":client"),
            (.text(secret.id), ":secret_id"),
            (.bytes(secret.secretHash), "decode(:secret_hash, 'hex')"),
            (.text(own), "'own'"),
            (.text(challenge), ":challenge"),
            (.text(redirectURI), ":redirect_uri"),
            (.text(String(accessLifetime)), ":access_lifetime"),
            (.text(String(refreshLifetime)), ":refresh_lifetime"),
            (.text(actor), ":actor"),
            (.text(address), ":address"),
        ]
    }

    // MARK: Rendering

    static func script(_ file: String, _ about: String, sets: String, _ sql: SQL, _ expressions: [(SQLValue, String)]) -> Script {
        let header = ("pgbench: " + about).split(separator: "\n").map { "-- " + $0 }.joined(separator: "\n")
        let text = """
            \(header)
            --
            -- Generated from the product's statement by `latchctl debug bench-sql --write bench/sql`: do not edit
            -- (Tests/LatchCoreTests/BenchScriptsTests.swift fails when this file differs from what latch sends).
            \(sets)
            \(render(sql, expressions));

            """
        return Script(file: file, text: text)
    }

    /// `sql`'s text with each `$n` replaced by the expression for its bind's value.
    static func render(_ sql: SQL, _ expressions: [(SQLValue, String)]) -> String {
        var output = ""
        var scanner = sql.text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scanner.next()
        while let scalar = pending {
            pending = scanner.next()
            guard scalar == "$", let first = pending, ("0"..."9").contains(first) else {
                output.unicodeScalars.append(scalar)
                continue
            }
            var number = 0
            while let digit = pending, ("0"..."9").contains(digit) {
                number = number * 10 + Int(digit.value - 48)
                pending = scanner.next()
            }
            output += expression(for: sql.binds[number - 1], expressions)
        }
        // Trailing spaces (an empty optional fragment) are not kept.
        return output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
    }

    static func expression(for value: SQLValue, _ expressions: [(SQLValue, String)]) -> String {
        if let (_, expression) = expressions.first(where: { $0.0 == value }) { return expression }
        switch value {
        case .null: return "NULL"
        case .text(let text) where !text.isEmpty && text.utf8.allSatisfy({ (48...57).contains($0) }): return text
        case .text(let text): return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        case .bytes: preconditionFailure("a byte bind without a bench expression")
        }
    }
}
