@testable import Datasets
import XCTest

final class CSVReaderTests: XCTestCase {
    private func parse(_ text: String) -> [CSVRecord] {
        parseCSV(Array(text.utf8))
    }

    func testQuotedFieldsWithCommasQuotesAndNewlines() {
        let records = parse("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,row,here\n")

        XCTAssertEqual(records.map(\.fields), [
            ["a", "b", "c"],
            ["x, y", "say \"hi\"", "two\nlines"],
            ["last", "row", "here"],
        ])
        XCTAssertEqual(records.map(\.line), [1, 2, 4], "a record starts on its first physical line")
        XCTAssertTrue(records.allSatisfy { $0.problem == nil })
    }

    func testCRLFAndByteOrderMark() {
        let records = parseCSV([0xEF, 0xBB, 0xBF] + Array("path,y\r\na.png,1\r\n\"b\r\nc.png\",0\r\n".utf8))

        XCTAssertEqual(records.map(\.fields), [["path", "y"], ["a.png", "1"], ["b\r\nc.png", "0"]])
        XCTAssertEqual(records.map(\.line), [1, 2, 3])
    }

    func testBlankLinesSkippedButCounted() {
        let records = parse("h\n\nrow\n\n")

        XCTAssertEqual(records.map(\.fields), [["h"], ["row"]])
        XCTAssertEqual(records.map(\.line), [1, 3])
    }

    func testEmptyFieldsAndMissingFinalNewline() {
        let records = parse("a,,c\n,,")

        XCTAssertEqual(records.map(\.fields), [["a", "", "c"], ["", "", ""]])
    }

    func testUnterminatedQuoteReported() {
        let records = parse("h\n\"open\nnever closed\n")

        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[1].line, 2)
        XCTAssertTrue(records[1].problem?.contains("line 2") ?? false, records[1].problem ?? "no problem")
    }

    func testTextAfterClosingQuoteReported() {
        let records = parse("\"a\"b,c\n")

        XCTAssertEqual(records.first?.fields, ["ab", "c"])
        XCTAssertNotNil(records.first?.problem)
    }

    func testInvalidUTF8Reported() {
        let records = parseCSV(Array("a,".utf8) + [0xFF, 0x0A])

        XCTAssertNotNil(records.first?.problem)
    }
}
