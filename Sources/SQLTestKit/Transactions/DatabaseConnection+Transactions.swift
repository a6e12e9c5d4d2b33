import Synchronization

extension DatabaseConnection {
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws or
    /// the task is cancelled. Nested calls become savepoints, so an inner failure undoes only
    /// the inner work.
    ///
    /// ```swift
    /// let id = try await db.transaction { db in
    ///     let author = try await db.execute("INSERT INTO author(name) VALUES (\("Ada"))")
    ///     try await db.execute("INSERT INTO book(title, author_id) VALUES (\("Notes"), \(author.lastInsertID))")
    ///     return author.lastInsertID
    /// }
    /// ```
    ///
    /// A `COMMIT` that fails (a deferred foreign key, say) is rolled back and its error thrown.
    /// If even the rollback fails, the connection refuses every later statement instead of
    /// running it outside a transaction.
    @discardableResult
    nonisolated(nonsending)
    public func transaction<Result>(_ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        try await withLevel(origin: .code, body)
    }

    /// Runs `body` in a transaction that is always rolled back, and returns its result.
    /// Transactions the code under test opens inside — `transaction { }` calls and raw
    /// `BEGIN`/`COMMIT`/`ROLLBACK` statements alike, however spelt (`"; commit"`, `END
    /// TRANSACTION`) — become savepoints, so nothing escapes. `RELEASE` and `ROLLBACK TO` may
    /// name only savepoints the code opened inside. When SQLite rolls the whole transaction
    /// back by itself (`INSERT OR ROLLBACK`, `RAISE(ROLLBACK)`), the SQLite connection refuses
    /// every later statement until this rollback, so none runs outside the test.
    ///
    /// ```swift
    /// let count = try await db.testTransaction { db in
    ///     try await db.execute("DELETE FROM review")
    ///     return try await db.fetchOne("SELECT count(*) FROM review")!.decode(Int.self)
    /// }
    /// // count == 0, and every review is still there
    /// ```
    @discardableResult
    nonisolated(nonsending)
    public func testTransaction<Result>(_ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        try await withLevel(origin: .test, body)
    }

    /// Opens a test transaction that lasts until ``endTestTransaction()`` or until the
    /// connection closes: nothing done on this connection from now on is ever committed.
    ///
    /// ```swift
    /// let db = try await driver.connect()
    /// try await db.beginTestTransaction()
    /// try await codeUnderTest(db)        // its COMMITs become savepoint releases
    /// ```
    nonisolated(nonsending)
    public func beginTestTransaction() async throws {
        let opened: Bool = state { state in
            guard state.levels.isEmpty else { return false }
            state.levels.append(TransactionState.Level(origin: .test, savepoint: nil))
            return true
        }
        guard opened else {
            throw QueryError(code: .misuse, message: "cannot begin a test transaction while a transaction is open",
                             suggestion: "call beginTestTransaction() right after connecting, or use testTransaction { } inside the open transaction")
        }
        do {
            _ = try await run(SQLQuery(sql: capability.beginTransactionSQL))
        } catch {
            state { $0.levels.removeAll() }
            throw error
        }
    }

    /// Rolls back the test transaction begun by ``beginTestTransaction()`` and everything
    /// inside it. Does nothing when none is open.
    nonisolated(nonsending)
    public func endTestTransaction() async throws {
        let open: Bool = state { state in
            guard state.levels.first?.origin == .test else { return false }
            state.levels.removeAll()
            return true
        }
        guard open else { return }
        do {
            _ = try await run("ROLLBACK")
        } catch {
            transactionState.markBroken("rolling back the test transaction failed: \(error)")
            throw error
        }
    }

    /// Runs `callback` once the current transaction commits — the outermost one the code
    /// under test opened, which inside a test transaction is the outermost one above it. It is
    /// dropped if that transaction rolls back, and runs at once when no transaction is open.
    ///
    /// ```swift
    /// try await db.transaction { db in
    ///     try await db.execute("INSERT INTO book(title) VALUES (\("Emma"))")
    ///     await db.afterCommit { await searchIndex.reindex() }
    /// }
    /// ```
    nonisolated(nonsending)
    public func afterCommit(_ callback: @escaping @Sendable () async -> Void) async {
        let deferred: Bool = state { state in
            guard let top = state.levels.indices.last, state.levels[top].origin != .test else { return false }
            state.levels[top].afterCommit.append(callback)
            return true
        }
        if !deferred { await callback() }
    }

    // MARK: - Implementation

    private func state<R>(_ body: (inout TransactionState.State) -> R) -> R {
        transactionState.withState(body)
    }

    nonisolated(nonsending)
    private func withLevel<Result>(origin: TransactionState.Origin, _ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        // Where this level sits: closing it closes whatever the code left open above it too,
        // as the savepoint's RELEASE or ROLLBACK TO does in the database.
        let (savepoint, index): (String?, Int) = state { state in
            let name = state.levels.isEmpty ? nil : state.nextSavepointName(origin == .test ? "test" : "tx")
            state.levels.append(TransactionState.Level(origin: origin, savepoint: name))
            return (name, state.levels.count - 1)
        }
        do {
            _ = try await run(SQLQuery(sql: savepoint.map { "SAVEPOINT \($0)" } ?? capability.beginTransactionSQL))
        } catch {
            state { $0.levels.removeSubrange(min(index, $0.levels.count)...) }
            throw error
        }

        let result: Result
        do {
            result = try await body(self)
            if origin == .code { try Task.checkCancellation() }
        } catch {
            try await rollbackLevel(index, savepoint: savepoint, after: error)
            throw error
        }

        if origin == .test {
            try await rollbackLevel(index, savepoint: savepoint, after: nil)
            return result
        }

        let callbacks: [@Sendable () async -> Void] = state { state in
            guard index < state.levels.count else { return [] }
            let closed = state.levels[index...]
            state.levels.removeSubrange(index...)
            return state.finish(TransactionState.Level(origin: origin, savepoint: savepoint, afterCommit: closed.flatMap(\.afterCommit)))
        }
        do {
            _ = try await run(SQLQuery(sql: savepoint.map { "RELEASE \($0)" } ?? "COMMIT"))
        } catch var failure as QueryError {
            // The transaction is still open after a failed COMMIT: undo it so nothing is half-done.
            state { $0.levels.append(TransactionState.Level(origin: origin, savepoint: savepoint)) }
            if try await rollbackLevel(index, savepoint: savepoint, after: failure) {
                failure.suggestion = "the commit failed, so the transaction was rolled back; nothing it did was kept"
            } else {
                // Nothing was left to roll back: the transaction had already ended, and what
                // it did before that may have been kept. Saying otherwise would be a lie.
                failure.suggestion = "the commit failed and there was no transaction left to roll back: something ended it earlier (a COMMIT or ROLLBACK SQLTestKit did not send), so part of what it did may have been kept; this connection refuses further statements"
            }
            throw failure
        }
        for callback in callbacks { await callback() }
        return result
    }

    /// Rolls back the level at `index` and any left open above it, and says whether the rollback
    /// worked. If it fails the connection is marked unusable, so later statements cannot run
    /// outside the transaction they belong to.
    @discardableResult
    nonisolated(nonsending)
    private func rollbackLevel(_ index: Int, savepoint: String?, after cause: (any Error)?) async throws -> Bool {
        state { $0.levels.removeSubrange(min(index, $0.levels.count)...) }
        do {
            if let savepoint {
                _ = try await run(SQLQuery(sql: "ROLLBACK TO \(savepoint)"))
                _ = try await run(SQLQuery(sql: "RELEASE \(savepoint)"))
            } else {
                _ = try await run("ROLLBACK")
            }
        } catch {
            let because = cause.map { " after \($0)" } ?? ""
            transactionState.markBroken("rolling back\(because) failed: \(error)")
            if cause == nil { throw error }
            return false
        }
        return true
    }
}
