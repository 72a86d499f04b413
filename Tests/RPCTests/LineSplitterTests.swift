import XCTest

@testable import RPC

final class LineSplitterTests: XCTestCase {
    func testLargeMessageInSmallChunks() {
        // A 3 MB line of printable bytes, deterministic.
        let message = (0..<3_000_000).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        var splitter = LineSplitter()
        var pieces: [LineSplitter.Piece] = []
        let stream = message + [UInt8(ascii: "\n")]

        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + 64 * 1024)
            pieces += splitter.append(stream[offset..<end])
            offset = end
        }

        XCTAssertEqual(pieces.count, 1)
        XCTAssertEqual(pieces.first, .line(message))
        XCTAssertEqual(splitter.bufferedCount, 0)
    }

    func testTwoMessagesInOneChunk() {
        var splitter = LineSplitter()

        let pieces = splitter.append(Array("{\"a\":1}\n{\"b\":2}\r\n{\"c\"".utf8))

        XCTAssertEqual(pieces, [.line(Array("{\"a\":1}".utf8)), .line(Array("{\"b\":2}".utf8))])
        XCTAssertEqual(splitter.bufferedCount, 4, "the unfinished third message stays buffered")
        XCTAssertEqual(splitter.append(Array(":3}\n".utf8)), [.line(Array("{\"c\":3}".utf8))])
    }

    func testFinishReturnsUnterminatedLine() {
        var splitter = LineSplitter()

        XCTAssertEqual(splitter.append(Array("{\"a\":1}\n{\"b\":2}".utf8)), [.line(Array("{\"a\":1}".utf8))])
        XCTAssertEqual(splitter.finish(), [.line(Array("{\"b\":2}".utf8))])
        XCTAssertEqual(splitter.finish(), [], "nothing is left after the last line")
    }

    func testFinishAfterNewlineReturnsNothing() {
        var splitter = LineSplitter()

        _ = splitter.append(Array("{}\n".utf8))
        XCTAssertEqual(splitter.finish(), [])
    }

    func testEveryChunkingGivesSameLines() {
        let stream = Array("one\ntwo\n\nthree\n".utf8)
        let expected: [LineSplitter.Piece] = [.line(Array("one".utf8)), .line(Array("two".utf8)), .line([]), .line(Array("three".utf8))]

        for size in 1...stream.count {
            var splitter = LineSplitter()
            var pieces: [LineSplitter.Piece] = []
            var offset = 0
            while offset < stream.count {
                pieces += splitter.append(stream[offset..<min(stream.count, offset + size)])
                offset += size
            }
            XCTAssertEqual(pieces, expected, "chunk size \(size)")
        }
    }

    func testOverlongLineDroppedAndResynchronised() {
        var splitter = LineSplitter(maxLineBytes: 10)

        var pieces = splitter.append(Array("0123456789ABCDEF".utf8))
        pieces += splitter.append(Array("GHIJ\nok\n".utf8))

        XCTAssertEqual(pieces, [.dropped(bytes: 20), .line(Array("ok".utf8))])
    }

    func testLineAtLimitIsKept() {
        var splitter = LineSplitter(maxLineBytes: 4)

        XCTAssertEqual(splitter.append(Array("abcd\nabcde\nx\n".utf8)), [.line(Array("abcd".utf8)), .dropped(bytes: 5), .line(Array("x".utf8))])
    }
}
