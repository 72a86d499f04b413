import Audit
import Foundation
import RPC
import Store
import Watcher

/// `intrinsic-audit serve --stdio`: JSON-RPC 2.0 over standard input and output, one message per line.
enum ServeCommand {
    static let usage = "intrinsic-audit serve --stdio [--watch] [--config FILE] [--db FILE]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "stdio", valueName: nil, help: "read requests from standard input and write responses to standard output (required)"),
        OptionSpec(name: "watch", valueName: nil, help: "also run the audit daemon and send report/updated after each re-audit"),
        OptionSpec(name: "config", valueName: "FILE", help: "with --watch: daemon configuration JSON (see docs/daemon.md)"),
        .database,
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Serve JSON-RPC 2.0 requests on standard input and output (docs/rpc.md). Logs go to standard error.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.flags.contains("stdio") else {
            throw UsageError(message: "missing --stdio (the only transport)", usage: usage)
        }
        guard parsed.positionals.isEmpty else {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[0])'", usage: usage)
        }
        if parsed.string("config") != nil && !parsed.flags.contains("watch") {
            throw UsageError(message: "--config applies only with --watch", usage: usage)
        }

        let logger = EventLogger.standardError()
        let store = try openStore(parsed.string("db"))
        let server = RPCServer(store: store, logger: logger) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }

        var lock: InstanceLock?
        var daemonDone: DispatchSemaphore?
        if parsed.flags.contains("watch") {
            let config = try parsed.string("config").map { try DaemonConfig.load(path: $0) } ?? DaemonConfig()
            lock = try InstanceLock(path: InstanceLock.path(forDatabase: store.path))
            let daemon = Daemon(store: store, settings: DaemonSettings(config: config), logger: logger)
            daemon.onAuditFinished = { [server] finished in
                server.notify("report/updated", .object([
                    "root": .string(finished.root), "job_id": .integer(finished.jobID),
                    "dataset_id": finished.datasetID.map(JSONValue.integer) ?? .null,
                    "audit_id": finished.auditID.map(JSONValue.integer) ?? .null,
                    "duration_s": .number(finished.durationSeconds),
                ]))
            }
            server.daemon = daemon
            let done = DispatchSemaphore(value: 0)
            daemonDone = done
            Thread.detachNewThread {
                do {
                    try daemon.run()
                } catch {
                    logger.error("daemon.failed", [("error", "\(error)")])
                }
                done.signal()
            }
        }
        defer { lock?.release() }

        logger.info("serve.start", [("pid", getpid()), ("database", store.path), ("watch", server.daemon != nil)])
        let stopRequested = CancellationFlag()
        let signals = installStopHandler {
            // Closing standard input ends the read loop below.
            stopRequested.cancel()
            close(STDIN_FILENO)
        }
        defer { signals.forEach { $0.cancel() } }

        var splitter = LineSplitter()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        func dispatch(_ pieces: [LineSplitter.Piece]) {
            for piece in pieces {
                switch piece {
                case let .line(bytes):
                    server.handle(line: bytes)
                case let .dropped(bytes):
                    logger.warning("rpc.line_too_long", [("bytes", bytes), ("max_bytes", splitter.maxLineBytes)])
                    server.respondToDroppedLine(bytes: bytes)
                }
            }
        }
        while !server.isShutDown {
            let count = read(STDIN_FILENO, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            dispatch(splitter.append(buffer[0..<count]))
        }

        // A last request without a trailing newline is still a request.
        if !server.isShutDown {
            dispatch(splitter.finish())
        }

        // At end of input, running audits finish and are answered; a stop signal cancels them after their
        // current step.
        if stopRequested.isCancelled {
            server.cancelAll()
        }
        server.waitForLongRequests()
        server.daemon?.stop()
        daemonDone?.wait()
        logger.info("serve.stop", [("pid", getpid())])
        return 0
    }
}
