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
    /// Binary task columns of the label table, normalised, in header order, followed by the task
    /// columns that containers store (multi-label array columns, `mask`) in order of appearance.
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
    /// Without a table, classes come from class folders (`ScannedFile.classFolder`). Labels stored
    /// in a container (`ScannedFile.embeddedLabels`) replace the folder class and add task
    /// columns. With a table, folders give only splits: classes come from `labels.class_column`
    /// when set, binary tasks from the table's task columns, and images without a row stay
    /// unlabelled unless a container stores their labels; a table row overrides stored labels.
    /// Filename rules then apply in order to every labelled image; the first match wins (see
    /// `FilenameRule`).
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

        var embeddedColumns: [String] = []
        var embeddedColumnSet = Set<String>()
        for file in scan.files {
            var image = LabelledImage(file: file, className: nil, split: file.split, patientID: nil, columnLabels: [:])
            var baseClass = file.classFolder

            // Labels stored in a container replace the folder class.
            if let embedded = file.embeddedLabels {
                let stored = storedLabels(embedded, classNames: labels.classNames)
                baseClass = stored.className ?? baseClass
                image.columnLabels = stored.columns
                for column in stored.columns.keys.sorted(by: codePointPrecedes) where !embeddedColumnSet.contains(column) {
                    embeddedColumnSet.insert(column)
                    embeddedColumns.append(column)
                }
            }

            if let table {
                if let row = table.rows[file.relativePath] {
                    baseClass = row.className ?? (file.embeddedLabels == nil ? nil : baseClass)
                    image.split = row.split ?? file.split
                    image.patientID = row.patientID
                    image.columnLabels.merge(
                        applyUncertainPolicy(row.taskValues, policy: labels.uncertain, ignoredCounts: &uncertainIgnored),
                        uniquingKeysWith: { _, table in table })
                } else {
                    notInTableCount += 1
                    // Container members keep their stored labels; other files stay unlabelled.
                    if file.embeddedLabels == nil {
                        images.append(image)
                        continue
                    }
                }
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
        let tableColumns = table?.taskColumns ?? []
        self.taskColumns = tableColumns + embeddedColumns.filter { !tableColumns.contains($0) }
        self.ignoredColumns = table?.ignoredColumns ?? []
        self.issues = (table?.issues ?? []).sorted { $0.line < $1.line }
        self.unmatchedCount = unmatchedCount
        self.notInTableCount = notInTableCount
        self.uncertainIgnored = uncertainIgnored
        self.tablePath = tablePath
    }
}

/// Returns the class and the binary task values of labels stored in a container (see `EmbeddedLabels`).
private func storedLabels(_ embedded: EmbeddedLabels, classNames: [String]) -> (className: String?, columns: [String: Bool]) {
    var columns: [String: Bool] = [:]
    for (index, value) in (embedded.columns ?? []).enumerated() {
        if let value {
            columns[EmbeddedLabels.columnTaskName(index, classNames: classNames)] = value
        }
    }
    if let mask = embedded.mask {
        columns[EmbeddedLabels.maskTaskName] = mask
    }
    let className = embedded.classValue.map { EmbeddedLabels.className($0, classNames: classNames) }
    return (className, columns)
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
