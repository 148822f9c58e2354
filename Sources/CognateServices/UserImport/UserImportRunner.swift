import CognateStorage
import CognitoModel
import Foundation
import Logging
import Synchronization

/// Runs started import jobs in the background, one at a time (AWS: "Only one import job can be active at a
/// time"), a batch of lines per transaction: the users the batch creates, the job's counts, its position in
/// the file and the batch's log lines commit together, so a job interrupted at any point (a stop, a crash, a
/// node lost) goes on from its last batch without importing a line twice or skipping one.
///
/// Nodes sharing a database take jobs through `claimUserImportJob`: a job runs under its node's claim,
/// renewed with every batch; a claim that lapses (its node is gone) lets another node take the job over.
public final class UserImportRunner: Sendable {
    static let batchSize = 500
    static let claimDuration: TimeInterval = 60

    /// This process, as the claims name it.
    let node = UUID().uuidString
    private let state = Mutex<State>(State())

    private struct State {
        var running = false
        var again = false
    }

    public init() {}

    /// Looks for work now, unless a look is under way (which then looks again once done).
    public func wake(_ deps: ServiceDependencies) {
        let start = state.withLock { state -> Bool in
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        guard start else { return }
        Task.detached { await self.work(deps) }
    }

    /// Looks for work every `interval` until the task is cancelled: jobs a restart interrupted, jobs another
    /// node left, and jobs created but never started past their expiry.
    public func sweep(_ deps: ServiceDependencies, every interval: Duration) async {
        while !Task.isCancelled {
            wake(deps)
            try? await Task.sleep(for: interval)
        }
    }

    private func work(_ deps: ServiceDependencies) async {
        while true {
            do {
                while let job = try await claim(deps) {
                    try await run(job, deps)
                }
            } catch {
                deps.logger.error("user import: a job could not go on; it is taken up again later", metadata: ["error": "\(error)"])
            }
            let done = state.withLock { state -> Bool in
                if state.again {
                    state.again = false
                    return false
                }
                state.running = false
                return true
            }
            if done { return }
        }
    }

    private func claim(_ deps: ServiceDependencies) async throws -> UserImportJob? {
        let now = deps.clock.now()
        return try await deps.storage.claimUserImportJob(node: node, now: now, until: now.addingTimeInterval(Self.claimDuration))
    }

    /// Runs a claimed job to its end, or until it is stopped or its claim is lost.
    func run(_ claimed: UserImportJob, _ deps: ServiceDependencies) async throws {
        var job = claimed
        let jobs = UserImportJobs(deps)
        guard let file = job.file else {
            try await jobs.finish(job, .failed, message: UserImportJobs.unparsable(.noHeader))
            return
        }
        if job.status == .stopping {
            try await jobs.finish(job, .stopped, message: UserImportJobs.stoppedMessage)
            return
        }
        let pool: UserPool
        do {
            pool = try await deps.storage.userPool(id: job.poolID)
        } catch StorageError.notFound {
            return  // The pool and its jobs are gone.
        }
        if job.progress.header == nil {
            switch try await UserImportJobs.header(of: job, file: file, pool: pool, storage: deps.storage) {
            case .failure(let reason):
                deps.logger.notice("user import: the file cannot be parsed", metadata: ["job": "\(job.id)", "reason": "\(reason)"])
                try await jobs.finish(job, .failed, message: UserImportJobs.unparsable(reason))
                return
            case .success(let (header, position)):
                job = try await deps.storage.updateUserImportJob(poolID: job.poolID, id: job.id) { job in
                    job.progress = .init(chunk: position.chunk, offset: position.offset, line: 2, header: header)
                    if job.status == .pending { job.status = .inProgress }
                }
            }
        } else if job.status == .pending {
            job = try await deps.storage.updateUserImportJob(poolID: job.poolID, id: job.id) { $0.status = .inProgress }
        }
        let rows = UserImportRow(pool: pool, directory: UserDirectory(pool: pool, storage: deps.storage), header: job.progress.header ?? [])
        let aliasMeansExisting = pool.settings.usernameAttributes?.isEmpty == false
        var reader = UserImportFileReader(storage: deps.storage, job: job, file: file, from: (job.progress.chunk, job.progress.offset))
        var line = job.progress.line
        while true {
            // One batch: each line's user, or why it fails.
            var outcomes: [(line: Int, row: UserImportRow.Outcome)] = []
            var ended = false
            while outcomes.count < Self.batchSize {
                guard let next = try await reader.next() else {
                    ended = true
                    break
                }
                defer { line += 1 }
                switch next {
                case .overlong:
                    outcomes.append((line, .failed("The line is longer than 16000 characters.")))
                case .text(let bytes):
                    if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
                    guard let text = String(validating: bytes, as: UTF8.self) else {
                        outcomes.append((line, .failed("The line is not valid UTF-8.")))
                        continue
                    }
                    let sub = Identifiers(random: deps.random).sub()
                    outcomes.append((line, rows.evaluate(text, sub: sub, now: deps.clock.now())))
                }
            }
            let batch = outcomes
            let users = outcomes.compactMap { if case .user(let user) = $0.row { user } else { nil } }
            let position = reader.position
            let next = line
            let (node, now) = (self.node, deps.clock.now())
            let written = Mutex<String>("")
            do {
                job = try await deps.storage.importUsers(poolID: job.poolID, id: job.id, users: users) { job, created in
                    guard job.runner?.node == node, job.isActive else { throw ClaimLost() }
                    var results = created.makeIterator()
                    var lines: [String] = []
                    for (number, row) in batch {
                        let result: UserImportLogLine.Result
                        switch row {
                        case .failed(let reason): result = .failed(reason)
                        case .user:
                            switch results.next() {
                            case .created?: result = .succeeded
                            case .usernameTaken?: result = .skipped
                            case .aliasTaken?: result = aliasMeansExisting ? .skipped : .failed(UserImportJobs.aliasTaken)
                            case nil: result = .failed("Internal error.")
                            }
                        }
                        switch result {
                        case .succeeded: job.imported += 1
                        case .skipped: job.skipped += 1
                        case .failed: job.failed += 1
                        }
                        lines.append(UserImportLogLine(line: number, result: result).text)
                    }
                    job.progress.chunk = position.chunk
                    job.progress.offset = position.offset
                    job.progress.line = next
                    job.runner = .init(node: node, until: now.addingTimeInterval(Self.claimDuration))
                    let text = lines.joined(separator: "\n")
                    written.withLock { $0 = text }
                    return text
                }
            } catch is ClaimLost {
                return
            } catch StorageError.notFound {
                return  // The pool was deleted, and the job with it.
            }
            let lines = written.withLock { $0 }
            if let delivery = deps.userImportLogs, !lines.isEmpty {
                guard await deliver(lines, of: job, pool: pool, at: now, to: delivery, deps) else {
                    try await jobs.finish(job, .failed, message: UserImportJobs.logsUnwritable)
                    return
                }
            }
            if job.status == .stopping {
                try await jobs.finish(job, .stopped, message: UserImportJobs.stoppedMessage)
                return
            }
            if ended {
                let failing = job.failed + job.skipped > job.imported
                try await jobs.finish(
                    job, failing ? .failed : .succeeded, message: failing ? UserImportJobs.tooManyFailures : UserImportJobs.succeededMessage)
                return
            }
            await Task.yield()
        }
    }

    /// Writes a batch's lines to CloudWatch Logs, trying three times; false when it could not.
    private func deliver(
        _ lines: String, of job: UserImportJob, pool: UserPool, at time: Date, to delivery: any UserImportLogDelivery, _ deps: ServiceDependencies
    ) async -> Bool {
        let events = lines.split(separator: "\n").map { (timestamp: time, message: String($0)) }
        let region = pool.id.split(separator: "_").first.map(String.init) ?? deps.configuration.defaultRegion
        let group = UserImportLog.groupName(poolID: pool.id, poolName: pool.name)
        for attempt in 1...3 {
            do {
                try await delivery.putImportLog(group: group, stream: UserImportLog.streamName(job), region: region, events: events)
                return true
            } catch {
                deps.logger.warning(
                    "user import: the results could not be written to CloudWatch Logs",
                    metadata: ["job": "\(job.id)", "attempt": "\(attempt)", "error": "\(error)"])
                if attempt < 3 { try? await Task.sleep(for: .seconds(attempt)) }
            }
        }
        return false
    }

    /// The job left this node's hands (another node claimed it, or it ended) between two batches.
    struct ClaimLost: Error {}
}

/// One line of a job's log, in AWS's words (`[SUCCEEDED] Line Number 5956 - The import succeeded.`).
struct UserImportLogLine {
    enum Result {
        case succeeded, skipped
        case failed(String)
    }
    let line: Int
    let result: Result

    var text: String {
        switch result {
        case .succeeded: "[SUCCEEDED] Line Number \(line) - The import succeeded."
        case .skipped: "[SKIPPED] Line Number \(line) - The user already exists."
        case .failed(let reason): "[FAILED] Line Number \(line) - \(reason)"
        }
    }
}
