import Foundation

/// Filename rules with their patterns compiled.
///
/// A rule with `from` refines: it applies only to images whose class (folder or table) is one of
/// the `from` classes. A rule without `from` replaces: it applies to any image, labelled or not.
/// Rules are tried in order and the first whose pattern is found anywhere in the file name (the
/// last path component), case-insensitively, gives the class. An image of a refined class (one
/// named in any `from`) that matches no rule is dropped (`unmatched` = `drop`, the default) or
/// keeps its class (`keep`).
struct CompiledFilenameRules {
    enum Outcome: Equatable {
        case labelled(String)
        case unlabelled
        /// Refined class without a matching rule, dropped by `unmatched` = `drop`.
        case droppedUnmatched
    }

    private struct Rule {
        var className: String
        var expression: NSRegularExpression
        var from: Set<String>?
    }

    private let rules: [Rule]
    private let refinedClasses: Set<String>
    private let unmatched: UnmatchedPolicy

    init(_ rules: [FilenameRule], unmatched: UnmatchedPolicy) throws(DatasetError) {
        var compiled: [Rule] = []
        for (index, rule) in rules.enumerated() {
            let expression: NSRegularExpression
            do {
                expression = try NSRegularExpression(pattern: rule.pattern, options: [.caseInsensitive])
            } catch {
                throw .invalidFilenameRule(index: index, pattern: rule.pattern, message: error.localizedDescription)
            }
            compiled.append(Rule(
                className: normaliseClassName(rule.className),
                expression: expression,
                from: rule.from.map { Set($0.map(normaliseClassName)) }
            ))
        }
        self.rules = compiled
        self.refinedClasses = compiled.reduce(into: Set<String>()) { $0.formUnion($1.from ?? []) }
        self.unmatched = unmatched
    }

    /// Returns the class of an image from its file name and its folder or table class.
    func classify(fileName: String, baseClass: String?) -> Outcome {
        let range = NSRange(fileName.startIndex..., in: fileName)
        for rule in rules {
            if let from = rule.from {
                guard let baseClass, from.contains(baseClass) else {
                    continue
                }
            }
            if rule.expression.firstMatch(in: fileName, options: [], range: range) != nil {
                return .labelled(rule.className)
            }
        }

        guard let baseClass else {
            return .unlabelled
        }
        if refinedClasses.contains(baseClass) && unmatched == .drop {
            return .droppedUnmatched
        }
        return .labelled(baseClass)
    }
}
