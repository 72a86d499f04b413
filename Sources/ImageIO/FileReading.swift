#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file into memory with open/fstat/read, retrying reads interrupted by EINTR.
///
/// Errors are `.unreadable` with the failing call and strerror(errno) text, for example
/// `"open failed: No such file or directory"`.
public func readWholeFile(atPath path: String) throws(ImageIOError) -> [UInt8] {
    func failure(_ call: String) -> ImageIOError {
        ImageIOError(kind: .unreadable, path: path, detail: "\(call) failed: \(String(cString: strerror(errno)))")
    }

    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        throw failure("open")
    }
    defer { close(descriptor) }

    // Size from fstat, to read in one buffer; a directory opens but cannot be read as an image.
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
        throw failure("fstat")
    }
    if (status.st_mode & S_IFMT) == S_IFDIR {
        throw ImageIOError(kind: .unreadable, path: path, detail: "is a directory")
    }

    // Read until end of file straight into the array. The fstat size is only a hint because the
    // file may change meanwhile. The extra byte lets the final read return 0 without growing.
    var bytes = [UInt8](repeating: 0, count: Int(max(status.st_size, 0)) + 1)
    var filled = 0
    while true {
        if filled == bytes.count {
            bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 1 << 16)))
        }
        let count = bytes.withUnsafeMutableBytes { buffer in
            read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
        }
        if count > 0 {
            filled += count
        } else if count == 0 {
            bytes.removeSubrange(filled...)
            return bytes
        } else if errno != EINTR {
            throw failure("read")
        }
    }
}
