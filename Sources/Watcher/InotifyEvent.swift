/// One event read from an inotify descriptor (`struct inotify_event` in linux/inotify.h).
public struct InotifyEvent: Sendable, Equatable {
    /// Watch descriptor of the directory the event happened in, or -1 for `IN_Q_OVERFLOW`.
    public var watchDescriptor: Int32
    public var mask: UInt32
    /// Links the `IN_MOVED_FROM` and `IN_MOVED_TO` halves of one rename.
    public var cookie: UInt32
    /// Name of the entry inside the watched directory; empty for events on the directory itself.
    public var name: String

    public init(watchDescriptor: Int32, mask: UInt32, cookie: UInt32 = 0, name: String) {
        self.watchDescriptor = watchDescriptor
        self.mask = mask
        self.cookie = cookie
        self.name = name
    }

    public var isDirectory: Bool { mask & InotifyMask.isDirectory != 0 }

    /// Size of the fixed header: wd (int32), mask, cookie and len (uint32 each).
    static let headerSize = 16

    /// Parses the events in `bytes`, which holds whole `inotify_event` records as `read` returns them.
    ///
    /// The name field is NUL-padded to `len` bytes. A truncated trailing record is ignored, because the kernel
    /// never splits one across reads.
    public static func parse(_ bytes: ArraySlice<UInt8>) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var offset = bytes.startIndex

        while bytes.endIndex - offset >= headerSize {
            let wd = Int32(bitPattern: readUInt32(bytes, offset))
            let mask = readUInt32(bytes, offset + 4)
            let cookie = readUInt32(bytes, offset + 8)
            let length = Int(readUInt32(bytes, offset + 12))
            let nameStart = offset + headerSize
            guard bytes.endIndex - nameStart >= length else { break }

            let nameBytes = bytes[nameStart..<(nameStart + length)].prefix { $0 != 0 }
            events.append(InotifyEvent(
                watchDescriptor: wd, mask: mask, cookie: cookie, name: String(decoding: nameBytes, as: UTF8.self)
            ))
            offset = nameStart + length
        }
        return events
    }

    /// Encodes the event the way the kernel does (host byte order, name padded with NULs to a multiple of 16
    /// bytes), so tests can feed the parser.
    public func encoded() -> [UInt8] {
        var nameBytes = Array(name.utf8)
        if !nameBytes.isEmpty {
            nameBytes.append(0)
            while nameBytes.count % 16 != 0 { nameBytes.append(0) }
        }
        var bytes: [UInt8] = []
        for field in [UInt32(bitPattern: watchDescriptor), mask, cookie, UInt32(nameBytes.count)] {
            withUnsafeBytes(of: field) { bytes.append(contentsOf: $0) }
        }
        return bytes + nameBytes
    }

    private static func readUInt32(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        withUnsafeMutableBytes(of: &value) { raw in
            for index in 0..<4 { raw[index] = bytes[offset + index] }
        }
        return value
    }
}
