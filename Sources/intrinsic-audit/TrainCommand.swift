import Audit
import Foundation
import NeuralNet
import Training

enum TrainCommand {
    static let usage = "intrinsic-audit train TASK --dataset FOLDER [--model resnet|vgg] [--sizes 250,500,1000] [--test-size 500] [--seeds 0,1,2] [--epochs 60] [--side 64] [--labels CSV] [--config FILE] [--db FILE] [--weights-dir DIR] [--threads T] [--format text|json]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "dataset", valueName: "FOLDER", help: "dataset folder; TASK is one of its candidate tasks as the audit names them"),
        OptionSpec(name: "model", valueName: "MODEL", help: "resnet (SmallResNet, 77,169 parameters; default) or vgg (SmallVGG, 285,569)"),
        OptionSpec(name: "sizes", valueName: "LIST", help: "training-set totals, half per class, comma-separated (default 250,500,1000)"),
        OptionSpec(name: "test-size", valueName: "N", help: "test-set total, half per class (default 500); the test split is used when the task has one"),
        OptionSpec(name: "seeds", valueName: "LIST", help: "initialisation and shuffling seeds, comma-separated (default 0,1,2)"),
        OptionSpec(name: "epochs", valueName: "E", help: "epoch cap; training stops earlier at 100% training accuracy (default 60)"),
        OptionSpec(name: "side", valueName: "PX", help: "side of the square training input in pixels (default 64)"),
        OptionSpec(name: "labels", valueName: "CSV", help: "label table, as for 'audit'"),
        OptionSpec(name: "config", valueName: "FILE", help: "configuration JSON, as for 'audit'"),
        .database,
        OptionSpec(name: "weights-dir", valueName: "DIR", help: "folder for the weight files (default: weights/ beside the database)"),
        OptionSpec(name: "threads", valueName: "T", help: "worker and BLAS threads; 0 uses every core (default 0)"),
        .textOrJSON,
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Train a small CNN on a task's training sets of growing size, measure test loss, accuracy, AUC, FGSM robustness and d_repr, and store one observation per training.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.count == 1 else {
            throw UsageError(message: parsed.positionals.isEmpty ? "missing TASK" : "expected one TASK, got \(parsed.positionals.count): \(parsed.positionals.joined(separator: " "))", usage: usage)
        }
        guard let folder = parsed.string("dataset") else {
            throw UsageError(message: "missing --dataset FOLDER", usage: usage)
        }

        var dataset = AuditOptions(root: folder)
        dataset.labelsPath = parsed.string("labels")
        dataset.configPath = parsed.string("config")
        var request = TrainingRequest(dataset: dataset, task: parsed.positionals[0])
        if let model = try parsed.choice("model", ModelKind.allCases.map(\.rawValue), usage: usage) {
            request.model = ModelKind(rawValue: model)!
        }
        if let sizes = parsed.string("sizes") { request.sizes = try integerList(sizes, option: "sizes", minimum: 2) }
        if let seeds = parsed.string("seeds") { request.seeds = try integerList(seeds, option: "seeds", minimum: 0) }
        request.testSize = try parsed.integer("test-size", in: 2...1_000_000, usage: usage) ?? request.testSize
        request.maxEpochs = try parsed.integer("epochs", in: 1...10_000, usage: usage) ?? request.maxEpochs
        request.inputSide = try parsed.integer("side", in: 8...512, usage: usage) ?? request.inputSide
        request.threads = try parsed.integer("threads", in: 0...4096, usage: usage) ?? 0
        request.weightsDirectory = parsed.string("weights-dir")
        let format = try parsed.choice("format", ["text", "json"], usage: usage) ?? "text"
        if request.model == .vgg && request.inputSide % 8 != 0 {
            throw UsageError(message: "--side \(request.inputSide) is not a multiple of 8, which SmallVGG's three poolings need", usage: usage)
        }

        let store = try openStore(parsed.string("db"))
        let cancellation = CancellationFlag()
        let interrupt = installInterruptHandler(cancellation)
        defer { interrupt.cancel() }
        let report = try ConfirmationTrainer(store: store, request: request, cancellation: cancellation, progress: printProgress).run()
        print(format == "json" ? try encodeTrainingReport(report) : TrainingTextReport.render(report), terminator: "")
        return 0
    }

    /// Parses "250,500,1000"; errors name the option and the bad item.
    static func integerList(_ text: String, option: String, minimum: Int) throws -> [Int] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try items.map { item in
            guard let value = Int(item), value >= minimum else {
                throw UsageError(message: "invalid item '\(item)' in --\(option) \(text); expected comma-separated integers of at least \(minimum)", usage: usage)
            }
            return value
        }
    }

    /// One line per epoch and per finished training on standard error.
    @Sendable static func printProgress(_ event: TrainingProgress) {
        let line: String
        switch event {
        case let .decoding(images):
            line = "decoding \(images) images"
        case let .epoch(n, seed, epoch, maxEpochs, loss, accuracy, seconds):
            line = String(format: "N=%d seed=%d epoch %d/%d  loss %.4f  training accuracy %.4f  %.1f s", n, seed, epoch, maxEpochs, loss, accuracy, seconds)
        case let .evaluating(n, seed):
            line = "N=\(n) seed=\(seed): evaluating on the test set (loss, AUC, FGSM, d_repr)"
        case let .finished(run):
            line = String(format: "N=%d seed=%d done: %d epochs, test loss %.4f, accuracy %.4f", run.n, run.seed, run.epochs, run.testLoss, run.testAccuracy)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func encodeTrainingReport(_ report: TrainingReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .throw
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}
