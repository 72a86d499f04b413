#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What the watcher learned from a batch of inotify events, per root.
public enum TreeChange: Sendable, Equatable {
    /// A file was written or renamed into place (IN_CLOSE_WRITE, IN_MOVED_TO), or found in a new directory.
    case fileReady(root: String, path: String)
    /// A file is being written (IN_MODIFY, IN_CREATE): the settle period starts again.
    case activity(root: String)
    /// A file or directory was deleted or moved away.
    case removed(root: String, path: String)
    /// The kernel queue overflowed (IN_Q_OVERFLOW): events were lost and every root needs a full scan.
    case overflow
    /// The watch limit was hit while adding a directory: the root must fall back to periodic scans.
    case watchLimit(root: String, error: SyscallError)
}

/// inotify watches on every directory under a set of roots.
///
/// Invariants:
///
///  1. `directories[wd]` is the absolute path of the directory that watch `wd` observes, and
///     `watchByPath[path] == wd` for the same pair. IN_IGNORED (the kernel dropped a watch) removes both.
///  2. A directory created or moved into a watched directory is watched and then listed in the same call, so a
///     file created in it before the watch existed is still reported (as `.fileReady`).
///  3. Temporary names (`NameFilter.isTemporary`) produce no change, except for directories.
///
/// Not thread-safe: one thread (the daemon loop) owns it.
public final class InotifyTree {
    public let descriptor: Int32
    private var directories: [Int32: (root: String, path: String)] = [:]
    private var watchByPath: [String: Int32] = [:]
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)

    public init() throws(SyscallError) {
        descriptor = try Syscall.inotifyInit()
    }

    deinit {
        Syscall.close(descriptor)
    }

    /// Number of directories watched.
    public var watchCount: Int { directories.count }

    /// Watches `root` and every directory under it. Returns `.watchLimit` when the kernel refused a watch for
    /// lack of watches or descriptors (ENOSPC, EMFILE); other failures on subdirectories skip that directory.
    ///
    /// Throws when the root itself cannot be watched for another reason (for example ENOENT).
    public func addTree(root: String) throws(SyscallError) -> TreeChange? {
        var limit: TreeChange?
        _ = try addDirectory(root, root: root, listFiles: false, limit: &limit, isRoot: true)
        return limit
    }

    /// Removes every watch of `root`.
    public func removeTree(root: String) {
        for (wd, entry) in directories where entry.root == root {
            Syscall.removeWatch(descriptor, wd)
            directories[wd] = nil
            watchByPath[entry.path] = nil
        }
    }

    /// Waits up to `timeoutMilliseconds` for events, reads what is there and applies it.
    public func readChanges(timeoutMilliseconds: Int32) throws(SyscallError) -> [TreeChange] {
        guard try Syscall.waitReadable(descriptor, timeoutMilliseconds: timeoutMilliseconds) else { return [] }
        let count = try Syscall.read(descriptor, into: &buffer)
        guard count > 0 else { return [] }
        return apply(InotifyEvent.parse(buffer[0..<count]))
    }

    /// Turns events into changes, watching and listing new directories on the way (invariant 2).
    public func apply(_ events: [InotifyEvent]) -> [TreeChange] {
        var changes: [TreeChange] = []

        for event in events {
            if event.mask & InotifyMask.queueOverflow != 0 {
                changes.append(.overflow)
                continue
            }
            if event.mask & InotifyMask.ignored != 0 {
                if let entry = directories.removeValue(forKey: event.watchDescriptor) {
                    watchByPath[entry.path] = nil
                }
                continue
            }
            guard let directory = directories[event.watchDescriptor] else { continue }
            if event.name.isEmpty {
                // Events on the watched directory itself (IN_DELETE_SELF, IN_MOVE_SELF) are reported by its parent.
                continue
            }

            let path = directory.path + "/" + event.name
            if event.isDirectory {
                // The audit's scan skips hidden folders, so they are not watched either.
                guard !event.name.hasPrefix(".") else { continue }
                if event.mask & (InotifyMask.create | InotifyMask.movedTo) != 0 {
                    var limit: TreeChange?
                    let found = (try? addDirectory(path, root: directory.root, listFiles: true, limit: &limit, isRoot: false)) ?? []
                    changes.append(contentsOf: found)
                    if let limit { changes.append(limit) }
                } else if event.mask & (InotifyMask.delete | InotifyMask.movedFrom) != 0 {
                    forgetDirectories(under: path)
                    changes.append(.removed(root: directory.root, path: path))
                }
                continue
            }

            guard !NameFilter.isTemporary(event.name) else { continue }
            if event.mask & (InotifyMask.closeWrite | InotifyMask.movedTo) != 0 {
                changes.append(.fileReady(root: directory.root, path: path))
            } else if event.mask & (InotifyMask.delete | InotifyMask.movedFrom) != 0 {
                changes.append(.removed(root: directory.root, path: path))
            } else if event.mask & (InotifyMask.modify | InotifyMask.create) != 0 {
                changes.append(.activity(root: directory.root))
            }
        }
        return changes
    }

    /// Watches `path` and its subdirectories; returns the files found when `listFiles` is set.
    private func addDirectory(
        _ path: String, root: String, listFiles: Bool, limit: inout TreeChange?, isRoot: Bool
    ) throws(SyscallError) -> [TreeChange] {
        do {
            let wd = try Syscall.addWatch(descriptor, path: path, mask: InotifyMask.watched | InotifyMask.onlyDirectory)
            directories[wd] = (root, path)
            watchByPath[path] = wd
        } catch {
            if error.errno == ENOSPC || error.errno == EMFILE {
                if limit == nil { limit = .watchLimit(root: root, error: error) }
                return []
            }
            if isRoot { throw error }
            // The directory vanished or is unreadable; its parent's events will say what happened.
            return []
        }

        // Listing after the watch exists: a file created in between is reported twice at worst, never missed.
        var found: [TreeChange] = []
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return found }
        for name in entries.sorted() {
            let child = path + "/" + name
            var status = stat()
            guard lstat(child, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                guard !name.hasPrefix(".") else { continue }
                found += try addDirectory(child, root: root, listFiles: listFiles, limit: &limit, isRoot: false)
            } else if listFiles && !NameFilter.isTemporary(name) {
                found.append(.fileReady(root: root, path: child))
            }
        }
        return found
    }

    private func forgetDirectories(under path: String) {
        let prefix = path + "/"
        for (wd, entry) in directories where entry.path == path || entry.path.hasPrefix(prefix) {
            directories[wd] = nil
            watchByPath[entry.path] = nil
        }
    }

    /// Returns the watch descriptor of a watched directory, for tests that feed events.
    public func watchDescriptor(of path: String) -> Int32? {
        watchByPath[path]
    }
}
