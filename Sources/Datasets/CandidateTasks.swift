/// Source of a candidate task.
public enum TaskOrigin: String, Sendable, Codable, CaseIterable {
    /// Two classes, `A_vs_B`.
    case pair
    /// One class against all other classes, `A_vs_rest`.
    case oneVsRest
    /// A grouping of classes from `labels.groupings`.
    case grouping
    /// A binary column of the label table.
    case column
}

/// A binary labelling task over the images of a `LabelledListing`.
public struct CandidateTask: Sendable, Hashable {
    public var name: String
    /// Classes on the positive side. For a table column: `["<column>=1"]`.
    public var positiveClasses: [String]
    /// Classes on the negative side. For a table column: `["<column>=0"]`.
    public var negativeClasses: [String]
    /// Image index in `LabelledListing.images` -> positive? Images outside both sides are absent.
    public var labels: [Int: Bool]
    /// Name of the earlier task that splits the same images into the same two sets, with either
    /// polarity. K_F and d_data do not depend on which side is positive, so such a task is
    /// measured once, under the earlier name.
    public var sameAs: String?
    public var origin: TaskOrigin

    public init(
        name: String, positiveClasses: [String], negativeClasses: [String], labels: [Int: Bool],
        sameAs: String? = nil, origin: TaskOrigin
    ) {
        self.name = name
        self.positiveClasses = positiveClasses
        self.negativeClasses = negativeClasses
        self.labels = labels
        self.sameAs = sameAs
        self.origin = origin
    }

    /// Image indices of the positive side, ascending.
    public var positiveImages: [Int] {
        labels.filter { $0.value }.keys.sorted()
    }

    /// Image indices of the negative side, ascending.
    public var negativeImages: [Int] {
        labels.filter { !$0.value }.keys.sorted()
    }

    /// The two sides as an unordered pair, so a task and its polarity swap compare equal.
    var splitKey: SplitKey {
        SplitKey(positiveImages, negativeImages)
    }
}

/// Two sets of image indices, stored in a fixed order so that swapping them gives the same key.
struct SplitKey: Hashable {
    var first: [Int]
    var second: [Int]

    init(_ one: [Int], _ other: [Int]) {
        if one.lexicographicallyPrecedes(other) {
            first = one
            second = other
        } else {
            first = other
            second = one
        }
    }
}

/// A task that was not generated, with the reason.
public struct DroppedTask: Sendable, Hashable {
    public var name: String
    public var reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }
}

/// The candidate tasks of a dataset and the tasks that were dropped.
public struct CandidateTaskList: Sendable {
    /// Tasks in generation order: pairs, one-vs-rest, groupings, table columns.
    public var tasks: [CandidateTask]
    public var dropped: [DroppedTask]

    public var names: [String] {
        tasks.map(\.name)
    }
}

/// Generates the candidate tasks of a labelled dataset.
///
/// - Pairs (`tasks.pairs`): `A_vs_B` for every two classes with A before B in code-point order,
///   A positive.
/// - One-vs-rest (`tasks.one_vs_rest`, only with 3 or more classes): `A_vs_rest`, A positive.
/// - Groupings (`labels.groupings`): the named side positive; an empty `negative` means every other class.
/// - Table task columns: 1 positive, 0 negative.
///
/// A task with an empty side, a grouping that names an absent class or puts a class on both
/// sides, and a task whose name an earlier task already has are dropped with the reason. A task
/// that splits the images exactly like an earlier one, in either polarity, gets `sameAs`.
public func buildCandidateTasks(listing: LabelledListing, config: AuditConfig) -> CandidateTaskList {
    var builder = TaskListBuilder()
    let classes = listing.classNames
    var imagesByClass: [String: [Int]] = [:]
    for (index, image) in listing.images.enumerated() {
        if let className = image.className {
            imagesByClass[className, default: []].append(index)
        }
    }
    func classTask(_ name: String, _ positive: [String], _ negative: [String], _ origin: TaskOrigin) -> CandidateTask {
        var labels: [Int: Bool] = [:]
        for className in positive {
            for index in imagesByClass[className] ?? [] { labels[index] = true }
        }
        for className in negative {
            for index in imagesByClass[className] ?? [] { labels[index] = false }
        }
        return CandidateTask(name: name, positiveClasses: positive, negativeClasses: negative, labels: labels, origin: origin)
    }

    if config.tasks.pairs {
        for (position, first) in classes.enumerated() {
            for second in classes[(position + 1)...] {
                builder.add(classTask("\(first)_vs_\(second)", [first], [second], .pair))
            }
        }
    }

    if config.tasks.oneVsRest && classes.count >= 3 {
        for className in classes {
            builder.add(classTask("\(className)_vs_rest", [className], classes.filter { $0 != className }, .oneVsRest))
        }
    }

    for grouping in config.labels.groupings {
        let name = normaliseClassName(grouping.name)
        let positive = grouping.positive.map(normaliseClassName)
        var negative = grouping.negative.map(normaliseClassName)
        if negative.isEmpty {
            negative = classes.filter { !positive.contains($0) }
        }
        if let absent = (positive + negative).first(where: { imagesByClass[$0] == nil }) {
            builder.drop(name, "the grouping names the class '\(absent)', which no image has (classes: \(classes.joined(separator: ", ")))")
            continue
        }
        if let shared = positive.first(where: { negative.contains($0) }) {
            builder.drop(name, "the grouping puts the class '\(shared)' on both sides")
            continue
        }
        builder.add(classTask(name, positive, negative, .grouping))
    }

    for column in listing.taskColumns {
        var labels: [Int: Bool] = [:]
        for (index, image) in listing.images.enumerated() {
            if let value = image.columnLabels[column] {
                labels[index] = value
            }
        }
        builder.add(CandidateTask(
            name: column, positiveClasses: ["\(column)=1"], negativeClasses: ["\(column)=0"], labels: labels, origin: .column
        ))
    }

    return CandidateTaskList(tasks: builder.tasks, dropped: builder.dropped)
}

/// Accumulates tasks, dropping empty and duplicate-named ones and marking identical splits.
private struct TaskListBuilder {
    var tasks: [CandidateTask] = []
    var dropped: [DroppedTask] = []
    var splitByName: [String: SplitKey] = [:]
    var firstBySplit: [SplitKey: String] = [:]

    mutating func add(_ task: CandidateTask) {
        var task = task
        let positives = task.positiveImages
        let negatives = task.negativeImages
        let key = SplitKey(positives, negatives)

        if let earlierSplit = splitByName[task.name] {
            if earlierSplit == key {
                drop(task.name, "an earlier task has the same name and splits the images the same way")
            } else {
                drop(task.name, "an earlier task has the same name but splits the images differently; rename the grouping or table column")
            }
            return
        }
        if positives.isEmpty || negatives.isEmpty {
            let side = positives.isEmpty ? "positive" : "negative"
            drop(task.name, "no image on the \(side) side (\(positives.count) positive, \(negatives.count) negative)")
            return
        }

        if let first = firstBySplit[key] {
            task.sameAs = first
        } else {
            firstBySplit[key] = task.name
        }
        splitByName[task.name] = key
        tasks.append(task)
    }

    mutating func drop(_ name: String, _ reason: String) {
        dropped.append(DroppedTask(name: name, reason: reason))
    }
}
