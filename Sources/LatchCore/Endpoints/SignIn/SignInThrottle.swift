/// Sign-in throttling (SECURITY.md "Threats: the FastCGI trust boundary and sign-in", NIST SP 800-63B §5.2.2), counted in PostgreSQL so
/// that every worker on every host shares it:
///
/// - **Per account**, consecutive failures across minutes (`signin_throttle`, migration 005):
///   the first 4 are free, then each failure makes the account wait 1 s, 2 s, 4 s … up to an
///   hour, and from the 100th on 24 hours (or until an admin runs `latchctl user unlock`). A
///   success resets the count.
/// - **The owner's address apart**: the address (IPv6: /64) of the account's last successful
///   sign-in keeps its own count and wait, so a burst against the account from elsewhere
///   never locks its owner out of where they last signed in.
/// - **Per source address** (IPv6: its /64): `LATCH_SIGNIN_FAILURE_LIMIT` failures a minute
///   (`rate_limits`), whatever accounts they try.
///
/// An attempt is counted as a failure *before* the password is checked (one statement claims
/// it, so concurrent guesses cannot slip past while the hash is computed); a success takes it
/// back. While a wait lasts the password is not checked at all: the right one is refused
/// exactly like a wrong one, same status, same page (no oracle).
///
/// The counting statements are `SignInThrottleStore`'s (Storage); the rules are here.
///
/// Accounts are named in the table by HMAC-SHA256 of the typed name under a per-deployment
/// random key (`signin_key`): people type passwords into the username field.
struct SignInThrottle {
    let database: Database
    /// Failed sign-ins a minute per source address.
    let addressLimit: Int

    init(database: Database, addressLimit: Int) {
        self.database = database
        self.addressLimit = addressLimit
    }

    static func addressBucket(_ address: String) -> String { "signin-addr:" + SourceAddress.bucket(address) }

    /// Claims an attempt for `username` from `address`: nil when it may go on (it counts as a
    /// failure until `succeeded`), else the seconds to wait.
    func attempt(username: String, address: String) throws -> Int? {
        if let wait = try RateLimiter(database: database).hit(SignInThrottle.addressBucket(address), limit: addressLimit) {
            return wait
        }
        let key = try SignInKey.accountKey(username, database: database)
        return try SignInThrottleStore(database: database).claim(accountKey: key, source: SourceAddress.bucket(address))
    }

    /// The attempt succeeded: its counts are taken back, and `address` becomes the owner's.
    func succeeded(username: String, address: String) throws {
        let key = try SignInKey.accountKey(username, database: database)
        try SignInThrottleStore(database: database).release(accountKey: key, source: SourceAddress.bucket(address),
                                                            addressBucket: SignInThrottle.addressBucket(address))
    }
}

/// What an admin may do about a throttled account (`latchctl user unlock`).
public enum SignInLockout {
    /// Forgets the account's consecutive failures and waits (the name as it is typed at
    /// sign-in); false when it had none.
    @discardableResult
    public static func unlock(username: String, database: Database) throws -> Bool {
        try SignInThrottleStore(database: database).unlock(accountKey: try SignInKey.accountKey(username, database: database))
    }
}
