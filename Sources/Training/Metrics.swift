import Foundation

/// Test-set metrics of a binary classifier that outputs one logit per image.
public struct ClassifierMetrics: Sendable, Equatable, Codable {
    /// Mean binary cross-entropy in nats.
    public var loss: Double
    /// Fraction of images whose logit has the label's sign (logit > 0 means positive).
    public var accuracy: Double
    /// Area under the ROC curve, nil when the set holds only one class.
    public var auc: Double?
}

/// Mean binary cross-entropy of logits z against labels y ∈ {0, 1}, in nats:
/// ℓ(z, y) = max(z, 0) − z·y + log(1 + e^(−|z|)), which equals −y·log σ(z) − (1 − y)·log(1 − σ(z))
/// without overflow for large |z|. Computed in Double. Returns 0 for empty input.
public func meanBinaryCrossEntropy(logits: [Float], labels: [Float]) -> Double {
    precondition(logits.count == labels.count, "one label per logit")
    guard !logits.isEmpty else { return 0 }
    var sum = 0.0
    for (logit, label) in zip(logits, labels) {
        let z = Double(logit)
        sum += max(z, 0) - z * Double(label) + log1p(exp(-abs(z)))
    }
    return sum / Double(logits.count)
}

/// Area under the ROC curve as the Mann–Whitney statistic: the probability that a random
/// positive scores above a random negative, counting ties as one half
/// (Hanley & McNeil 1982, Radiology 143:29, doi:10.1148/radiology.143.1.7063747).
/// Computed from mid-ranks in O(n log n). Returns nil when either class is absent.
public func rocAUC(scores: [Float], labels: [Float]) -> Double? {
    precondition(scores.count == labels.count, "one label per score")
    let positives = labels.filter { $0 > 0.5 }.count
    let negatives = labels.count - positives
    guard positives > 0 && negatives > 0 else { return nil }

    // Mid-ranks of the scores, 1-based.
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var ranks = [Double](repeating: 0, count: scores.count)
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
        let midRank = Double(start + end) / 2 + 1
        for position in start...end { ranks[order[position]] = midRank }
        start = end + 1
    }

    // U = R₊ − n₊(n₊ + 1)/2; AUC = U / (n₊ n₋).
    let positiveRankSum = zip(ranks, labels).reduce(0.0) { $0 + ($1.1 > 0.5 ? $1.0 : 0) }
    let u = positiveRankSum - Double(positives) * Double(positives + 1) / 2
    return u / (Double(positives) * Double(negatives))
}

/// Loss, accuracy and AUC of `logits` against `labels`.
public func classifierMetrics(logits: [Float], labels: [Float]) -> ClassifierMetrics {
    let correct = zip(logits, labels).filter { ($0.0 > 0) == ($0.1 > 0.5) }.count
    return ClassifierMetrics(
        loss: meanBinaryCrossEntropy(logits: logits, labels: labels),
        accuracy: logits.isEmpty ? 0 : Double(correct) / Double(logits.count),
        auc: rocAUC(scores: logits, labels: labels))
}

/// Returns the fast gradient sign method's adversarial copy of images in [0, 1]
/// (Goodfellow, Shlens & Szegedy 2015, arXiv 1412.6572): x_adv = clamp(x + ε · sign(∇ₓ L), 0, 1),
/// with sign(0) = 0. `epsilon` is on the [0, 1] intensity scale (1/255 is one 8-bit level).
public func fgsmImages(_ images: [Float], gradient: [Float], epsilon: Float) -> [Float] {
    precondition(images.count == gradient.count, "one gradient value per pixel")
    var adversarial = images
    for index in adversarial.indices {
        let g = gradient[index]
        let step: Float = g > 0 ? epsilon : (g < 0 ? -epsilon : 0)
        adversarial[index] = min(1, max(0, images[index] + step))
    }
    return adversarial
}
