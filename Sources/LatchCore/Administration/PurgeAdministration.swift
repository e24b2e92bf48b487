/// An admin's purge of dead rows (`latchctl purge`): `Purger` deletes in small batches, each
/// its own short transaction; then one audit row (`admin.purged`) says what went.
public struct PurgeAdministration {
    let database: Database
    /// Who acts, from where and through which door (for the audit trail).
    let actor: AdminActor

    public func purge(batchSize: Int, dynamicClientIdleDays: Int) throws -> [Purger.Result] {
        let results = try Purger(database: database, dynamicClientIdleDays: dynamicClientIdleDays).purge(batchSize: batchSize)
        try actor.record(.adminPurged, in: database, detail: [
            "deleted": .array(results.map { ["table": .string($0.target.rawValue), "rows": .integer($0.deleted)] }),
        ])
        return results
    }
}
