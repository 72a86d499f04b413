import Audit
import Datasets
import Foundation
import Store

/// Settings of one daemon run.
public struct DaemonSettings: Sendable {
    public var roots: [RootSpec]
    /// Quiet time after the last change of a root before its re-audit is queued, in seconds (default 2).
    public var settleSeconds: Double
    /// Scan period of roots that fell back to polling, and of the watched-roots table, in seconds (default 60).
    public var pollSeconds: Double
    public var trainingPolicy: TrainingPolicy?
    /// Builds the audit options of a job; the default passes root, labels and config and keeps every other
    /// setting from the configuration files.
    public var makeOptions: @Sendable (JobRecord) -> AuditOptions
    /// Failed attempts after which a job that failed with a busy database stops being retried (default 3).
    public var maxBusyRetries: Int

    public init(config: DaemonConfig) {
        roots = config.roots
        settleSeconds = config.settleSeconds
        pollSeconds = config.pollSeconds
        trainingPolicy = config.trainingPolicy
        maxBusyRetries = 3
        makeOptions = { job in
            var options = AuditOptions(root: job.root)
            options.labelsPath = job.labels
            options.configPath = job.config
            return options
        }
    }
}

/// A finished re-audit, as passed to `Daemon.onAuditFinished`.
public struct AuditFinished: Sendable {
    public var jobID: Int64
    public var datasetID: Int64?
    public var auditID: Int64?
    public var root: String
    public var durationSeconds: Double
}

/// Watches dataset folders and re-audits each one after its files change.
///
/// Two threads: the loop thread owns the inotify tree and per-root state (dirty flag, last activity, polling
/// mode) and queues jobs; the worker thread claims jobs from the store and runs the `Auditor`. `stop()` cancels
/// the running audit through its `CancellationFlag` (it stops after the current step, whose transaction
/// commits) and `run()` returns when both threads have finished. A job interrupted by `stop()` stays `running`
/// and is queued again, with its attempts incremented, by the next daemon on the same database.
public final class Daemon: @unchecked Sendable {
    let store: Store
    let settings: DaemonSettings
    let logger: EventLogger
    /// Measurements of earlier re-audits, so a re-audit after a small change updates them.
    let session = AuditSession()
    /// Called on the worker thread after each finished re-audit.
    public var onAuditFinished: (@Sendable (AuditFinished) -> Void)?

    let lock = NSLock()
    /// Guarded by `lock`.
    var stopping = false
    var pendingCommands: [Command] = []
    var currentJob: (id: Int64, cancellation: CancellationFlag)?
    var cancelledJobs: Set<Int64> = []
    var loopIdle = false
    let workerWake = NSCondition()

    /// Owned by the loop thread.
    var roots: [String: RootState] = [:]
    var tree: InotifyTree?
    var busyRetries: [String: Int] = [:]

    enum Command {
        case add(RootSpec)
        case remove(String)
    }

    struct RootState {
        var spec: RootSpec
        var dirty = false
        var lastActivity = Date.distantPast
        var polling = false
        var lastPoll = Date()
        var snapshot: [String: FileStamp] = [:]
    }

    struct FileStamp: Equatable {
        var size: Int64
        var mtimeNs: Int64
    }

    public init(store: Store, settings: DaemonSettings, logger: EventLogger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    /// Runs until `stop()`. Throws only when inotify cannot be initialised at all.
    public func run() throws(DaemonError) {
        let started = Date()
        logger.info("daemon.start", [
            ("pid", getpid()), ("database", store.path), ("roots", settings.roots.count),
            ("settle_s", settings.settleSeconds), ("poll_s", settings.pollSeconds),
        ])
        if let policy = settings.trainingPolicy {
            logger.warning("training.unavailable", [
                ("enabled", policy.enabled), ("max_per_day", policy.maxPerDay), ("min_new_images", policy.minNewImages),
                ("message", "automatic confirmation trainings are not available in this version; the training_policy section is validated and ignored"),
            ])
        }

        do {
            tree = try InotifyTree()
        } catch {
            throw .inotifyUnavailable(reason: "\(error)")
        }
        resumeInterruptedJobs()

        let workerDone = DispatchSemaphore(value: 0)
        let worker = Thread { [self] in
            workerLoop()
            workerDone.signal()
        }
        worker.name = "intrinsic-audit.daemon.worker"
        worker.start()

        for spec in settings.roots { addRoot(spec) }
        loadStoredRoots()
        loop()

        workerWake.lock()
        workerWake.broadcast()
        workerWake.unlock()
        workerDone.wait()
        tree = nil
        logger.info("daemon.stop", [("pid", getpid()), ("uptime_s", Date().timeIntervalSince(started))])
    }

    /// Requests a stop: the running audit is cancelled after its current step and `run()` returns. Thread-safe.
    public func stop() {
        lock.lock()
        stopping = true
        currentJob?.cancellation.cancel()
        lock.unlock()

        workerWake.lock()
        workerWake.broadcast()
        workerWake.unlock()
    }

    /// Starts watching a root (from any thread); a reconciliation scan follows.
    public func watch(_ spec: RootSpec) {
        lock.lock()
        pendingCommands.append(.add(spec))
        lock.unlock()
    }

    /// Stops watching a root (from any thread).
    public func unwatch(path: String) {
        lock.lock()
        pendingCommands.append(.remove(path))
        lock.unlock()
    }

    /// Cancels the job if this daemon is running it, and returns whether it was.
    public func cancelRunningJob(id: Int64) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let current = currentJob, current.id == id else { return false }
        cancelledJobs.insert(id)
        current.cancellation.cancel()
        return true
    }

    /// True when no root waits for its settle period, no command is pending and no job is queued or running.
    public var isIdle: Bool {
        lock.lock()
        let idle = loopIdle && pendingCommands.isEmpty && currentJob == nil
        lock.unlock()
        guard idle else { return false }
        return ((try? store.jobs(states: [.queued, .running], limit: 1)) ?? []).isEmpty
    }

    var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func resumeInterruptedJobs() {
        do {
            let moved = try store.requeueInterruptedJobs()
            let queued = try store.jobs(states: [.queued], limit: 10_000).count
            if moved > 0 || queued > 0 {
                logger.info("jobs.resume", [("requeued_running", moved), ("queued", queued)])
            }
        } catch {
            logger.error("jobs.resume_failed", [("error", "\(error)")])
        }
    }

    private func loadStoredRoots() {
        do {
            for root in try store.watchedRoots() where roots[root.path] == nil {
                addRoot(RootSpec(path: root.path, labels: root.labels, config: root.config))
            }
        } catch {
            logger.error("roots.load_failed", [("error", "\(error)")])
        }
    }
}
