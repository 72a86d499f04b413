/// One record of a CSV file.
struct CSVRecord: Equatable {
    /// Physical line (1-based) on which the record starts; a quoted field may span several lines.
    var line: Int
    var fields: [String]
    /// Description of the CSV error in this record, or nil. Malformed records keep the fields read so far.
    var problem: String?
}

/// Parses CSV text as RFC 4180 describes it: fields separated by `,`, records by CRLF or LF,
/// fields optionally enclosed in `"` with `""` for a literal quote, and line breaks and commas
/// allowed inside quoted fields. A UTF-8 byte order mark at the start is skipped.
///
/// Deviations, each reported as the record's `problem` rather than thrown: invalid UTF-8 in a field,
/// text after a closing quote, and a quoted field that never closes (which takes the rest of the
/// file). A `"` inside an unquoted field is kept literally, as most spreadsheet programs write it.
/// Records that are a single empty line are skipped.
func parseCSV(_ bytes: [UInt8]) -> [CSVRecord] {
    var parser = CSVParser(bytes: bytes)
    return parser.parse()
}

private struct CSVParser {
    static let comma = UInt8(ascii: ",")
    static let quote = UInt8(ascii: "\"")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    let bytes: [UInt8]
    var position = 0
    var line = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
        }
    }

    mutating func parse() -> [CSVRecord] {
        var records: [CSVRecord] = []
        while position < bytes.count {
            let record = parseRecord()
            let isBlankLine = record.fields.count == 1 && record.fields[0].isEmpty && record.problem == nil
            if !isBlankLine {
                records.append(record)
            }
        }
        return records
    }

    /// Reads fields up to and including the end of the record.
    private mutating func parseRecord() -> CSVRecord {
        var record = CSVRecord(line: line, fields: [], problem: nil)
        while true {
            var field: [UInt8] = []
            if position < bytes.count && bytes[position] == Self.quote {
                readQuotedField(into: &field, record: &record)
            } else {
                readUnquotedField(into: &field)
            }

            if let text = String(validating: field, as: UTF8.self) {
                record.fields.append(text)
            } else {
                record.fields.append(String(decoding: field, as: UTF8.self))
                record.problem = record.problem ?? "field \(record.fields.count) is not valid UTF-8"
            }

            guard position < bytes.count else {
                return record
            }
            let separator = bytes[position]
            if separator == Self.comma {
                position += 1
                continue
            }
            consumeLineEnd()
            return record
        }
    }

    private mutating func readUnquotedField(into field: inout [UInt8]) {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == Self.comma || byte == Self.lineFeed || isCRLF(at: position) {
                return
            }
            field.append(byte)
            position += 1
        }
    }

    private mutating func readQuotedField(into field: inout [UInt8], record: inout CSVRecord) {
        let openingLine = line
        position += 1

        while position < bytes.count {
            let byte = bytes[position]
            if byte == Self.quote {
                if position + 1 < bytes.count && bytes[position + 1] == Self.quote {
                    field.append(Self.quote)
                    position += 2
                    continue
                }
                position += 1
                readTextAfterClosingQuote(into: &field, record: &record)
                return
            }
            if byte == Self.lineFeed {
                line += 1
            }
            field.append(byte)
            position += 1
        }
        record.problem = "the quoted field opened on line \(openingLine) never closes, so the rest of the file was read into it"
    }

    /// Keeps text between a closing quote and the next separator, which RFC 4180 does not allow.
    private mutating func readTextAfterClosingQuote(into field: inout [UInt8], record: inout CSVRecord) {
        let start = position
        readUnquotedField(into: &field)
        if position > start {
            record.problem = record.problem ?? "text after the closing quote of field \(record.fields.count + 1)"
        }
    }

    private func isCRLF(at index: Int) -> Bool {
        bytes[index] == Self.carriageReturn && index + 1 < bytes.count && bytes[index + 1] == Self.lineFeed
    }

    private mutating func consumeLineEnd() {
        if isCRLF(at: position) {
            position += 2
        } else {
            position += 1
        }
        line += 1
    }
}
