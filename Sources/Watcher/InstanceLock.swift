#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An exclusive `flock` on `<database>.lock`, so one daemon serves each database.
///
/// The holder writes its pid into the file, so a second daemon can name it. The kernel releases the lock when
/// the holder exits, killed or not, so a stale file never blocks a restart. `flock` locks belong to the open
/// file description: a second `InstanceLock` in the same process also fails.
public final class InstanceLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    /// Returns the lock file path used for the database at `databasePath`.
    public static func path(forDatabase databasePath: String) -> String {
        databasePath + ".lock"
    }

    /// Takes the lock or throws `.alreadyRunning` with the holder's pid.
    public init(path: String) throws(DaemonError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .lockFailed(lockPath: path, reason: String(cString: strerror(errno)))
        }

        var result: Int32
        repeat {
            result = flock(fd, LOCK_EX | LOCK_NB)
        } while result != 0 && errno == EINTR
        if result != 0 {
            let code = errno
            let holder = Self.readPID(fd)
            Glibc.close(fd)
            if code == EWOULDBLOCK {
                throw .alreadyRunning(lockPath: path, holderPID: holder)
            }
            throw .lockFailed(lockPath: path, reason: String(cString: strerror(code)))
        }

        let pidText = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pidText.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.path = path
        self.descriptor = fd
    }

    /// Releases the lock. Also done by `deinit` and by the kernel at exit.
    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        Glibc.close(descriptor)
        descriptor = -1
    }

    deinit {
        release()
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
