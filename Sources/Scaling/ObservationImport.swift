import Foundation
import Store

/// A CSV import failure, naming the file, the 1-based line and column, and the rejected value.
public struct ObservationImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    /// Column name, or nil for a failure of the whole line or file.
    public var column: String?
    public var value: String?
    public var problem: String

    public var description: String {
        var location = "\(path):\(line)"
        if let column {
            location += ", column \(column)"
        }
        let shown = value.map { " (value '\($0)')" } ?? ""
        return "\(location)\(shown): \(problem)"
    }
}

/// Reads training observations from CSV files.
public enum ObservationImport {
    public static let requiredColumns = ["task", "n", "test_loss", "model", "seed"]
    public static let optionalColumns = ["dataset", "accuracy", "k_f", "d_data", "fingerprint"]

    /// Parses CSV text with a header row into observations with source `imported`.
    ///
    /// Columns: task, n (integer ≥ 1), test_loss (≥ 0), model, seed (integer), and optionally dataset (default:
    /// the file name), accuracy (in [0, 1]), k_f (`inf` for a label conflict, stored as nil), d_data (stored as both
    /// the MLE and the TwoNN value) and fingerprint (the audit fingerprint). Fields are separated by commas and may
    /// be quoted with `"`; a quoted field cannot span lines. Empty lines are skipped, and an empty optional field
    /// means unknown.
    public static func parse(_ text: String, path: String, createdAt: Double = Date().timeIntervalSince1970)
        throws(ObservationImportError) -> [ObservationRecord]
    {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        guard let headerIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw ObservationImportError(path: path, line: 1, problem: "the file is empty; expected a header row with "
                + requiredColumns.joined(separator: ", "))
        }

        let header = try fields(lines[headerIndex], path: path, line: headerIndex + 1)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for name in requiredColumns where !header.contains(name) {
            throw ObservationImportError(
                path: path, line: headerIndex + 1, column: name,
                problem: "missing required column; the header needs " + requiredColumns.joined(separator: ", ")
            )
        }
        for name in header where !(requiredColumns + optionalColumns).contains(name) {
            throw ObservationImportError(
                path: path, line: headerIndex + 1, column: name, value: name,
                problem: "unknown column; accepted columns are " + (requiredColumns + optionalColumns).joined(separator: ", ")
            )
        }

        let defaultDataset = (path as NSString).lastPathComponent
        var records: [ObservationRecord] = []
        for index in (headerIndex + 1)..<lines.count {
            let line = lines[index]
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let values = try fields(line, path: path, line: index + 1)
            guard values.count == header.count else {
                throw ObservationImportError(
                    path: path, line: index + 1,
                    problem: "found \(values.count) fields but the header has \(header.count)"
                )
            }
            var row = RowReader(path: path, line: index + 1, fields: Dictionary(uniqueKeysWithValues: zip(header, values)))
            records.append(try row.record(defaultDataset: defaultDataset, createdAt: createdAt))
        }
        return records
    }

    /// Splits one CSV line into fields, removing the quotes around quoted fields.
    static func fields(_ line: String, path: String, line number: Int) throws(ObservationImportError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var characters = Array(line)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        current.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" && current.isEmpty {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        guard !quoted else {
            throw ObservationImportError(path: path, line: number, problem: "a quoted field is not closed on this line")
        }
        fields.append(current)
        return fields
    }
}

/// Field access for one data row, with errors that name the column and value.
private struct RowReader {
    let path: String
    let line: Int
    let fields: [String: String]

    func error(_ column: String, _ value: String, _ problem: String) -> ObservationImportError {
        ObservationImportError(path: path, line: line, column: column, value: value, problem: problem)
    }

    func text(_ column: String) -> String? {
        guard let raw = fields[column]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        return raw
    }

    func required(_ column: String) throws(ObservationImportError) -> String {
        guard let value = text(column) else {
            throw error(column, "", "missing value; every row needs \(column)")
        }
        return value
    }

    func integer(_ column: String, minimum: Int?) throws(ObservationImportError) -> Int {
        let value = try required(column)
        guard let number = Int(value) else {
            throw error(column, value, "expected an integer")
        }
        if let minimum, number < minimum {
            throw error(column, value, "expected an integer of at least \(minimum)")
        }
        return number
    }

    func number(_ column: String, in range: ClosedRange<Double>?) throws(ObservationImportError) -> Double? {
        guard let value = text(column) else { return nil }
        guard let number = Double(value), number.isFinite else {
            throw error(column, value, "expected a finite number")
        }
        if let range, !range.contains(number) {
            throw error(column, value, "expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    mutating func record(defaultDataset: String, createdAt: Double) throws(ObservationImportError) -> ObservationRecord {
        let n = try integer("n", minimum: 1)
        let seed = try integer("seed", minimum: nil)
        guard let loss = try number("test_loss", in: 0...Double.greatestFiniteMagnitude) else {
            throw error("test_loss", "", "missing value; every row needs test_loss")
        }

        var sharpness: Double?
        if let value = text("k_f"), ["inf", "+inf", "infinity"].contains(value.lowercased()) {
            sharpness = nil
        } else {
            sharpness = try number("k_f", in: 0...Double.greatestFiniteMagnitude)
        }
        let dimension = try number("d_data", in: Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude)

        return ObservationRecord(
            dataset: text("dataset") ?? defaultDataset, task: try required("task"), model: try required("model"),
            seed: seed, n: n, testLoss: loss, testAccuracy: try number("accuracy", in: 0...1), kF: sharpness,
            dDataMLE: dimension, dDataTwoNN: dimension, auditFingerprint: text("fingerprint"), source: "imported",
            createdAt: createdAt
        )
    }
}
