import Foundation

/// A dataset folder to watch and the label source its audits use.
public struct RootSpec: Sendable, Equatable {
    /// Absolute path of the dataset folder (resolved with `realpath` when the daemon adds it).
    public var path: String
    /// Label table (CSV) path, or nil for class folders and filename rules.
    public var labels: String?
    /// Audit configuration file, or nil for the dataset's own `audit.json`.
    public var config: String?
    /// HTML report file rewritten after each re-audit of this root, or nil for none.
    public var htmlReport: String?

    public init(path: String, labels: String? = nil, config: String? = nil, htmlReport: String? = nil) {
        self.path = path
        self.labels = labels
        self.config = config
        self.htmlReport = htmlReport
    }
}

/// Rules for automatic confirmation trainings. Validated and stored, but not acted on: this version has no
/// training code.
public struct TrainingPolicy: Sendable, Equatable {
    /// Whether trainings would start automatically after a re-audit.
    public var enabled: Bool
    /// Maximum trainings per day, at least 1.
    public var maxPerDay: Int
    /// Minimum new images since the last training before another one, at least 1.
    public var minNewImages: Int

    public init(enabled: Bool, maxPerDay: Int, minNewImages: Int) {
        self.enabled = enabled
        self.maxPerDay = maxPerDay
        self.minNewImages = minNewImages
    }
}

/// The daemon configuration file: watched roots, timing and the training policy.
///
/// Format (every key optional; unknown keys are rejected so typos do not pass silently):
///
/// ```json
/// {"watch": {"roots": [{"path": "/data/cxr", "labels": null, "config": null, "html_report": null}],
///            "settle_seconds": 2, "poll_seconds": 60},
///  "training_policy": {"enabled": false, "max_per_day": 1, "min_new_images": 100}}
/// ```
///
/// `settle_seconds` (default 2, 0 to 3600) is the quiet time after the last change before a re-audit.
/// `poll_seconds` (default 60, 1 to 86400) is the scan period of roots that fell back to polling.
/// `html_report` names an HTML report file that the daemon rewrites after each re-audit of that root.
/// Relative `path`, `labels`, `config` and `html_report` values are resolved against the configuration
/// file's folder.
public struct DaemonConfig: Sendable, Equatable {
    public var roots: [RootSpec] = []
    public var settleSeconds: Double = 2
    public var pollSeconds: Double = 60
    public var trainingPolicy: TrainingPolicy?

    public init() {}

    /// Reads and validates the file at `path`.
    public static func load(path: String) throws(DaemonError) -> DaemonConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .invalidConfig(path: path, key: nil, message: "cannot read the file: \(error.localizedDescription)")
        }
        // Relative paths in the file become absolute here, because jobs store them and a restarted
        // daemon may run from another working directory.
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let base = (absolute as NSString).deletingLastPathComponent
        return try parse(data, path: path, baseDirectory: base.isEmpty ? "/" : base)
    }

    /// Parses a configuration document; `path` only names the file in errors.
    public static func parse(_ data: Data, path: String, baseDirectory: String) throws(DaemonError) -> DaemonConfig {
        func fail(_ key: String?, _ message: String) -> DaemonError {
            .invalidConfig(path: path, key: key, message: message)
        }

        guard let top = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw fail(nil, "the file is not a JSON object")
        }
        try rejectUnknownKeys(top, allowed: ["watch", "training_policy"], prefix: "", path: path)

        var config = DaemonConfig()
        if let watch = top["watch"] {
            guard let watch = watch as? [String: Any] else { throw fail("watch", "expected an object") }
            try rejectUnknownKeys(watch, allowed: ["roots", "settle_seconds", "poll_seconds"], prefix: "watch.", path: path)
            if let value = watch["settle_seconds"] {
                config.settleSeconds = try number(value, key: "watch.settle_seconds", range: 0...3600, path: path)
            }
            if let value = watch["poll_seconds"] {
                config.pollSeconds = try number(value, key: "watch.poll_seconds", range: 1...86400, path: path)
            }
            if let roots = watch["roots"] {
                guard let roots = roots as? [Any] else { throw fail("watch.roots", "expected an array of objects") }
                for (index, entry) in roots.enumerated() {
                    let key = "watch.roots[\(index)]"
                    guard let entry = entry as? [String: Any] else { throw fail(key, "expected an object with a \"path\"") }
                    try rejectUnknownKeys(entry, allowed: ["path", "labels", "config", "html_report"], prefix: key + ".", path: path)
                    guard let rootPath = entry["path"] as? String, !rootPath.isEmpty else {
                        throw fail(key + ".path", "missing or not a non-empty string")
                    }
                    config.roots.append(RootSpec(
                        path: resolve(rootPath, baseDirectory),
                        labels: try optionalPath(entry["labels"], key: key + ".labels", base: baseDirectory, path: path),
                        config: try optionalPath(entry["config"], key: key + ".config", base: baseDirectory, path: path),
                        htmlReport: try optionalPath(entry["html_report"], key: key + ".html_report", base: baseDirectory, path: path)
                    ))
                }
            }
        }

        if let policy = top["training_policy"] {
            config.trainingPolicy = try parseTrainingPolicy(policy, path: path)
        }
        return config
    }

    private static func parseTrainingPolicy(_ value: Any, path: String) throws(DaemonError) -> TrainingPolicy {
        guard let policy = value as? [String: Any] else {
            throw .invalidConfig(path: path, key: "training_policy", message: "expected an object")
        }
        try rejectUnknownKeys(policy, allowed: ["enabled", "max_per_day", "min_new_images"], prefix: "training_policy.", path: path)

        var enabled = false
        if let value = policy["enabled"] {
            guard isJSONBoolean(value), let flag = value as? Bool else {
                throw .invalidConfig(path: path, key: "training_policy.enabled", message: "expected true or false, got \(value)")
            }
            enabled = flag
        }
        let maxPerDay = try policy["max_per_day"].map { value throws(DaemonError) in
            Int(try number(value, key: "training_policy.max_per_day", range: 1...1000, path: path, integer: true))
        } ?? 1
        let minNewImages = try policy["min_new_images"].map { value throws(DaemonError) in
            Int(try number(value, key: "training_policy.min_new_images", range: 1...10_000_000, path: path, integer: true))
        } ?? 100
        return TrainingPolicy(enabled: enabled, maxPerDay: maxPerDay, minNewImages: minNewImages)
    }

    private static func rejectUnknownKeys(_ object: [String: Any], allowed: Set<String>, prefix: String, path: String) throws(DaemonError) {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidConfig(
                path: path, key: prefix + unknown,
                message: "unknown key; allowed keys: \(allowed.sorted().joined(separator: ", "))"
            )
        }
    }

    private static func number(
        _ value: Any, key: String, range: ClosedRange<Double>, path: String, integer: Bool = false
    ) throws(DaemonError) -> Double {
        let unit = integer ? "an integer" : "a number"
        guard !isJSONBoolean(value), let number = (value as? NSNumber)?.doubleValue,
              range.contains(number), !integer || number.rounded() == number else {
            throw .invalidConfig(
                path: path, key: key,
                message: "expected \(unit) from \(formatBound(range.lowerBound)) to \(formatBound(range.upperBound)), got \(value)"
            )
        }
        return number
    }

    private static func optionalPath(_ value: Any?, key: String, base: String, path: String) throws(DaemonError) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String, !text.isEmpty else {
            throw .invalidConfig(path: path, key: key, message: "expected a file path or null")
        }
        return resolve(text, base)
    }

    private static func resolve(_ path: String, _ base: String) -> String {
        path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    }

    private static func formatBound(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}

/// True when `value` is a JSON boolean as decoded by JSONSerialization (which gives NSNumber for both numbers
/// and booleans).
func isJSONBoolean(_ value: Any) -> Bool {
    guard let number = value as? NSNumber else { return false }
    return type(of: number) == type(of: NSNumber(value: true))
}
