import Datasets
import Foundation
import ImageIO

/// A dataset's configuration, labelled listing and candidate tasks, resolved as an audit
/// resolves them, for work that runs on the same tasks (the confirmation trainer).
public struct PreparedTasks: Sendable {
    /// Canonical (`realpath`) root: the dataset's identity in the store.
    public var root: String
    public var config: AuditConfig
    public var listing: LabelledListing
    /// Every candidate task, in the audit's order, before any `--tasks` selection.
    public var tasks: [CandidateTask]
    public var dropped: [DroppedTask]
}

extension Auditor {
    /// Resolves the root, loads the configuration (with the options' overrides), scans the
    /// folder, reads the labels and builds the candidate tasks, without decoding any image or
    /// writing to the store. Throws the same errors as `run()` for the same inputs.
    public func prepareTasks() throws(AuditError) -> PreparedTasks {
        let root = try canonicalRoot(options.root)

        var config: AuditConfig
        do {
            config = try AuditConfig.load(datasetRoot: root, overridePath: options.configPath).0
        } catch {
            throw .configuration("\(error)")
        }
        applyOverrides(&config)
        try validate(config)

        let scan: ScanResult
        let listing: LabelledListing
        do {
            scan = try scanDataset(root: root)
            listing = try LabelledListing(scan: scan, labels: config.labels, tablePath: options.labelsPath.map(absolutePath))
        } catch {
            throw .dataset("\(error)")
        }

        let candidates = buildCandidateTasks(listing: listing, config: config)
        guard !candidates.tasks.isEmpty else {
            throw .tasks(noTaskMessage(scan: scan, listing: listing, dropped: candidates.dropped))
        }
        return PreparedTasks(root: root, config: config, listing: listing, tasks: candidates.tasks, dropped: candidates.dropped)
    }
}
