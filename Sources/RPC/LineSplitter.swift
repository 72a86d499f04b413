/// Splits a byte stream into newline-terminated lines, accepting arbitrary chunking.
///
/// A line is the bytes before `\n`, with one trailing `\r` removed. A line longer than `maxLineBytes`
/// (16 MiB by default) is dropped whole: the splitter discards bytes until the next newline and reports the
/// drop once, then resynchronises. Pure and byte-tested; it never traps on input.
public struct LineSplitter: Sendable {
    /// One output of `append`.
    public enum Piece: Sendable, Equatable {
        case line([UInt8])
        /// A line of `bytes` bytes (at least) exceeded the limit and was discarded.
        case dropped(bytes: Int)
    }

    public static let defaultMaxLineBytes = 16 * 1024 * 1024

    public let maxLineBytes: Int
    private var pending: [UInt8] = []
    /// Bytes discarded so far of an over-long line, or nil when not discarding.
    private var discarding: Int?

    public init(maxLineBytes: Int = LineSplitter.defaultMaxLineBytes) {
        self.maxLineBytes = maxLineBytes
    }

    /// Consumes `chunk` and returns the lines it completed, in order.
    public mutating func append<Bytes: Collection>(_ chunk: Bytes) -> [Piece] where Bytes.Element == UInt8 {
        var pieces: [Piece] = []
        var rest = chunk[...]

        while !rest.isEmpty {
            guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                take(rest, into: &pieces)
                break
            }
            take(rest[..<newline], into: &pieces)
            finishLine(into: &pieces)
            rest = rest[rest.index(after: newline)...]
        }
        return pieces
    }

    /// Ends the stream: returns the unfinished last line (input that did not end in a newline), or its
    /// drop, and nothing when the input ended with a newline.
    public mutating func finish() -> [Piece] {
        guard discarding != nil || !pending.isEmpty else { return [] }
        var pieces: [Piece] = []
        finishLine(into: &pieces)
        return pieces
    }

    /// Bytes of the current unfinished line (0 while discarding).
    public var bufferedCount: Int { pending.count }

    private mutating func take<S: Collection>(_ bytes: S, into pieces: inout [Piece]) where S.Element == UInt8 {
        if let dropped = discarding {
            discarding = dropped + bytes.count
            return
        }
        if pending.count + bytes.count > maxLineBytes {
            discarding = pending.count + bytes.count
            pending = []
            return
        }
        pending.append(contentsOf: bytes)
    }

    private mutating func finishLine(into pieces: inout [Piece]) {
        if let dropped = discarding {
            pieces.append(.dropped(bytes: dropped))
            discarding = nil
            return
        }
        var line = pending
        pending = []
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        pieces.append(.line(line))
    }
}
