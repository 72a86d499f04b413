import Foundation

/// Mean binary cross-entropy of logits z against labels y (PyTorch `BCEWithLogitsLoss`), computed
/// per element in the overflow-free form max(z, 0) − z·y + log(1 + exp(−|z|)) and summed in
/// Double. Returns 0 for empty input; uses the first min(logits.count, labels.count) pairs.
public func binaryCrossEntropy(logits: [Float], labels: [Float]) -> Double {
    let count = min(logits.count, labels.count)
    guard count > 0 else { return 0 }
    var sum = 0.0
    for i in 0..<count {
        sum += binaryCrossEntropyTerm(logit: Double(logits[i]), label: Double(labels[i]))
    }
    return sum / Double(count)
}

func binaryCrossEntropyTerm(logit z: Double, label y: Double) -> Double {
    max(z, 0) - z * y + log1p(exp(-abs(z)))
}

/// d/dz of one binary cross-entropy term: sigmoid(z) − y.
func binaryCrossEntropyDerivative(logit z: Float, label y: Float) -> Float {
    let sigmoid = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    return sigmoid - y
}
