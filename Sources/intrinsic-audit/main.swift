import Audit
import Training
import Foundation

// intrinsic-audit: command-line entry point. Exit codes: 0 success and help, 1 failure,
// 64 usage error (EX_USAGE), 130 interrupted.

let topUsage = "intrinsic-audit <command> [options]   (commands: audit, train, fit, rank, budget, observations, report, cache, watch, serve; --help, --version)"

let topHelp = """
    IntrinsicAudit \(SoftwareVersion.current): measure how hard candidate labelling tasks on an image folder \
    will be to learn, before labelling (label sharpness K_F and intrinsic dimension; Konz & Mazurowski, ICLR 2024).

    Usage: \(topUsage)

    Commands:
      audit FOLDER    scan, measure, rank and store every candidate task of FOLDER
      train TASK      train a small CNN on TASK's training sets of growing size and store the observations
      report          print the stored report of the latest audit
      cache clear     delete cached preprocessed images
      watch           watch dataset folders and re-audit them after changes (daemon)
      serve --stdio   answer JSON-RPC 2.0 requests on standard input and output
      fit             fit the scaling law L = a·K_F·N^(−b/d) to stored training observations
      rank            compare the K_F ranking of trained tasks with their test losses (Kendall's τ)
      budget TASK     predict the training-set size for a target loss or accuracy
      observations import FILE.csv   store training results computed elsewhere

    Run 'intrinsic-audit <command> --help' for the options of a command.

    """

func printError(_ message: String) {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
}

func runMain() -> Int32 {
    var arguments = Array(CommandLine.arguments.dropFirst())
    guard let command = arguments.first else {
        printError("missing command")
        FileHandle.standardError.write(Data("Usage: \(topUsage)\nSee 'intrinsic-audit --help'.\n".utf8))
        return 64
    }
    arguments.removeFirst()
    do {
        switch command {
        case "--help", "-h", "help":
            if let subcommand = arguments.first, ["audit", "train", "report", "cache", "watch", "serve"].contains(subcommand) {
                return try runMainCommand(subcommand, ["--help"])
            }
            print(topHelp, terminator: "")
            return 0
        case "--version":
            print("intrinsic-audit \(SoftwareVersion.current)")
            return 0
        case "audit", "train", "report", "cache", "watch", "serve":
            return try runMainCommand(command, arguments)
        case "fit": return try FitCommand.run(arguments)
        case "rank": return try RankCommand.run(arguments)
        case "budget": return try BudgetCommand.run(arguments)
        case "observations": return try ObservationsCommand.run(arguments)
        case "bench":
            // Kernel timings for scripts/bench/run.sh; deliberately absent from the top-level help.
            return try BenchCommand.run(arguments)
        default:
            let known = ["audit", "train", "report", "cache", "watch", "serve"]
            let closest = known.min { editDistance(command, $0) < editDistance(command, $1) }!
            let hint = editDistance(command, closest) <= 2 ? "; did you mean '\(closest)'?" : ""
            throw UsageError(message: "unknown command '\(command)'\(hint)", usage: topUsage)
        }
    } catch let error as UsageError {
        printError(error.message)
        let helpCommand = ["audit", "train", "fit", "rank", "budget", "observations", "report", "cache", "watch", "serve", "bench"].contains(command) ? "intrinsic-audit \(command) --help" : "intrinsic-audit --help"
        FileHandle.standardError.write(Data("Usage: \(error.usage)\nSee '\(helpCommand)'.\n".utf8))
        return 64
    } catch let AuditError.cancelled(auditID) {
        printError("\(AuditError.cancelled(auditID: auditID))")
        return 130
    } catch let TrainingRunError.cancelled(completed) {
        printError("\(TrainingRunError.cancelled(completedRuns: completed))")
        return 130
    } catch {
        printError("\(error)")
        return 1
    }
}

func runMainCommand(_ command: String, _ arguments: [String]) throws -> Int32 {
    switch command {
    case "audit": return try AuditCommand.run(arguments)
    case "train": return try TrainCommand.run(arguments)
    case "report": return try ReportCommand.run(arguments)
    case "watch": return try WatchCommand.run(arguments)
    case "serve": return try ServeCommand.run(arguments)
    default: return try CacheCommand.run(arguments)
    }
}

exit(runMain())
