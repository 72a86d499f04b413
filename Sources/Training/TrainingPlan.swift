import Datasets

/// One image available to the confirmation training of a task.
public struct TrainingCandidate: Sendable, Equatable {
    /// Index in `LabelledListing.images`.
    public var image: Int
    public var positive: Bool
    /// `train`, `val`, `test` or nil, as the label source gives it.
    public var split: String?
    /// Patient identifier from the label source, or nil.
    public var patientID: String?
    /// Stable key of the image (a hash of its relative path); orders every selection.
    public var key: UInt64

    public init(image: Int, positive: Bool, split: String?, patientID: String?, key: UInt64) {
        self.image = image
        self.positive = positive
        self.split = split
        self.patientID = patientID
        self.key = key
    }

    /// Images without a patient identifier count as their own patient.
    var patientKey: String {
        patientID.map { "id:" + $0 } ?? "image:\(image)"
    }
}

/// The images that train and test a task: one fixed class-balanced test set and a ladder of nested
/// class-balanced training sets.
///
/// Rules:
/// - Sizes are totals, half per class. Each larger training set contains every smaller one.
/// - The test set is the task's `test` split when it has images of both classes there,
///   otherwise it is held out first, before any training set is drawn.
/// - A held-out test set takes at most half of the smaller class, so training keeps the other half.
/// - No patient has images in both the test set and a training set.
/// - Sizes beyond what the classes contain are replaced by the largest size that exists, with a
///   note.
///
/// Selection is by a stable per-image key ranked with the seed (`StableSampler.rank`), so the
/// same folder, task and seed give the same sets on any machine.
public struct TrainingPlan: Sendable, Equatable {
    /// (candidate position in `candidates`) of the test images, positives first.
    public var testSet: [Int]
    /// Training sets by total size, ascending; each is the previous one plus new images.
    public var ladder: [(size: Int, members: [Int])]
    public var candidates: [TrainingCandidate]
    /// Source of the test set: "test split" or "held out".
    public var testSource: String
    /// Cuts and exclusions with their reasons, for the report.
    public var notes: [String]

    public static func == (lhs: TrainingPlan, rhs: TrainingPlan) -> Bool {
        lhs.testSet == rhs.testSet && lhs.candidates == rhs.candidates && lhs.testSource == rhs.testSource
            && lhs.notes == rhs.notes && lhs.ladder.map(\.size) == rhs.ladder.map(\.size)
            && lhs.ladder.map(\.members) == rhs.ladder.map(\.members)
    }

    /// Builds the plan. `sizes` must be positive; `testSize` is the requested total of the test
    /// set. Throws when either class has fewer than 2 usable images.
    public init(candidates: [TrainingCandidate], sizes: [Int], testSize: Int, seed: UInt64) throws(TrainingPlanError) {
        self.candidates = candidates
        var notes: [String] = []
        let key = StableSampler.streamKey(seed: seed, stream: .training, run: 0)
        func ranked(_ positions: [Int]) -> [Int] {
            positions.sorted {
                let a = StableSampler.rank(checksum: candidates[$0].key, key: key)
                let b = StableSampler.rank(checksum: candidates[$1].key, key: key)
                return a != b ? a < b : candidates[$0].image < candidates[$1].image
            }
        }

        // Test set: the test split when it contains both classes, else held out.
        let inTestSplit = candidates.indices.filter { candidates[$0].split == "test" }
        let splitHasBoth = Set(inTestSplit.map { candidates[$0].positive }).count == 2
        var testPositions: [Int]
        var excluded: Set<String>
        if splitHasBoth {
            testSource = "test split"
            let perClass = min(testSize / 2, Self.count(inTestSplit, candidates, true), Self.count(inTestSplit, candidates, false))
            if perClass < testSize / 2 {
                notes.append("test set cut to \(perClass) images per class (requested \(testSize / 2)): the test split has no more in its smaller class")
            }
            testPositions = []
            for positive in [true, false] {
                testPositions += ranked(inTestSplit.filter { candidates[$0].positive == positive }).prefix(perClass)
            }
            excluded = Set(inTestSplit.map { candidates[$0].patientKey })
        } else {
            testSource = "held out"
            let smaller = min(Self.count(candidates.indices.map { $0 }, candidates, true),
                              Self.count(candidates.indices.map { $0 }, candidates, false))
            guard smaller >= 2 else {
                throw .classTooSmall(images: smaller)
            }
            let perClass = min(testSize / 2, smaller / 2)
            if perClass < testSize / 2 {
                notes.append("test set cut to \(perClass) images per class (requested \(testSize / 2)): the smaller class has \(smaller) images and training keeps half")
            }
            (testPositions, excluded) = Self.holdOut(perClass: perClass, candidates: candidates, ranked: ranked) { patient in
                StableSampler.rank(checksum: contentChecksum(Array(patient.utf8)), key: key)
            }
        }
        testSet = testPositions

        // Training pool: everything outside the test split whose patient is not in the test set.
        let pool = candidates.indices.filter {
            candidates[$0].split != "test" && !excluded.contains(candidates[$0].patientKey)
        }
        let leftOut = candidates.indices.filter { candidates[$0].split != "test" }.count - pool.count
        if leftOut > 0 {
            notes.append("\(leftOut) images left out of training because their patient is in the test set")
        }
        let positives = ranked(pool.filter { candidates[$0].positive })
        let negatives = ranked(pool.filter { !candidates[$0].positive })
        let available = min(positives.count, negatives.count)
        guard available >= 1 else {
            throw .classTooSmall(images: available)
        }

        // Ladder: nested prefixes of the ranked class lists, cut to what exists.
        var ladderSizes: [Int] = []
        for size in Set(sizes).sorted() {
            let perClass = size / 2
            if size % 2 == 1 {
                notes.append("training size \(size) rounded down to \(size - 1): sizes are half per class")
            }
            if perClass <= available {
                ladderSizes.append(perClass * 2)
            } else {
                notes.append("training size \(size) cut: each class has \(available) training images, so the largest size is \(available * 2)")
                if !ladderSizes.contains(available * 2) { ladderSizes.append(available * 2) }
            }
        }
        ladder = Array(Set(ladderSizes)).sorted().map { size in
            (size, Array(positives.prefix(size / 2)) + Array(negatives.prefix(size / 2)))
        }
        self.notes = notes
    }

    private static func count(_ positions: [Int], _ candidates: [TrainingCandidate], _ positive: Bool) -> Int {
        positions.filter { candidates[$0].positive == positive }.count
    }

    /// Fills each class's test quota patient by patient: patients in ranked order of their key,
    /// each patient's images in ranked order. A patient whose images would overfill a quota gives
    /// only the images that fit; its other images are kept out of training all the same.
    private static func holdOut(
        perClass: Int, candidates: [TrainingCandidate], ranked: ([Int]) -> [Int], patientRank: (String) -> UInt64
    ) -> ([Int], Set<String>) {
        let order = ranked(Array(candidates.indices)).enumerated().sorted { lhs, rhs in
            let a = patientRank(candidates[lhs.element].patientKey)
            let b = patientRank(candidates[rhs.element].patientKey)
            return a != b ? a < b : lhs.offset < rhs.offset
        }.map(\.element)

        var chosen: [Bool: [Int]] = [true: [], false: []]
        var patients: Set<String> = []
        for position in order {
            if chosen[true]!.count >= perClass && chosen[false]!.count >= perClass { break }
            let candidate = candidates[position]
            if chosen[candidate.positive]!.count >= perClass { continue }
            chosen[candidate.positive]!.append(position)
            patients.insert(candidate.patientKey)
        }
        return (chosen[true]! + chosen[false]!, patients)
    }
}

public enum TrainingPlanError: Error, CustomStringConvertible, Sendable, Equatable {
    case classTooSmall(images: Int)

    public var description: String {
        switch self {
        case let .classTooSmall(images):
            return "a class of the task has \(images) usable images; training and testing need at least 2 per class"
        }
    }
}
