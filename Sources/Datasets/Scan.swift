#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists the candidate image files under a dataset folder.
///
/// - The root is resolved with `realpath`, so every path is relative to its canonical form.
/// - The walk is recursive. Names starting with `.` (hidden files and folders) are skipped and
///   counted in `hiddenCount`.
/// - Files with the extensions in `ScanExtensions.decodable` or `ScanExtensions.otherImageLike`
///   (any case) and files without an extension are listed. Other files are counted by extension
///   in `ignoredByExtension`.
/// - A symbolic link is resolved with `realpath`. A link to a file inside the root is listed under
///   the link's path. A link that resolves outside the root, a dangling link and a link to a folder
///   are rejected with a reason. Folder links are not followed, because a target inside the root
///   is scanned at its own path and following links could loop.
/// - A folder that cannot be opened and a name that is not valid UTF-8 are rejected; the scan goes on.
/// - Files matching a glob of `options.exclude` are skipped and counted under "excluded".
/// - Container files (IDX, NumPy, NIfTI, multi-frame DICOM) are replaced by one entry per image
///   inside them, with the labels they store (see `ContainerExpander`).
/// - `files` are sorted by the file's relative path in Unicode code-point order, members of one
///   file in member order; `rejected` is sorted by relative path.
///
/// Throws `DatasetError.rootNotFound` or `.rootNotDirectory` when the root itself is unusable.
public func scanDataset(root: String, options: ScanOptions = ScanOptions()) throws(DatasetError) -> ScanResult {
    guard let canonicalRoot = canonicalPath(root) else {
        throw .rootNotFound(path: root, reason: errnoDescription(errno))
    }
    var rootStatus = stat()
    guard stat(canonicalRoot, &rootStatus) == 0 else {
        throw .rootNotFound(path: root, reason: errnoDescription(errno))
    }
    guard (rootStatus.st_mode & S_IFMT) == S_IFDIR else {
        throw .rootNotDirectory(path: canonicalRoot)
    }

    var walker = DatasetWalker(root: canonicalRoot, exclude: options.exclude)
    walker.walk()
    walker.files.sort { codePointPrecedes($0.relativePath, $1.relativePath) }

    // Containers become their members, in member order, so the listing stays sorted by file.
    var expander = ContainerExpander(options: options)
    let files = expander.expand(walker.files)
    let rejected = (walker.rejected + expander.rejected).sorted { codePointPrecedes($0.relativePath, $1.relativePath) }
    return ScanResult(
        root: canonicalRoot, files: files, rejected: rejected,
        ignoredByExtension: walker.ignoredByExtension, hiddenCount: walker.hiddenCount
    )
}

/// Depth-first walk state for `scanDataset`; folders wait on an explicit stack.
private struct DatasetWalker {
    let root: String
    /// `root` followed by one `/`, also when the root is `/` itself.
    let rootPrefix: String
    var files: [ScannedFile] = []
    var rejected: [RejectedPath] = []
    var ignoredByExtension: [String: Int] = [:]
    var hiddenCount = 0
    /// Globs of relative paths to skip.
    let exclude: [String]

    init(root: String, exclude: [String]) {
        self.root = root
        self.rootPrefix = root.hasSuffix("/") ? root : root + "/"
        self.exclude = exclude
    }

    mutating func walk() {
        var pendingFolders = [""]
        while let folder = pendingFolders.popLast() {
            let absoluteFolder = folder.isEmpty ? root : rootPrefix + folder
            guard let names = readFolder(absoluteFolder, relativePath: folder) else {
                continue
            }
            for name in names {
                let relativePath = folder.isEmpty ? name : folder + "/" + name
                if let subfolder = visit(relativePath: relativePath, name: name) {
                    pendingFolders.append(subfolder)
                }
            }
        }
    }

    /// Returns the entry names of a folder, except `.` and `..`, or nil after rejecting the folder.
    private mutating func readFolder(_ absolutePath: String, relativePath: String) -> [String]? {
        guard let handle = opendir(absolutePath) else {
            rejected.append(RejectedPath(
                relativePath: relativePath, reason: "cannot open folder: \(errnoDescription(errno))"
            ))
            return nil
        }
        defer { closedir(handle) }

        var names: [String] = []
        while let entry = readdir(handle) {
            let bytes: [UInt8] = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                let repairedName = String(decoding: bytes, as: UTF8.self)
                let location = relativePath.isEmpty ? repairedName : relativePath + "/" + repairedName
                rejected.append(RejectedPath(
                    relativePath: location, reason: "name is not valid UTF-8; rename the file"
                ))
                continue
            }
            if name != "." && name != ".." {
                names.append(name)
            }
        }
        return names
    }

    /// Classifies one entry. Returns its relative path when it is a folder to descend into.
    private mutating func visit(relativePath: String, name: String) -> String? {
        if name.hasPrefix(".") {
            hiddenCount += 1
            return nil
        }

        let absolutePath = rootPrefix + relativePath
        var status = stat()
        guard lstat(absolutePath, &status) == 0 else {
            reject(relativePath, "cannot read file status: \(errnoDescription(errno))")
            return nil
        }

        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            return relativePath
        case S_IFREG:
            record(relativePath: relativePath, absolutePath: absolutePath, name: name, status: status)
        case S_IFLNK:
            visitLink(relativePath: relativePath, absolutePath: absolutePath, name: name)
        default:
            reject(relativePath, "not a regular file or folder")
        }
        return nil
    }

    private mutating func visitLink(relativePath: String, absolutePath: String, name: String) {
        guard let target = canonicalPath(absolutePath) else {
            reject(relativePath, "dangling symbolic link: \(errnoDescription(errno))")
            return
        }
        guard target.hasPrefix(rootPrefix) else {
            reject(relativePath, "symbolic link resolves outside the dataset root, to \(target)")
            return
        }

        var status = stat()
        guard stat(absolutePath, &status) == 0 else {
            reject(relativePath, "cannot read link target status: \(errnoDescription(errno))")
            return
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            record(relativePath: relativePath, absolutePath: absolutePath, name: name, status: status)
        case S_IFDIR:
            reject(relativePath, "symbolic link to a folder is not followed; its target \(target) is scanned at its own path")
        default:
            reject(relativePath, "symbolic link to something that is not a regular file")
        }
    }

    private mutating func record(relativePath: String, absolutePath: String, name: String, status: stat) {
        if exclude.contains(where: { globMatches($0, relativePath) }) {
            ignoredByExtension["excluded", default: 0] += 1
            return
        }
        let fileExtension = extensionOf(name)
        let listed = fileExtension.isEmpty
            || ScanExtensions.decodable.contains(fileExtension)
            || ScanExtensions.otherImageLike.contains(fileExtension)
        guard listed else {
            ignoredByExtension[fileExtension, default: 0] += 1
            return
        }

        let labels = folderLabels(relativePath: relativePath)
        let mtimeNs = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        files.append(ScannedFile(
            relativePath: relativePath, absolutePath: absolutePath, size: Int64(status.st_size),
            mtimeNs: mtimeNs, split: labels.split, classFolder: labels.classFolder,
            fileExtension: fileExtension
        ))
    }

    private mutating func reject(_ relativePath: String, _ reason: String) {
        rejected.append(RejectedPath(relativePath: relativePath, reason: reason))
    }
}

/// Returns the lower-cased text after the last `.` of a file name, or "" when there is none or the
/// name ends with `.`.
func extensionOf(_ name: String) -> String {
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
        return ""
    }
    return String(name[name.index(after: dot)...]).lowercased()
}

/// Resolves a path with `realpath`, or returns nil and leaves `errno` set.
func canonicalPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else {
        return nil
    }
    defer { free(resolved) }
    return String(cString: resolved)
}

func errnoDescription(_ code: Int32) -> String {
    String(cString: strerror(code))
}
