import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// CreateUserImportJob, DescribeUserImportJob, ListUserImportJobs, StartUserImportJob and StopUserImportJob:
/// a job made with its upload URL, started once its file is there, run by `UserImportRunner`, stopped.
struct UserImportService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateUserImportJob.self) { input, context in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            try await RecoveryPause.refuse(poolID: pool.id, deps)
            if try await deps.storage.countUserImportJobs(poolID: pool.id) >= UserImportJobs.maxJobsPerPool {
                throw CognitoError(.limitExceededException, "The user pool has reached its limit of \(UserImportJobs.maxJobsPerPool) import jobs.")
            }
            let id = "import-" + deps.random.string(10, from: Alphabets.alphanumeric)
            let now = deps.clock.now()
            let region = pool.id.split(separator: "_").first.map(String.init) ?? context.region
            let url = UserImportUploadURL(key: deps.configuration.simulationKey, publicBaseURL: deps.configuration.publicBaseURL)
                .url(poolID: pool.id, jobID: id, region: region, now: now)
            let job = UserImportJob(
                poolID: pool.id, id: id, name: input.jobName, roleARN: input.cloudWatchLogsRoleArn,
                passwordHashingAlgorithm: input.passwordHashingAlgorithm, preSignedURL: url, creationDate: now)
            try await StorageError.map(notFound: Errors.poolNotFound(pool.id)) { try await deps.storage.createUserImportJob(job) }
            return CreateUserImportJobResponse(userImportJob: UserImportJobs.wire(job))
        }
        table.register(Operations.DescribeUserImportJob.self) { input, _ in
            DescribeUserImportJobResponse(userImportJob: UserImportJobs.wire(try await load(input.userPoolId, input.jobId)))
        }
        table.register(Operations.ListUserImportJobs.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            var after: String?
            if let token = input.paginationToken {
                let parts = token.split(separator: "#", omittingEmptySubsequences: false)
                guard parts.count == 3, parts[0] == pool.id, Int64(parts[2]) != nil else { throw Errors.invalidToken }
                after = String(parts[1])
            }
            let found = try await StorageError.map(notFound: Errors.poolNotFound(pool.id)) {
                try await deps.storage.listUserImportJobs(poolID: pool.id, after: after, limit: input.maxResults + 1)
            }
            var jobs: [UserImportJob] = []
            for job in found.prefix(input.maxResults) { jobs.append(try await UserImportJobs(deps).settled(job)) }
            // AWS's token form: the pool, the last job and its creation in milliseconds.
            let next =
                found.count > input.maxResults ? jobs.last.map { "\(pool.id)#\($0.id)#\(Int64($0.creationDate.timeIntervalSince1970 * 1000))" } : nil
            return ListUserImportJobsResponse(userImportJobs: jobs.isEmpty ? nil : jobs.map(UserImportJobs.wire), paginationToken: next)
        }
        table.register(Operations.StartUserImportJob.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            try await RecoveryPause.refuse(poolID: pool.id, deps)
            let job = try await load(pool.id, input.jobId)
            guard job.status == .created else {
                throw CognitoError(
                    .preconditionNotMetException, "Job \(job.id) has status \(job.status.rawValue); only a job in Created can be started.")
            }
            if (pool.settings.autoVerifiedAttributes ?? []).isEmpty {
                throw CognitoError(
                    .preconditionNotMetException, "The user pool has no auto-verified attributes: an import job can't start without one.")
            }
            guard job.file != nil else {
                throw CognitoError(.preconditionNotMetException, "No CSV file has been uploaded to the job's pre-signed URL.")
            }
            let now = deps.clock.now()
            let started = try await deps.storage.updateUserImportJob(poolID: pool.id, id: job.id) { job in
                guard job.status == .created else {
                    throw CognitoError(
                        .preconditionNotMetException, "Job \(job.id) has status \(job.status.rawValue); only a job in Created can be started.")
                }
                job.status = .pending
                job.startDate = now
            }
            deps.userImports.wake(deps)
            return StartUserImportJobResponse(userImportJob: UserImportJobs.wire(started))
        }
        table.register(Operations.StopUserImportJob.self) { input, _ in
            let job = try await load(input.userPoolId, input.jobId)
            let now = deps.clock.now()
            var stopped = try await deps.storage.updateUserImportJob(poolID: job.poolID, id: job.id) { job in
                switch job.status {
                case .pending where job.runner == nil:
                    // Nothing has run: the job stops here.
                    job.status = .stopped
                    job.completionDate = now
                    job.completionMessage = UserImportJobs.stoppedMessage
                case .pending, .inProgress:
                    job.status = .stopping
                case .stopping:
                    break
                default:
                    throw CognitoError(
                        .preconditionNotMetException, "Job \(job.id) has status \(job.status.rawValue); only a running job can be stopped.")
                }
            }
            if stopped.status == .stopped {
                try await deps.storage.deleteUserImportChunks(poolID: job.poolID, id: job.id, upload: nil)
            }
            // The runner stops at the end of its batch: its answer is the final one when it comes soon.
            for _ in 0..<40 where stopped.status == .stopping {
                try await Task.sleep(for: .milliseconds(50))
                stopped = try await load(job.poolID, job.id)
            }
            return StopUserImportJobResponse(userImportJob: UserImportJobs.wire(stopped))
        }
    }

    private func load(_ poolID: String, _ jobID: String) async throws -> UserImportJob {
        do {
            return try await UserImportJobs(deps).settled(try await deps.storage.userImportJob(poolID: poolID, id: jobID))
        } catch StorageError.notFound {
            _ = try await UserPoolService(deps).load(poolID)
            throw CognitoError(.resourceNotFoundException, "Import job \(jobID) does not exist.")
        }
    }

    /// AWS refuses changes to a pool's configuration (UpdateUserPool, DeleteUserPool, AddCustomAttributes)
    /// while one of its import jobs runs.
    static func refuseWhileImporting(_ poolID: String, _ deps: ServiceDependencies) async throws {
        if try await deps.storage.hasActiveUserImportJob(poolID: poolID) {
            throw CognitoError(.userImportInProgressException, "A user import job is in progress for the user pool \(poolID).")
        }
    }
}
