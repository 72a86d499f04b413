#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the listed image a stored relative path names, for code that has only the path (the
/// report's thumbnails): a whole file, or a container member with its `#...` suffix.
///
/// A container is expanded from its header the first time one of its members is requested, and
/// the result is kept, so later members of the same file cost a dictionary lookup.
public final class ListedImageLocator {
    public let root: String
    let options: ScanOptions
    private var membersByFile: [String: [String: ScannedFile]] = [:]

    /// `root` is the canonical dataset folder; `options` must equal the scan's for NIfTI volumes.
    public init(root: String, options: ScanOptions = ScanOptions()) {
        self.root = root
        self.options = options
    }

    /// Returns the listed image at `relativePath`, or nil when neither a file nor a member of a
    /// container file has that path.
    public func image(at relativePath: String) -> ScannedFile? {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        if let file = regularFile(relativePath, absolutePath: prefix + relativePath) {
            return file
        }
        guard let hash = relativePath.lastIndex(of: "#") else {
            return nil
        }

        let filePath = String(relativePath[..<hash])
        if membersByFile[filePath] == nil {
            var members: [String: ScannedFile] = [:]
            if let file = regularFile(filePath, absolutePath: prefix + filePath) {
                var expander = ContainerExpander(options: options)
                for member in expander.expand([file]) {
                    members[member.relativePath] = member
                }
            }
            membersByFile[filePath] = members
        }
        return membersByFile[filePath]?[relativePath]
    }

    private func regularFile(_ relativePath: String, absolutePath: String) -> ScannedFile? {
        var status = stat()
        guard stat(absolutePath, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            return nil
        }
        let labels = folderLabels(relativePath: relativePath)
        return ScannedFile(
            relativePath: relativePath, absolutePath: absolutePath, size: Int64(status.st_size),
            mtimeNs: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec),
            split: labels.split, classFolder: labels.classFolder, fileExtension: extensionOf(lastComponent(relativePath)))
    }
}
