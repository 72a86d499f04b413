import Foundation
import Store
import Watcher

/// `intrinsic-audit watch`: the audit daemon. Runs until SIGTERM or SIGINT, then exits 0.
enum WatchCommand {
    static let usage = "intrinsic-audit watch [--config FILE] [--db FILE]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "config", valueName: "FILE", help: "daemon configuration JSON: roots, settle_seconds, poll_seconds, training_policy (see docs/daemon.md)"),
        OptionSpec(name: "db", valueName: "FILE", help: "SQLite database (default $XDG_DATA_HOME/intrinsic-audit/audit.sqlite); roots added with watch.add are stored there"),
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Watch dataset folders and re-audit each one after its files change. Logs go to standard error.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.isEmpty else {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[0])'; list folders in the --config file", usage: usage)
        }

        let config = try parsed.string("config").map { try DaemonConfig.load(path: $0) } ?? DaemonConfig()
        let store = try openStore(parsed.string("db"))
        let lock = try InstanceLock(path: InstanceLock.path(forDatabase: store.path))
        defer { lock.release() }

        let daemon = Daemon(store: store, settings: DaemonSettings(config: config), logger: .standardError())
        let signals = installStopHandler { daemon.stop() }
        defer { signals.forEach { $0.cancel() } }
        try daemon.run()
        return 0
    }
}

/// Calls `stop` on the first SIGTERM or SIGINT; a second signal exits at once with 130.
func installStopHandler(_ stop: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let queue = DispatchQueue(label: "intrinsic-audit.stop-signals")
    let received = StopCounter()
    return [SIGINT, SIGTERM].map { number in
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler {
            if received.increment() > 1 {
                FileHandle.standardError.write(Data("intrinsic-audit: second stop signal, exiting now\n".utf8))
                // _exit, not exit: exit runs atexit handlers that wait for the busy worker threads.
                _exit(130)
            }
            stop()
        }
        source.resume()
        return source
    }
}

/// Count of stop signals, touched only on the signal queue.
final class StopCounter: @unchecked Sendable {
    private var count = 0
    func increment() -> Int {
        count += 1
        return count
    }
}
