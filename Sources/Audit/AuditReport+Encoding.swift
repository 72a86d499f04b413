// Swift's synthesised encoders omit nil optionals. The report promises `null` for an undefined
// value (next to its `reason`), so these encoders write nil values as explicit nulls.

extension DatasetSummary {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(root, forKey: .root)
        try container.encode(labelSource, forKey: .labelSource)
        try container.encode(images, forKey: .images)
        try container.encode(decoded, forKey: .decoded)
        try container.encode(cached, forKey: .cached)
        try container.encode(unreadable, forKey: .unreadable)
        try container.encode(rejectedPaths, forKey: .rejectedPaths)
        try container.encode(ignoredFiles, forKey: .ignoredFiles)
        try container.encode(labelled, forKey: .labelled)
        try container.encode(unlabelled, forKey: .unlabelled)
        try container.encode(classes, forKey: .classes)
        try container.encode(splits, forKey: .splits)
        try container.encode(constantImages, forKey: .constantImages)
        try container.encode(duplicates, forKey: .duplicates)
        try container.encode(nearDuplicates, forKey: .nearDuplicates)
        try container.encode(leakage, forKey: .leakage)
        try container.encode(labelIssues, forKey: .labelIssues)
        try container.encode(ignoredColumns, forKey: .ignoredColumns)
        try container.encode(nanVoxels, forKey: .nanVoxels)
    }
}

extension TaskReport {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(sameAs, forKey: .sameAs)
        try container.encode(positiveClasses, forKey: .positiveClasses)
        try container.encode(negativeClasses, forKey: .negativeClasses)
        try container.encode(positives, forKey: .positives)
        try container.encode(negatives, forKey: .negatives)
        try container.encode(rank, forKey: .rank)
        try container.encode(rankGroup, forKey: .rankGroup)
        try container.encode(ratioToEasiest, forKey: .ratioToEasiest)
        try container.encode(labelSharpness, forKey: .labelSharpness)
        try container.encode(intrinsicDimension, forKey: .intrinsicDimension)
    }
}

extension LabelSharpnessReport {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mean, forKey: .mean)
        try container.encode(ci95, forKey: .ci95)
        try container.encode(min, forKey: .min)
        try container.encode(max, forKey: .max)
        try container.encode(runs, forKey: .runs)
        try container.encode(samples, forKey: .samples)
        try container.encode(limitedByClass, forKey: .limitedByClass)
        try container.encode(closestPair, forKey: .closestPair)
        try container.encode(conflicts, forKey: .conflicts)
        try container.encode(infinite, forKey: .infinite)
        try container.encode(reason, forKey: .reason)
        try container.encode(pairs, forKey: .pairs)
        try container.encode(exactEvaluations, forKey: .exactEvaluations)
        try container.encode(perRun, forKey: .perRun)
    }
}

extension DimensionReport {
    /// `value`, `ci95` and `reason` are always present; the estimator's own parameters
    /// (`k` and `divisor` for MLE, `discard` and `discard_fraction` for TwoNN) only when set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)
        try container.encode(ci95, forKey: .ci95)
        try container.encode(points, forKey: .points)
        try container.encode(reason, forKey: .reason)
        try container.encodeIfPresent(k, forKey: .k)
        try container.encodeIfPresent(divisor, forKey: .divisor)
        if discard != nil {
            try container.encode(discardFraction, forKey: .discardFraction)
            try container.encode(discard, forKey: .discard)
        }
    }
}

extension IntrinsicDimensionReport {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mle, forKey: .mle)
        try container.encode(twonn, forKey: .twonn)
        try container.encode(samples, forKey: .samples)
        try container.encode(limitedByClass, forKey: .limitedByClass)
        try container.encode(exactEvaluations, forKey: .exactEvaluations)
        try container.encode(mleNearDedup, forKey: .mleNearDedup)
        try container.encode(twonnNearDedup, forKey: .twonnNearDedup)
    }
}
