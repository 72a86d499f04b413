#if canImport(Glibc)
import Glibc
#endif
import Datasets
import Foundation
import Store

// The loop thread: inotify events, settle periods, reconciliation scans and polling fallback.

extension Daemon {
    /// Longest wait for inotify events, so settle periods, polls and stop requests are seen promptly.
    static let tickMilliseconds: Int32 = 100

    func loop() {
        var lastRootRefresh = Date()

        while !isStopping {
            runPendingCommands()

            var changes: [TreeChange] = []
            if let tree {
                do {
                    changes = try tree.readChanges(timeoutMilliseconds: Self.tickMilliseconds)
                } catch {
                    logger.error("inotify.read_failed", [("error", "\(error)")])
                    Thread.sleep(forTimeInterval: Double(Self.tickMilliseconds) / 1000)
                }
            }
            apply(changes)

            let now = Date()
            pollFallbackRoots(now: now)
            if now.timeIntervalSince(lastRootRefresh) >= settings.pollSeconds {
                lastRootRefresh = now
                loadStoredRootsAgain()
            }
            queueSettledRoots(now: now)
        }
    }

    /// Adds a root: watches its tree (or switches it to polling) and runs a reconciliation scan.
    func addRoot(_ spec: RootSpec) {
        guard let canonical = realpath(spec.path, nil) else {
            logger.error("root.not_found", [("root", spec.path), ("error", String(cString: strerror(errno)))])
            return
        }
        let path = String(cString: canonical)
        free(canonical)
        guard roots[path] == nil else { return }

        var state = RootState(spec: RootSpec(path: path, labels: spec.labels, config: spec.config))
        do {
            if let limit = try tree?.addTree(root: path) {
                apply([limit])
                state.polling = true
            }
        } catch {
            logger.error("root.watch_failed", [("root", path), ("error", "\(error)")])
            return
        }
        state.snapshot = snapshot(path, config: spec.config)
        roots[path] = state
        logger.info("root.add", [("root", path), ("watches", tree?.watchCount), ("polling", state.polling)])
        reconcile(path)
    }

    func apply(_ changes: [TreeChange]) {
        let now = Date()
        var removedByRoot: [String: Int] = [:]

        for change in changes {
            switch change {
            case let .fileReady(root, _):
                roots[root]?.dirty = true
                roots[root]?.lastActivity = now
            case let .activity(root):
                roots[root]?.lastActivity = now
            case let .removed(root, _):
                roots[root]?.dirty = true
                roots[root]?.lastActivity = now
                removedByRoot[root, default: 0] += 1
            case .overflow:
                logger.warning("inotify.overflow", [("roots", roots.count), ("action", "full reconciliation scan")])
                for root in roots.keys.sorted() {
                    _ = try? tree?.addTree(root: root)
                    reconcile(root)
                }
            case let .watchLimit(root, error):
                roots[root]?.polling = true
                logger.warning("watch.limit", [
                    ("root", root), ("error", "\(error)"), ("sysctl", "fs.inotify.max_user_watches"),
                    ("current", Self.maxUserWatches() ?? "unknown"), ("fallback", "periodic scan"),
                    ("poll_s", settings.pollSeconds),
                    ("remedy", "raise fs.inotify.max_user_watches (sysctl -w) or watch fewer folders"),
                ])
            }
        }

        // Deleted files make the dataset's stored audits describe images that are gone.
        for (root, count) in removedByRoot.sorted(by: { $0.key < $1.key }) {
            do {
                if let dataset = try store.dataset(root: root) {
                    let marked = try store.markAuditsSuperseded(datasetID: dataset.id)
                    logger.info("files.removed", [("root", root), ("dataset_id", dataset.id), ("paths", count), ("audits_superseded", marked)])
                }
            } catch {
                logger.error("audits.supersede_failed", [("root", root), ("error", "\(error)")])
            }
        }
    }

    /// Queues a re-audit when the files on disk differ from the images stored for the dataset, or when the
    /// dataset has never been audited.
    ///
    /// The scan uses the `scan` settings the audit will use (exclude globs, NIfTI masks and volume), so
    /// an unchanged dataset with non-default settings is not audited again at every start. When the
    /// configuration cannot be loaded, the root is queued so that the audit reports the error.
    func reconcile(_ root: String) {
        let options: ScanOptions
        do {
            options = try scanOptions(root: root, config: roots[root]?.spec.config)
        } catch {
            logger.error("reconcile.config_invalid", [("root", root), ("error", "\(error)"), ("action", "queue audit")])
            enqueue(root)
            return
        }

        do {
            let scan = try scanDataset(root: root, options: options)
            let onDisk = Dictionary(scan.files.map { ($0.relativePath, FileStamp(size: $0.size, mtimeNs: $0.mtimeNs)) }, uniquingKeysWith: { first, _ in first })
            var stored: [String: FileStamp] = [:]
            var audited = false
            if let dataset = try store.dataset(root: root) {
                for image in try store.images(datasetID: dataset.id) {
                    stored[image.path] = FileStamp(size: image.size, mtimeNs: image.mtimeNs)
                }
                audited = try store.latestAudit(datasetID: dataset.id, status: .done) != nil
                    || store.latestAudit(datasetID: dataset.id, status: .failed) != nil
            }
            if onDisk != stored || !audited {
                let differing = Set(onDisk.keys).symmetricDifference(stored.keys).count
                    + onDisk.filter { stored[$0.key] != nil && stored[$0.key] != $0.value }.count
                logger.info("reconcile.changed", [("root", root), ("files", onDisk.count), ("stored", stored.count), ("differing", differing)])
                enqueue(root)
            }
        } catch {
            logger.error("reconcile.failed", [("root", root), ("error", "\(error)")])
        }
    }

    /// Queues a re-audit of every dirty root whose last change is older than the settle period.
    func queueSettledRoots(now: Date) {
        var waiting = false
        for root in roots.keys.sorted() {
            guard let state = roots[root], state.dirty else { continue }
            if now.timeIntervalSince(state.lastActivity) < settings.settleSeconds {
                waiting = true
                continue
            }
            roots[root]?.dirty = false
            enqueue(root)
        }

        lock.lock()
        loopIdle = !waiting
        lock.unlock()
    }

    func enqueue(_ root: String) {
        guard let spec = roots[root]?.spec else { return }
        do {
            let result = try store.enqueueJob(root: root, labels: spec.labels, config: spec.config)
            if !result.coalesced {
                logger.info("job.queued", [("job_id", result.job.id), ("root", root)])
            }
            workerWake.lock()
            workerWake.broadcast()
            workerWake.unlock()
        } catch {
            logger.error("job.queue_failed", [("root", root), ("error", "\(error)")])
        }
    }

    /// Compares a fresh listing of each polling root with the previous one and marks changed roots dirty.
    private func pollFallbackRoots(now: Date) {
        for root in roots.keys.sorted() {
            guard let state = roots[root], state.polling, now.timeIntervalSince(state.lastPoll) >= settings.pollSeconds else { continue }
            let current = snapshot(root, config: state.spec.config)
            roots[root]?.lastPoll = now
            if current != state.snapshot {
                roots[root]?.snapshot = current
                roots[root]?.dirty = true
                // The listing is already settled relative to the previous poll, so the next tick queues it.
                roots[root]?.lastActivity = now.addingTimeInterval(-settings.settleSeconds)
            }
        }
    }

    /// Returns the size and modification time of each file the audit of `root` lists. A configuration
    /// that cannot be loaded gives the default scan settings, so changes under a polled root are still detected.
    private func snapshot(_ root: String, config: String?) -> [String: FileStamp] {
        let options = (try? scanOptions(root: root, config: config)) ?? ScanOptions()
        guard let scan = try? scanDataset(root: root, options: options) else { return [:] }
        return Dictionary(scan.files.map { ($0.relativePath, FileStamp(size: $0.size, mtimeNs: $0.mtimeNs)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Loads the `scan` section of the configuration the audit of `root` reads: the built-in
    /// defaults, the root's `audit.json`, then `config` (the root's `--config` file) when given.
    private func scanOptions(root: String, config: String?) throws(DatasetError) -> ScanOptions {
        try AuditConfig.load(datasetRoot: root, overridePath: config).0.scan
    }

    private func runPendingCommands() {
        lock.lock()
        let commands = pendingCommands
        pendingCommands = []
        lock.unlock()

        for command in commands {
            switch command {
            case let .add(spec):
                addRoot(spec)
            case let .remove(path):
                let canonical = realpath(path, nil).map { pointer in
                    defer { free(pointer) }
                    return String(cString: pointer)
                } ?? path
                tree?.removeTree(root: canonical)
                if roots.removeValue(forKey: canonical) != nil {
                    logger.info("root.remove", [("root", canonical)])
                }
            }
        }
    }

    private func loadStoredRootsAgain() {
        guard let stored = try? store.watchedRoots() else { return }
        for root in stored where roots[root.path] == nil {
            addRoot(RootSpec(path: root.path, labels: root.labels, config: root.config))
        }
    }

    /// Reads /proc/sys/fs/inotify/max_user_watches, the per-user limit on inotify watches.
    static func maxUserWatches() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/sys/fs/inotify/max_user_watches", encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
