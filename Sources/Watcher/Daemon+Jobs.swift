import Audit
import Datasets
import Foundation
import Reports
import Store

// The worker thread: claims queued jobs and runs one audit per job.

extension Daemon {
    func workerLoop() {
        while !isStopping {
            let job: JobRecord?
            do {
                job = try store.claimNextJob()
            } catch {
                logger.error("job.claim_failed", [("error", "\(error)")])
                job = nil
            }

            guard let job else {
                workerWake.lock()
                if !isStopping { _ = workerWake.wait(until: Date().addingTimeInterval(0.5)) }
                workerWake.unlock()
                continue
            }
            runJob(job)
        }
    }

    private func runJob(_ job: JobRecord) {
        let cancellation = CancellationFlag()
        lock.lock()
        if stopping { cancellation.cancel() }
        currentJob = (job.id, cancellation)
        lock.unlock()
        defer {
            lock.lock()
            currentJob = nil
            lock.unlock()
        }

        let started = Date()
        let options = settings.makeOptions(job)
        logger.info("audit.start", [("job_id", job.id), ("root", job.root), ("attempt", job.attempts)])
        do {
            let report = try Auditor(store: store, options: options, cancellation: cancellation, session: session).run()
            let duration = Date().timeIntervalSince(started)
            let datasetID = recordSuccess(job, report: report)
            busyRetries[job.root] = nil
            let skipped = report.dataset.unreadable.count + report.dataset.rejectedPaths.count + report.dataset.ignoredFiles
            logger.info("audit.done", [
                ("job_id", job.id), ("dataset_id", datasetID), ("audit_id", report.auditID), ("duration_s", duration),
                ("images", report.dataset.images), ("decoded", report.dataset.decoded - report.dataset.cached),
                ("cached", report.dataset.cached), ("skipped_files", skipped), ("tasks", report.tasks.count),
            ])
            writeHTMLReport(report, root: job.root, jobID: job.id)
            onAuditFinished?(AuditFinished(
                jobID: job.id, datasetID: datasetID, auditID: report.auditID, root: job.root, durationSeconds: duration
            ))
        } catch {
            handleFailure(job, error: error, duration: Date().timeIntervalSince(started))
        }
    }

    /// Rewrites the root's HTML report, when its configuration names one. A failed write is logged
    /// and does not fail the job: the audit itself is stored.
    func writeHTMLReport(_ report: AuditReport, root: String, jobID: Int64) {
        let resolvedRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        guard let spec = settings.roots.first(where: {
            $0.path == root || URL(fileURLWithPath: $0.path).resolvingSymlinksInPath().path == resolvedRoot
        }), let path = spec.htmlReport else { return }
        do {
            let scanOptions = try? AuditConfig.load(datasetRoot: root, overridePath: spec.config).0.scan
            let html = HTMLReport.render(report, presentation: ReportPresentation(scanOptions: scanOptions))
            try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            logger.info("report.written", [("job_id", jobID), ("audit_id", report.auditID), ("path", path)])
        } catch {
            logger.error("report.write_failed", [("job_id", jobID), ("path", path), ("error", "\(error.localizedDescription)")])
        }
    }

    /// Marks the job done and the dataset's earlier audits superseded; returns the dataset id. Store failures
    /// are logged, because the audit itself is stored already.
    private func recordSuccess(_ job: JobRecord, report: AuditReport) -> Int64? {
        var datasetID: Int64?
        do {
            datasetID = try store.dataset(root: report.dataset.root)?.id
            try store.finishJob(id: job.id, state: .done, auditID: report.auditID)
            if let datasetID, let auditID = report.auditID {
                _ = try store.markAuditsSuperseded(datasetID: datasetID, before: auditID)
            }
        } catch {
            logger.error("job.finish_failed", [("job_id", job.id), ("audit_id", report.auditID), ("error", "\(error)")])
        }
        return datasetID
    }

    private func handleFailure(_ job: JobRecord, error: AuditError, duration: Double) {
        if case let .cancelled(auditID) = error {
            lock.lock()
            let byClient = cancelledJobs.remove(job.id) != nil
            lock.unlock()
            if byClient {
                do {
                    try store.finishJob(id: job.id, state: .failed, error: "cancelled by a client", auditID: auditID)
                } catch {
                    logger.error("job.finish_failed", [("job_id", job.id), ("error", "\(error)")])
                }
                logger.info("audit.cancelled", [("job_id", job.id), ("audit_id", auditID), ("duration_s", duration)])
            } else {
                // Left `running`: the next daemon on this database queues it again.
                logger.info("audit.interrupted", [("job_id", job.id), ("audit_id", auditID), ("duration_s", duration)])
            }
            return
        }

        let message = "\(error)"
        logger.error("audit.failed", [("job_id", job.id), ("root", job.root), ("duration_s", duration), ("error", message)])
        do {
            try store.finishJob(id: job.id, state: .failed, error: message)
        } catch {
            logger.error("job.finish_failed", [("job_id", job.id), ("error", "\(error)")])
        }

        // A busy database is temporary: queue the root again, a bounded number of times.
        guard Self.isBusy(error) else { return }
        let retries = busyRetries[job.root, default: 0] + 1
        busyRetries[job.root] = retries
        guard retries <= settings.maxBusyRetries else {
            logger.error("job.retries_exhausted", [("job_id", job.id), ("root", job.root), ("retries", retries - 1)])
            busyRetries[job.root] = nil
            return
        }
        logger.warning("job.retry", [("job_id", job.id), ("root", job.root), ("retry", retries), ("max_retries", settings.maxBusyRetries)])
        Thread.sleep(forTimeInterval: min(5, Double(retries)))
        do {
            _ = try store.enqueueJob(root: job.root, labels: job.labels, config: job.config)
        } catch {
            logger.error("job.queue_failed", [("root", job.root), ("error", "\(error)")])
        }
    }

    /// True for a store failure caused by another connection holding the write lock past the busy timeout.
    ///
    /// NOTE: `AuditError.store` carries only the message text, so this matches the SQLite wording of
    /// `StoreError.Kind.busy` ("database is locked", SQLITE_BUSY) instead of the kind itself.
    public static func isBusy(_ error: AuditError) -> Bool {
        if case .busy = error { return true }
        guard case let .store(message) = error else { return false }
        return message.contains("SQLITE_BUSY") || message.contains("database is locked")
            || message.contains("held the database lock")
    }
}
