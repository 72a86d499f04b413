import Foundation

/// Errors of reading and writing weight files.
public enum WeightFileError: Error, CustomStringConvertible {
    case writeFailed(path: String, reason: String)
    case readFailed(path: String, reason: String)
    case invalidManifest(path: String, reason: String)

    public var description: String {
        switch self {
        case .writeFailed(let path, let reason):
            return "failed to write weights to \(path): \(reason)"
        case .readFailed(let path, let reason):
            return "failed to read weights from \(path): \(reason)"
        case .invalidManifest(let path, let reason):
            return "invalid weight manifest \(path): \(reason); regenerate it with saveWeights or scripts/pytorch_reference.py"
        }
    }
}

/// JSON manifest next to a weight file (file name + ".json"). The binary file holds every tensor
/// as little-endian Float32, one after another in `tensors` order, which is the order of PyTorch's
/// `state_dict` for the modules in scripts/pytorch_reference.py. `num_batches_tracked` (an int64
/// in PyTorch) is stored as a Float32 scalar with shape [].
struct WeightManifest: Codable {
    static let currentFormat = "intrinsic-audit-cnn-weights"

    struct Tensor: Codable {
        let name: String
        let shape: [Int]
        /// Offset of the first value in bytes from the start of the binary file.
        let byteOffset: Int
        let elementCount: Int
    }

    let format: String
    let version: Int
    let model: ModelKind
    let inputSide: Int
    let dtype: String
    let tensors: [Tensor]
}

extension Network {
    /// Writes every tensor (parameters and BatchNorm buffers) to `url` and the manifest to
    /// `url` + ".json". Adam state is not saved.
    public func saveWeights(to url: URL) throws {
        var tensors: [WeightManifest.Tensor] = []
        var data = Data()
        for entry in model.store.entries {
            tensors.append(.init(name: entry.name, shape: entry.shape, byteOffset: data.count, elementCount: entry.count))
            let values = model.store.pointer(to: entry)
            for i in 0..<entry.count {
                withUnsafeBytes(of: values[i].bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        let manifest = WeightManifest(format: WeightManifest.currentFormat, version: 1, model: kind,
                                      inputSide: inputSide, dtype: "float32", tensors: tensors)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]

        let manifestURL = URL(fileURLWithPath: url.path + ".json")
        do {
            try data.write(to: url, options: .atomic)
            try encoder.encode(manifest).write(to: manifestURL, options: .atomic)
        } catch {
            throw WeightFileError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads a network written by `saveWeights` or by scripts/pytorch_reference.py. The manifest
    /// must list exactly this architecture's tensors, with the same names, shapes and order.
    public static func loadWeights(from url: URL) throws -> Network {
        let manifestPath = url.path + ".json"
        let manifestData: Data
        let data: Data
        do {
            manifestData = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
            data = try Data(contentsOf: url)
        } catch {
            throw WeightFileError.readFailed(path: url.path, reason: error.localizedDescription)
        }

        let manifest: WeightManifest
        do {
            manifest = try JSONDecoder().decode(WeightManifest.self, from: manifestData)
        } catch {
            throw WeightFileError.invalidManifest(path: manifestPath, reason: "\(error)")
        }
        guard manifest.format == WeightManifest.currentFormat, manifest.dtype == "float32" else {
            throw WeightFileError.invalidManifest(path: manifestPath,
                reason: "format \(manifest.format) with dtype \(manifest.dtype), expected \(WeightManifest.currentFormat) with float32")
        }
        if let problem = validate(inputSide: manifest.inputSide, for: manifest.model) {
            throw WeightFileError.invalidManifest(path: manifestPath, reason: problem)
        }

        let network = Network(kind: manifest.model, inputSide: manifest.inputSide, seed: 0)
        let entries = network.model.store.entries
        guard entries.count == manifest.tensors.count else {
            throw WeightFileError.invalidManifest(path: manifestPath,
                reason: "\(manifest.tensors.count) tensors listed, \(manifest.model.rawValue) has \(entries.count)")
        }
        for (entry, tensor) in zip(entries, manifest.tensors) {
            guard entry.name == tensor.name, entry.shape == tensor.shape, tensor.elementCount == entry.count else {
                throw WeightFileError.invalidManifest(path: manifestPath,
                    reason: "tensor \(tensor.name) \(tensor.shape) where \(entry.name) \(entry.shape) was expected")
            }
            guard tensor.byteOffset >= 0, tensor.byteOffset + 4 * entry.count <= data.count else {
                throw WeightFileError.invalidManifest(path: manifestPath,
                    reason: "tensor \(tensor.name) at byte \(tensor.byteOffset) ends past the \(data.count)-byte file \(url.path)")
            }
            let target = network.model.store.pointer(to: entry)
            data.withUnsafeBytes { bytes in
                for i in 0..<entry.count {
                    let bits = bytes.loadUnaligned(fromByteOffset: tensor.byteOffset + 4 * i, as: UInt32.self)
                    target[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            }
        }
        return network
    }
}
