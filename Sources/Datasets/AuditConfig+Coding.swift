import ImageIO

// Strict JSON coding of the configuration: snake_case keys, unknown keys rejected, missing keys
// taken from the defaults, enumerations and ranges checked with messages that list what is accepted.

/// A coding key for any string, so that decoding can see every key of an object.
struct ConfigKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) {
        stringValue = string
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        return nil
    }
}

extension KeyedDecodingContainer where K == ConfigKey {
    /// Throws a data-corrupted error naming the first key (in code-point order) that is not in `accepted`.
    func rejectUnknownKeys(accepted: [String]) throws {
        let unknown = allKeys.map(\.stringValue).filter { !accepted.contains($0) }.sorted(by: codePointPrecedes)
        if let key = unknown.first {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: codingPath + [ConfigKey(key)],
                debugDescription: "unknown key; accepted keys here: \(accepted.joined(separator: ", "))"
            ))
        }
    }

    /// Decodes `key`, or returns `fallback` when the key is absent.
    func value<T: Decodable>(_ key: String, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: ConfigKey(key)) ?? fallback
    }

    /// Decodes an optional `key`: absent gives `fallback`, JSON null gives nil.
    func optionalValue<T: Decodable>(_ key: String, or fallback: T?) throws -> T? {
        let codingKey = ConfigKey(key)
        guard contains(codingKey) else {
            return fallback
        }
        if try decodeNil(forKey: codingKey) {
            return nil
        }
        return try decode(T.self, forKey: codingKey)
    }

    /// Decodes a string enumeration; an invalid value is reported with the accepted values.
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, or fallback: E) throws -> E
    where E.RawValue == String {
        guard let text = try decodeIfPresent(String.self, forKey: ConfigKey(key)) else {
            return fallback
        }
        guard let parsed = E(rawValue: text) else {
            let accepted = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw invalid(key, "invalid value \"\(text)\"; expected one of \(accepted)")
        }
        return parsed
    }

    /// Decodes an integer that must lie in `range`.
    ///
    /// A fractional or huge number is reported with its value here, because JSONDecoder (swift-corelibs
    /// Foundation, Swift 6.3) reports it only as "not valid JSON" without a key.
    func integer(_ key: String, or fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        let codingKey = ConfigKey(key)
        guard contains(codingKey) else {
            return fallback
        }
        if try !decodeNil(forKey: codingKey), let real = try? decode(Double.self, forKey: codingKey),
           (try? decode(Int.self, forKey: codingKey)) == nil {
            throw invalid(key, "invalid value \(real); expected an integer")
        }

        let number = try decode(Int.self, forKey: codingKey)
        guard range.contains(number) else {
            let bound = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            throw invalid(key, "invalid value \(number); expected an integer \(bound)")
        }
        return number
    }

    func invalid(_ key: String, _ message: String) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(
            codingPath: codingPath + [ConfigKey(key)], debugDescription: message
        ))
    }
}

extension AuditConfig {
    static let keys = ["preprocessing", "label_sharpness", "intrinsic_dimension", "labels", "tasks", "near_duplicates", "scan", "threads"]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: Self.keys)
        self.init()
        preprocessing = try container.value("preprocessing", or: PreprocessingSection(preprocessing)).settings
        labelSharpness = try container.value("label_sharpness", or: labelSharpness)
        intrinsicDimension = try container.value("intrinsic_dimension", or: intrinsicDimension)
        labels = try container.value("labels", or: labels)
        tasks = try container.value("tasks", or: tasks)
        nearDuplicates = try container.value("near_duplicates", or: nearDuplicates)
        scan = try container.value("scan", or: scan)
        threads = try container.integer("threads", or: threads, in: 0...4096)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(PreprocessingSection(preprocessing), forKey: ConfigKey("preprocessing"))
        try container.encode(labelSharpness, forKey: ConfigKey("label_sharpness"))
        try container.encode(intrinsicDimension, forKey: ConfigKey("intrinsic_dimension"))
        try container.encode(labels, forKey: ConfigKey("labels"))
        try container.encode(tasks, forKey: ConfigKey("tasks"))
        try container.encode(nearDuplicates, forKey: ConfigKey("near_duplicates"))
        try container.encode(scan, forKey: ConfigKey("scan"))
        try container.encode(threads, forKey: ConfigKey("threads"))
    }
}

/// The `preprocessing` section with snake_case keys, wrapping ImageIO's `PreprocessingSettings`.
struct PreprocessingSection: Codable {
    var settings: PreprocessingSettings

    init(_ settings: PreprocessingSettings) {
        self.settings = settings
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: [
            "resolution", "channels", "normalize", "scaled_jpeg_decoding", "max_pixels", "dicom_window",
        ])
        let defaults = PreprocessingSettings()
        settings = PreprocessingSettings(
            resolution: try container.integer("resolution", or: defaults.resolution, in: 8...4096),
            channels: try container.choice("channels", or: defaults.channels),
            normalize: try container.choice("normalize", or: defaults.normalize),
            scaledJPEGDecoding: try container.value("scaled_jpeg_decoding", or: defaults.scaledJPEGDecoding),
            maxPixels: try container.integer("max_pixels", or: defaults.maxPixels, in: 1...Int.max),
            dicomWindow: try container.choice("dicom_window", or: defaults.dicomWindow)
        )
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(settings.resolution, forKey: ConfigKey("resolution"))
        try container.encode(settings.channels.rawValue, forKey: ConfigKey("channels"))
        try container.encode(settings.normalize.rawValue, forKey: ConfigKey("normalize"))
        try container.encode(settings.scaledJPEGDecoding, forKey: ConfigKey("scaled_jpeg_decoding"))
        try container.encode(settings.maxPixels, forKey: ConfigKey("max_pixels"))
        try container.encode(settings.dicomWindow.rawValue, forKey: ConfigKey("dicom_window"))
    }
}

extension LabelSharpnessConfig {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: ["samples", "runs", "seed"])
        self.init()
        samples = try container.integer("samples", or: samples, in: 2...Int.max)
        runs = try container.integer("runs", or: runs, in: 1...Int.max)
        seed = try container.integer("seed", or: seed, in: 0...Int.max)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(samples, forKey: ConfigKey("samples"))
        try container.encode(runs, forKey: ConfigKey("runs"))
        try container.encode(seed, forKey: ConfigKey("seed"))
    }
}

extension IntrinsicDimensionConfig {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: [
            "samples", "neighbors", "mle_divisor", "twonn_discard", "twonn_discard_fraction", "bootstrap",
        ])
        self.init()
        samples = try container.integer("samples", or: samples, in: 3...Int.max)
        neighbors = try container.integer("neighbors", or: neighbors, in: 3...Int.max)
        mleDivisor = try container.choice("mle_divisor", or: mleDivisor)
        twonnDiscard = try container.choice("twonn_discard", or: twonnDiscard)
        twonnDiscardFraction = try container.value("twonn_discard_fraction", or: twonnDiscardFraction)
        bootstrap = try container.integer("bootstrap", or: bootstrap, in: 0...Int.max)

        guard twonnDiscardFraction >= 0 && twonnDiscardFraction < 1 else {
            throw container.invalid(
                "twonn_discard_fraction", "invalid value \(twonnDiscardFraction); expected a number in [0, 1)"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(samples, forKey: ConfigKey("samples"))
        try container.encode(neighbors, forKey: ConfigKey("neighbors"))
        try container.encode(mleDivisor.rawValue, forKey: ConfigKey("mle_divisor"))
        try container.encode(twonnDiscard.rawValue, forKey: ConfigKey("twonn_discard"))
        try container.encode(twonnDiscardFraction, forKey: ConfigKey("twonn_discard_fraction"))
        try container.encode(bootstrap, forKey: ConfigKey("bootstrap"))
    }
}

extension FilenameRule {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: ["class", "pattern", "from"])
        className = try container.decode(String.self, forKey: ConfigKey("class"))
        pattern = try container.decode(String.self, forKey: ConfigKey("pattern"))
        from = try container.optionalValue("from", or: nil)
        if let from, from.isEmpty {
            throw container.invalid("from", "empty list; name at least one class, or omit 'from' to apply the rule to every image")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(className, forKey: ConfigKey("class"))
        try container.encode(pattern, forKey: ConfigKey("pattern"))
        try container.encodeIfPresent(from, forKey: ConfigKey("from"))
    }
}

extension TaskGrouping {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: ["name", "positive", "negative"])
        name = try container.decode(String.self, forKey: ConfigKey("name"))
        positive = try container.decode([String].self, forKey: ConfigKey("positive"))
        negative = try container.value("negative", or: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(name, forKey: ConfigKey("name"))
        try container.encode(positive, forKey: ConfigKey("positive"))
        try container.encode(negative, forKey: ConfigKey("negative"))
    }
}

extension LabelConfig {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: [
            "filename_rules", "unmatched", "groupings", "class_column", "patient_column", "uncertain", "task_columns",
            "class_names",
        ])
        self.init()
        filenameRules = try container.value("filename_rules", or: filenameRules)
        unmatched = try container.choice("unmatched", or: unmatched)
        groupings = try container.value("groupings", or: groupings)
        classColumn = try container.optionalValue("class_column", or: classColumn)
        patientColumn = try container.value("patient_column", or: patientColumn)
        uncertain = try container.choice("uncertain", or: uncertain)
        taskColumns = try container.optionalValue("task_columns", or: taskColumns)
        classNames = try container.value("class_names", or: classNames)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(filenameRules, forKey: ConfigKey("filename_rules"))
        try container.encode(unmatched.rawValue, forKey: ConfigKey("unmatched"))
        try container.encode(groupings, forKey: ConfigKey("groupings"))
        try container.encode(classColumn, forKey: ConfigKey("class_column"))
        try container.encode(patientColumn, forKey: ConfigKey("patient_column"))
        try container.encode(uncertain.rawValue, forKey: ConfigKey("uncertain"))
        try container.encode(taskColumns, forKey: ConfigKey("task_columns"))
        try container.encode(classNames, forKey: ConfigKey("class_names"))
    }
}

extension TaskConfig {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: ["pairs", "one_vs_rest", "max_candidates"])
        self.init()
        pairs = try container.value("pairs", or: pairs)
        oneVsRest = try container.value("one_vs_rest", or: oneVsRest)
        maxCandidates = try container.integer("max_candidates", or: maxCandidates, in: 1...Int.max)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(pairs, forKey: ConfigKey("pairs"))
        try container.encode(oneVsRest, forKey: ConfigKey("one_vs_rest"))
        try container.encode(maxCandidates, forKey: ConfigKey("max_candidates"))
    }
}

extension NearDuplicateConfig {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: ["threshold_factor", "samples"])
        self.init()
        thresholdFactor = try container.value("threshold_factor", or: thresholdFactor)
        guard thresholdFactor >= 0, thresholdFactor < 1 else {
            throw container.invalid("threshold_factor", "invalid value \(thresholdFactor); expected a number from 0 (off) to below 1")
        }
        samples = try container.integer("samples", or: samples, in: 2...Int.max)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(thresholdFactor, forKey: ConfigKey("threshold_factor"))
        try container.encode(samples, forKey: ConfigKey("samples"))
    }
}
