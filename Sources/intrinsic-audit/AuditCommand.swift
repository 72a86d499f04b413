import Audit
import Foundation
import ImageIO
import Reports
import Store

enum AuditCommand {
    static let usage = "intrinsic-audit audit FOLDER [--labels CSV] [--config FILE] [--db FILE] [--resolution PX] [--normalize minmax|bitdepth] [--samples M] [--runs R] [--neighbors K] [--id-samples N] [--tasks PATTERN] [--seed S] [--threads T] [--format text|json]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "labels", valueName: "CSV", help: "label table with a 'path' column relative to FOLDER; folders then give only splits"),
        OptionSpec(name: "config", valueName: "FILE", help: "configuration JSON that overrides FOLDER/audit.json (see docs/configuration.md)"),
        .database,
        OptionSpec(name: "resolution", valueName: "PX", help: "side of the square images are stretched to, in pixels (default 224)"),
        OptionSpec(name: "normalize", valueName: "MODE", help: "minmax (per image, default) or bitdepth (value / (2^bits - 1))"),
        OptionSpec(name: "samples", valueName: "M", help: "images per K_F run, half from each class (default 1000)"),
        OptionSpec(name: "runs", valueName: "R", help: "K_F runs with different samples (default 25)"),
        OptionSpec(name: "neighbors", valueName: "K", help: "neighbours k of the MLE estimator (default 20)"),
        OptionSpec(name: "id-samples", valueName: "N", help: "images in the class-balanced intrinsic-dimension sample (default 2000)"),
        OptionSpec(name: "tasks", valueName: "PATTERN", help: "comma-separated globs selecting tasks, e.g. 'normal_vs_*,pneumonia'"),
        OptionSpec(name: "seed", valueName: "S", help: "seed of the stable sampler and the bootstrap (default 0)"),
        OptionSpec(name: "threads", valueName: "T", help: "worker and BLAS threads; 0 uses every core (default 0)"),
        .textOrJSON,
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Measure label sharpness K_F and intrinsic dimension for every candidate task of an image folder, rank the tasks and store the results.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.count == 1 else {
            throw UsageError(message: parsed.positionals.isEmpty ? "missing FOLDER" : "expected one FOLDER, got \(parsed.positionals.count): \(parsed.positionals.joined(separator: " "))", usage: usage)
        }

        var options = AuditOptions(root: parsed.positionals[0])
        options.labelsPath = parsed.string("labels")
        options.configPath = parsed.string("config")
        options.resolution = try parsed.integer("resolution", in: 8...4096, usage: usage)
        options.normalize = try parsed.choice("normalize", Normalization.allCases.map(\.rawValue), usage: usage).flatMap(Normalization.init(rawValue:))
        options.samples = try parsed.integer("samples", in: 2...Int.max, usage: usage)
        options.runs = try parsed.integer("runs", in: 1...10_000, usage: usage)
        options.neighbors = try parsed.integer("neighbors", in: 3...1000, usage: usage)
        options.idSamples = try parsed.integer("id-samples", in: 3...Int.max, usage: usage)
        options.seed = try parsed.integer("seed", in: 0...Int.max, usage: usage)
        options.threads = try parsed.integer("threads", in: 0...4096, usage: usage)
        options.taskPattern = parsed.string("tasks")
        let format = try parsed.choice("format", ["text", "json"], usage: usage) ?? "text"
        if let labels = options.labelsPath, !FileManager.default.fileExists(atPath: labels) {
            throw UsageError(message: "label table not found: \(labels)", usage: usage)
        }
        if let config = options.configPath, !FileManager.default.fileExists(atPath: config) {
            throw UsageError(message: "configuration file not found: \(config)", usage: usage)
        }

        let store = try openStore(parsed.string("db"))
        let cancellation = CancellationFlag()
        let interrupt = installInterruptHandler(cancellation)
        defer { interrupt.cancel() }
        let progress = ProgressBar.makeHandler()

        let report: AuditReport
        do {
            report = try Auditor(store: store, options: options, cancellation: cancellation, progress: progress).run()
        } catch {
            ProgressBar.finish()
            throw error
        }
        ProgressBar.finish()
        print(format == "json" ? try JSONReport.render(report) : TextReport.render(report), terminator: "")
        return 0
    }
}

/// Opens the store at `path` or the default location.
func openStore(_ path: String?) throws -> Store {
    try Store(path: path ?? Store.defaultPath())
}

/// Turns SIGINT and SIGTERM into a cancellation request: the audit stops at the next batch or
/// task boundary, keeping what it has committed. A second signal exits at once.
func installInterruptHandler(_ cancellation: CancellationFlag) -> DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let queue = DispatchQueue(label: "intrinsic-audit.signals")
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
    let termination = DispatchSource.makeSignalSource(signal: SIGTERM, queue: queue)
    let handler: @Sendable () -> Void = {
        if cancellation.isCancelled {
            FileHandle.standardError.write(Data("\nintrinsic-audit: interrupted again, exiting now\n".utf8))
            // _exit, not exit: exit runs atexit handlers that wait for the busy worker threads.
            _exit(130)
        }
        cancellation.cancel()
        FileHandle.standardError.write(Data("\nintrinsic-audit: stopping after the current step; completed work is kept (press Ctrl-C again to exit at once)\n".utf8))
    }
    source.setEventHandler(handler: handler)
    termination.setEventHandler(handler: handler)
    source.resume()
    termination.resume()
    // The SIGTERM source lives as long as the SIGINT source that the caller keeps.
    source.setCancelHandler { termination.cancel() }
    return source
}
