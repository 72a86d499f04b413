import Datasets
import Estimators
import LinearAlgebra

/// Exact duplicate groups among decoded images and the rows removed before any estimate.
struct DuplicateFindings {
    /// Groups of rows with identical preprocessed vectors, first member kept.
    var groups: [[Int]]
    /// Every member but the first of each group.
    var removed: Set<Int>
    /// Removed rows whose file bytes equal the kept member's (identical decoded pixels).
    var identicalFiles: Int
    /// Removed rows whose files differ but whose preprocessed vectors are identical.
    var identicalAfterPreprocessing: Int
}

extension Auditor {
    /// Groups identical preprocessed vectors and splits the removed copies into identical files
    /// and files that only became identical through preprocessing.
    ///
    /// NOTE: two files with different bytes but identical decoded pixels (for example a PNG saved
    /// twice with different compression) are counted as identical after preprocessing.
    func findDuplicates(_ rows: [Int], features: FeatureMatrix, loaded: [LoadedImage], paths: [String]) -> DuplicateFindings {
        let groups = identicalRowGroups(rows, features: features)
        var removed = Set<Int>()
        var identicalFiles = 0
        for group in groups {
            let keptChecksum = loaded[group[0]].checksum
            for member in group.dropFirst() {
                removed.insert(member)
                if loaded[member].checksum == keptChecksum { identicalFiles += 1 }
            }
        }
        return DuplicateFindings(
            groups: groups, removed: removed,
            identicalFiles: identicalFiles, identicalAfterPreprocessing: removed.count - identicalFiles
        )
    }

    /// Pairs of paths (negative, positive) of identical images labelled differently in `task`.
    func conflictPairs(_ groups: [[Int]], task: CandidateTask, paths: [String]) -> [[String]] {
        var pairs: [[String]] = []
        for group in groups {
            let negatives = group.filter { task.labels[$0] == false }
            let positives = group.filter { task.labels[$0] == true }
            for negative in negatives {
                for positive in positives {
                    pairs.append([paths[negative], paths[positive]])
                }
            }
        }
        return pairs
    }
}
