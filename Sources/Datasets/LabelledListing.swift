import Foundation

/// The labels of one scanned image.
public struct LabelledImage: Sendable, Hashable {
    public var file: ScannedFile
    /// Class from the folder, the table's class column or a filename rule; nil when unlabelled.
    public var className: String?
    /// `train`, `val` or `test`: the table's split column when it has a value, else the split folder.
    public var split: String?
    /// Value of the table's patient column, or nil.
    public var patientID: String?
    /// Table task name -> positive?, after the uncertain policy. Blank and ignored cells are absent.
    public var columnLabels: [String: Bool]

    public init(file: ScannedFile, className: String?, split: String?, patientID: String?, columnLabels: [String: Bool]) {
        self.file = file
        self.className = className
        self.split = split
        self.patientID = patientID
        self.columnLabels = columnLabels
    }
}

/// Every scanned image with its labels. `images[i]` belongs to `ScanResult.files[i]`, and
/// "image index" elsewhere in this module means an index into `images`.
public struct LabelledListing: Sendable {
    public var root: String
    public var images: [LabelledImage]
    /// Classes present in `images`, in code-point order.
    public var classNames: [String]
    /// Binary task columns of the label table, normalised, in header order.
    public var taskColumns: [String]
    /// Table columns that give no labels, with the reason.
    public var ignoredColumns: [IgnoredColumn]
    /// Skipped table rows, in line order.
    public var issues: [LabelIssue]
    /// Images of a refined class that matched no filename rule and were left unlabelled
    /// (`labels.unmatched` = `drop`).
    public var unmatchedCount: Int
    /// Scanned images that have no row in the label table (0 without a table).
    public var notInTableCount: Int
    /// Task column -> number of uncertain (-1) values left out under `labels.uncertain` = `ignore`.
    public var uncertainIgnored: [String: Int]
    /// The label table, or nil when classes come from folders.
    public var tablePath: String?

    /// Combines the label sources of a scanned dataset.
    ///
    /// Without a table, classes come from class folders (`ScannedFile.classFolder`). With a table,
    /// folders give only splits: classes come from `labels.class_column` when set, binary tasks from
    /// the table's task columns, and images without a row stay unlabelled. Filename rules then
    /// apply in order to every labelled image; the first match wins (see `FilenameRule`).
    ///
    /// Throws for an unreadable table, a header without `path` or a configured column, and an
    /// invalid rule pattern. Bad rows become `issues`.
    public init(scan: ScanResult, labels: LabelConfig, tablePath: String? = nil) throws(DatasetError) {
        let rules = try CompiledFilenameRules(labels.filenameRules, unmatched: labels.unmatched)
        var table: LabelTable?
        if let tablePath {
            table = try readLabelTable(file: tablePath, config: labels, knownPaths: Set(scan.files.map(\.relativePath)))
        }

        var images: [LabelledImage] = []
        images.reserveCapacity(scan.files.count)
        var unmatchedCount = 0
        var notInTableCount = 0
        var uncertainIgnored: [String: Int] = [:]

        for file in scan.files {
            var image = LabelledImage(file: file, className: nil, split: file.split, patientID: nil, columnLabels: [:])
            var baseClass = file.classFolder
            if let table {
                guard let row = table.rows[file.relativePath] else {
                    notInTableCount += 1
                    images.append(image)
                    continue
                }
                baseClass = row.className
                image.split = row.split ?? file.split
                image.patientID = row.patientID
                image.columnLabels = applyUncertainPolicy(
                    row.taskValues, policy: labels.uncertain, ignoredCounts: &uncertainIgnored
                )
            }

            switch rules.classify(fileName: (file.relativePath as NSString).lastPathComponent, baseClass: baseClass) {
            case let .labelled(className):
                image.className = className
            case .unlabelled:
                image.className = nil
            case .droppedUnmatched:
                image.className = nil
                unmatchedCount += 1
            }
            images.append(image)
        }

        self.root = scan.root
        self.images = images
        self.classNames = Set(images.compactMap(\.className)).sorted(by: codePointPrecedes)
        self.taskColumns = table?.taskColumns ?? []
        self.ignoredColumns = table?.ignoredColumns ?? []
        self.issues = (table?.issues ?? []).sorted { $0.line < $1.line }
        self.unmatchedCount = unmatchedCount
        self.notInTableCount = notInTableCount
        self.uncertainIgnored = uncertainIgnored
        self.tablePath = tablePath
    }
}

/// Converts 1/0/-1 cells to positive/negative under `policy` and counts the uncertain cells left out.
private func applyUncertainPolicy(
    _ values: [String: Int8], policy: UncertainPolicy, ignoredCounts: inout [String: Int]
) -> [String: Bool] {
    var labels: [String: Bool] = [:]
    for (task, value) in values {
        switch (value, policy) {
        case (1, _), (-1, .ones):
            labels[task] = true
        case (0, _), (-1, .zeros):
            labels[task] = false
        default:
            ignoredCounts[task, default: 0] += 1
        }
    }
    return labels
}
