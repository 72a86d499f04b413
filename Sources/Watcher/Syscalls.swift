#if canImport(Glibc)
import Glibc
#endif

// One wrapper per system call the watcher makes. Each retries EINTR and turns a failure into a `SyscallError`
// that names the call, the path and errno, so callers and tests see the same errors the kernel reports.

/// A failed system call with its errno.
public struct SyscallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call, for example `inotify_add_watch`.
    public var call: String
    /// The path the call was given, if any.
    public var path: String?
    public var errno: Int32

    public init(call: String, path: String? = nil, errno: Int32) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    public var description: String {
        let target = path.map { " on \($0)" } ?? ""
        return "\(call)\(target) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Flags and event bits from linux/inotify.h (Linux 2.6.13 and later), defined here because Glibc exports
/// some of them as enum cases that Swift imports inconsistently.
public enum InotifyMask {
    public static let modify: UInt32 = 0x0000_0002
    public static let closeWrite: UInt32 = 0x0000_0008
    public static let movedFrom: UInt32 = 0x0000_0040
    public static let movedTo: UInt32 = 0x0000_0080
    public static let create: UInt32 = 0x0000_0100
    public static let delete: UInt32 = 0x0000_0200
    public static let deleteSelf: UInt32 = 0x0000_0400
    public static let moveSelf: UInt32 = 0x0000_0800
    public static let queueOverflow: UInt32 = 0x0000_4000
    public static let ignored: UInt32 = 0x0000_8000
    public static let onlyDirectory: UInt32 = 0x0100_0000
    public static let isDirectory: UInt32 = 0x4000_0000

    /// Events the watcher subscribes to on every directory.
    public static let watched: UInt32 = modify | closeWrite | movedFrom | movedTo | create | delete | deleteSelf | moveSelf

    /// `IN_NONBLOCK` and `IN_CLOEXEC` for `inotify_init1`.
    public static let nonBlocking: Int32 = 0o4000
    public static let closeOnExec: Int32 = 0o2000000
}

enum Syscall {
    /// Calls `body` until it returns something other than -1 with errno EINTR.
    static func retryingInterrupts<T: BinaryInteger>(_ call: String, path: String? = nil, _ body: () -> T) throws(SyscallError) -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = Glibc.errno
            if code == EINTR { continue }
            throw SyscallError(call: call, path: path, errno: code)
        }
    }

    static func inotifyInit() throws(SyscallError) -> Int32 {
        try retryingInterrupts("inotify_init1") { inotify_init1(InotifyMask.nonBlocking | InotifyMask.closeOnExec) }
    }

    static func addWatch(_ fd: Int32, path: String, mask: UInt32) throws(SyscallError) -> Int32 {
        try retryingInterrupts("inotify_add_watch", path: path) { inotify_add_watch(fd, path, mask) }
    }

    static func removeWatch(_ fd: Int32, _ wd: Int32) {
        // EINVAL means the kernel already dropped the watch (the directory was deleted), so errors are ignored.
        _ = inotify_rm_watch(fd, wd)
    }

    /// Waits up to `timeoutMilliseconds` for `fd` to become readable and returns whether it did.
    static func waitReadable(_ fd: Int32, timeoutMilliseconds: Int32) throws(SyscallError) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = try retryingInterrupts("poll") { poll(&descriptor, 1, timeoutMilliseconds) }
        return ready > 0
    }

    /// Reads what is available into `buffer`; returns 0 when nothing is (EAGAIN on a non-blocking descriptor).
    static func read(_ fd: Int32, into buffer: inout [UInt8]) throws(SyscallError) -> Int {
        let count = buffer.withUnsafeMutableBytes { raw in
            var result: Int
            repeat {
                result = Glibc.read(fd, raw.baseAddress, raw.count)
            } while result == -1 && errno == EINTR
            return result
        }
        guard count >= 0 else {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK { return 0 }
            throw SyscallError(call: "read", errno: code)
        }
        return count
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}
