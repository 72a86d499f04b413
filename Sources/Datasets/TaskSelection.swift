import Foundation

/// Chooses the tasks an audit measures.
///
/// - Parameters:
///   - patterns: the `--tasks` value, a comma-separated list of shell globs over task names. `*`
///     matches any run of characters, `?` one character, and everything else itself. Whitespace
///     around each glob is ignored. Nil selects every task.
///   - maxCandidates: `tasks.max_candidates`; without `patterns`, more tasks than this is an error.
/// - Returns: the selected tasks in their original order. `sameAs` is recomputed among the selected
///   tasks, so it always names a selected task: a task whose earlier twin was not selected is
///   measured under its own name.
/// - Throws: `noTaskMatches` for a glob that matches no task, `emptyTaskSelection` when `patterns`
///   has no glob, `tooManyCandidateTasks` as above.
public func selectTasks(
    _ list: CandidateTaskList, patterns: String?, maxCandidates: Int
) throws(DatasetError) -> [CandidateTask] {
    guard let patterns else {
        guard list.tasks.count <= maxCandidates else {
            throw .tooManyCandidateTasks(count: list.tasks.count, maximum: maxCandidates)
        }
        return list.tasks
    }

    let globs = patterns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !globs.isEmpty else {
        throw .emptyTaskSelection
    }
    for glob in globs where !list.tasks.contains(where: { globMatches(glob, $0.name) }) {
        throw .noTaskMatches(pattern: glob, available: list.names)
    }

    var selected: [CandidateTask] = []
    var firstBySplit: [SplitKey: String] = [:]
    for var task in list.tasks where globs.contains(where: { globMatches($0, task.name) }) {
        let key = task.splitKey
        task.sameAs = firstBySplit[key]
        if task.sameAs == nil {
            firstBySplit[key] = task.name
        }
        selected.append(task)
    }
    return selected
}

/// Matches a whole name against a shell glob with `*` and `?`, comparing characters exactly.
///
/// Greedy matching with one backtrack point (the last `*`), which is exact for globs without
/// character classes and runs in O(pattern x name) at worst.
func globMatches(_ glob: String, _ name: String) -> Bool {
    let pattern = Array(glob)
    let text = Array(name)
    var patternIndex = 0
    var textIndex = 0
    var lastStar: Int?
    var textAfterStar = 0

    while textIndex < text.count {
        if patternIndex < pattern.count && pattern[patternIndex] == "*" {
            lastStar = patternIndex
            textAfterStar = textIndex
            patternIndex += 1
        } else if patternIndex < pattern.count && (pattern[patternIndex] == "?" || pattern[patternIndex] == text[textIndex]) {
            patternIndex += 1
            textIndex += 1
        } else if let star = lastStar {
            patternIndex = star + 1
            textAfterStar += 1
            textIndex = textAfterStar
        } else {
            return false
        }
    }

    while patternIndex < pattern.count && pattern[patternIndex] == "*" {
        patternIndex += 1
    }
    return patternIndex == pattern.count
}
