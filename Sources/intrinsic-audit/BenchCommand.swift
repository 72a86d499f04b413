import Estimators
import Foundation
import ImageIO
import LinearAlgebra

/// `intrinsic-audit bench`: times one kernel of the audit on prepared input and prints one JSON
/// line, for `scripts/bench/run.sh`. The timed part excludes reading the input file.
///
/// - `kf`: one K_F run over all rows of a matrix file, the first N rows one label and the rest
///   the other; timed: screening projection plus `labelSharpnessRun`.
/// - `knn`: exact k nearest neighbours of every row; timed: screening projection plus
///   `exactNearestNeighbors`.
/// - `decode`: decode and preprocess every JPEG and PNG file of a folder with `Preprocessor`;
///   timed: reading, decoding, resizing and normalising all files.
enum BenchCommand {
    static let usage = "intrinsic-audit bench kf|knn|decode [--vectors FILE [--rows R --columns C] --negatives N | --k K] [--folder DIR --resolution PX] [--threads T]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "vectors", valueName: "FILE", help: "little-endian float32 matrix, row-major (kf, knn); shape from FILE.json {\"rows\": R, \"columns\": C} unless --rows and --columns are given"),
        OptionSpec(name: "rows", valueName: "R", help: "number of rows of --vectors"),
        OptionSpec(name: "columns", valueName: "C", help: "row length of --vectors; must be a square number (side × side pixels)"),
        OptionSpec(name: "negatives", valueName: "N", help: "kf: the first N rows form one side, the remaining rows the other"),
        OptionSpec(name: "k", valueName: "K", help: "knn: number of neighbours per row"),
        OptionSpec(name: "folder", valueName: "DIR", help: "decode: folder whose .jpg, .jpeg and .png files are decoded (not recursive)"),
        OptionSpec(name: "resolution", valueName: "PX", help: "decode: output side in pixels (default 224)"),
        OptionSpec(name: "threads", valueName: "T", help: "worker and BLAS threads; 0 uses every core (default 0)"),
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Time one kernel of the audit on prepared input and print one JSON line (for benchmarks).", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.count == 1, let workload = parsed.positionals.first else {
            throw UsageError(message: "expected exactly one workload: kf, knn or decode", usage: usage)
        }

        let requested = try parsed.integer("threads", in: 0...4096, usage: usage) ?? 0
        let threads = requested == 0 ? ProcessInfo.processInfo.activeProcessorCount : requested
        BLAS.setThreads(threads)

        let result: [String: Any]
        switch workload {
        case "kf":
            let matrix = try loadMatrix(parsed)
            guard let negatives = try parsed.integer("negatives", in: 1...Int.max, usage: usage) else {
                throw UsageError(message: "missing --negatives N for 'bench kf'", usage: usage)
            }
            guard negatives < matrix.rows else {
                throw UsageError(message: "--negatives \(negatives) leaves no row for the other side of \(matrix.rows) rows", usage: usage)
            }
            result = measureLabelSharpness(matrix, negatives: negatives, threads: threads)
        case "knn":
            let matrix = try loadMatrix(parsed)
            guard let k = try parsed.integer("k", in: 1...Int.max, usage: usage) else {
                throw UsageError(message: "missing --k K for 'bench knn'", usage: usage)
            }
            guard k < matrix.rows else {
                throw UsageError(message: "--k \(k) needs more than \(k) rows; the matrix has \(matrix.rows)", usage: usage)
            }
            result = try measureNearestNeighbors(matrix, k: k, threads: threads)
        case "decode":
            guard let folder = parsed.string("folder") else {
                throw UsageError(message: "missing --folder DIR for 'bench decode'", usage: usage)
            }
            let resolution = try parsed.integer("resolution", in: 1...8192, usage: usage) ?? 224
            result = try measureDecoding(folder: folder, resolution: resolution, threads: threads)
        default:
            throw UsageError(message: "unknown workload '\(workload)'; expected kf, knn or decode", usage: usage)
        }

        let line = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: line, as: UTF8.self))
        return 0
    }

    /// Times one K_F run with rows 0..<negatives against the rest, including the screening
    /// projection, so it covers the same work as a GEMM peer that computes its own norms.
    static func measureLabelSharpness(_ matrix: FeatureMatrix, negatives: Int, threads: Int) -> [String: Any] {
        let side = squareSide(matrix.columns)!

        let start = DispatchTime.now().uptimeNanoseconds
        let screening = ScreeningProjection(
            features: matrix, planes: 1, side: side,
            block: ScreeningProjection.blockSide(forSide: side), threads: threads)
        let run = labelSharpnessRun(
            run: 0, negatives: Array(0..<negatives), positives: Array(negatives..<matrix.rows),
            features: matrix, screening: screening)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        return [
            "workload": "kf", "rows": matrix.rows, "columns": matrix.columns, "threads": threads,
            "k_f": run.value ?? Double.infinity, "distance": run.distance,
            "pair": [run.rowNegative, run.rowPositive], "identical_pairs": run.identicalPairs,
            "exact_evaluations": run.exactEvaluations, "seconds": seconds,
        ]
    }

    /// Times the exact k-NN search of every row, including the screening projection. The
    /// checksum is the sum of all k · rows neighbour distances, for comparison with a peer.
    static func measureNearestNeighbors(_ matrix: FeatureMatrix, k: Int, threads: Int) throws -> [String: Any] {
        let side = squareSide(matrix.columns)!

        let start = DispatchTime.now().uptimeNanoseconds
        let screening = ScreeningProjection(
            features: matrix, planes: 1, side: side,
            block: ScreeningProjection.blockSide(forSide: side), threads: threads)
        let table: NeighborTable
        do {
            table = try exactNearestNeighbors(
                points: Array(0..<matrix.rows), k: k, features: matrix, screening: screening, threads: threads)
        } catch {
            throw CommandFailure("exact k-NN failed: \(error)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        return [
            "workload": "knn", "rows": matrix.rows, "columns": matrix.columns, "k": k, "threads": threads,
            "distance_sum": table.distances.reduce(0, +), "first_neighbor_distance_sum": stride(from: 0, to: table.distances.count, by: k).reduce(0.0) { $0 + table.distances[$1] },
            "identical_pairs": table.identicalPairs, "exact_evaluations": table.exactEvaluations, "seconds": seconds,
        ]
    }

    /// Decodes every JPEG and PNG file of `folder` on `threads` threads and reports images per
    /// second. Files that fail to decode are counted, not fatal.
    static func measureDecoding(folder: String, resolution: Int, threads: Int) throws -> [String: Any] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("folder not found: \(folder); pass a folder of JPEG or PNG files with --folder")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw CommandFailure("cannot list folder \(folder): \(error.localizedDescription); check its permissions")
        }
        let paths = names
            .filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
        guard !paths.isEmpty else {
            throw CommandFailure("no .jpg, .jpeg or .png file in \(folder)")
        }

        var settings = PreprocessingSettings()
        settings.resolution = resolution
        let preprocessor = Preprocessor(settings: settings)
        let failures = SharedBuffer<Int>(repeating: 0, count: paths.count)
        let checksums = SharedBuffer<Double>(repeating: 0, count: paths.count)

        let start = DispatchTime.now().uptimeNanoseconds
        parallelFor(paths.count, threads: threads) { index in
            do {
                let image = try preprocessor.preprocess(fileAt: paths[index])
                checksums[index] = Double(image.vector.reduce(0, +))
            } catch {
                failures[index] = 1
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        let failed = (0..<paths.count).reduce(0) { $0 + failures[$1] }
        return [
            "workload": "decode", "images": paths.count, "failed": failed, "resolution": resolution,
            "threads": threads, "pixel_sum": (0..<paths.count).reduce(0.0) { $0 + checksums[$1] },
            "seconds": seconds, "images_per_second": Double(paths.count) / seconds,
        ]
    }

    /// Reads a little-endian float32 row-major matrix; the shape comes from --rows/--columns or
    /// from the sidecar FILE.json.
    static func loadMatrix(_ parsed: ParsedArguments) throws -> FeatureMatrix {
        guard let path = parsed.string("vectors") else {
            throw UsageError(message: "missing --vectors FILE", usage: usage)
        }
        var rows = try parsed.integer("rows", in: 1...Int.max, usage: usage)
        var columns = try parsed.integer("columns", in: 1...Int.max, usage: usage)
        if rows == nil || columns == nil {
            let sidecar = path + ".json"
            guard let data = FileManager.default.contents(atPath: sidecar),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let sidecarRows = object["rows"] as? Int, let sidecarColumns = object["columns"] as? Int
            else {
                throw CommandFailure("cannot read the shape of \(path): pass --rows and --columns, or write \(sidecar) as {\"rows\": R, \"columns\": C}")
            }
            rows = rows ?? sidecarRows
            columns = columns ?? sidecarColumns
        }
        guard let rows, let columns, rows > 0, columns > 0 else {
            throw CommandFailure("invalid shape of \(path): rows and columns must be positive")
        }
        guard squareSide(columns) != nil else {
            throw CommandFailure("row length \(columns) of \(path) is not a square number; the screening needs side × side images")
        }

        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read \(path); check the path given to --vectors")
        }
        let expected = rows * columns * MemoryLayout<Float>.size
        guard data.count == expected else {
            throw CommandFailure("\(path) holds \(data.count) bytes, but \(rows) × \(columns) float32 values need \(expected)")
        }
        let matrix = FeatureMatrix(rows: rows, columns: columns)
        data.withUnsafeBytes { raw in
            for index in 0..<(rows * columns) {
                let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                matrix.storage[index] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        return matrix
    }

    /// The side s with s² = count, or nil when count is not a square.
    static func squareSide(_ count: Int) -> Int? {
        let side = Int(Double(count).squareRoot().rounded())
        return side * side == count ? side : nil
    }
}
