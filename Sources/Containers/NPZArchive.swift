import ImageIO

/// A NumPy `.npz` archive: a ZIP file whose entries are `.npy` arrays (`numpy.savez`, stored;
/// `numpy.savez_compressed`, deflated). Arrays are named by their entry name without `.npy`.
public struct NPZArchive: Sendable {
    public let archive: ZIPArchive
    let path: String

    public init(_ bytes: [UInt8], path: String) throws(ImageIOError) {
        archive = try ZIPArchive(bytes, path: path)
        self.path = path
    }

    /// Array names in archive order (`train_images`, `train_labels`, ...).
    public var arrayNames: [String] {
        archive.entries.compactMap { $0.name.hasSuffix(".npy") ? String($0.name.dropLast(4)) : nil }
    }

    /// The header of array `name`, reading only the start of its entry.
    public func header(of name: String) throws(ImageIOError) -> NPYHeader {
        let entry = try entry(name)
        let head = try archive.extract(entry, prefix: NPYHeader.maxHeaderLength + 12)
        return try NPYHeader(head, path: memberPath(name))
    }

    /// Array `name` read as images.
    public func images(_ name: String) throws(ImageIOError) -> ImageStack {
        try NPYArray.images(archive.extract(try entry(name)), path: memberPath(name))
    }

    /// Array `name` read as integer labels of shape (N) or (N, L).
    public func labels(_ name: String) throws(ImageIOError) -> [[Int]] {
        try NPYArray.labels(archive.extract(try entry(name)), path: memberPath(name))
    }

    private func entry(_ name: String) throws(ImageIOError) -> ZIPEntry {
        guard let entry = archive.entry(named: name + ".npy") else {
            throw ImageIOError(
                kind: .corrupt, path: path,
                detail: "no array '\(name)' in the archive (arrays: \(arrayNames.joined(separator: ", ")))")
        }
        return entry
    }

    private func memberPath(_ name: String) -> String {
        "\(path)#\(name)"
    }
}
