import Containers
import ImageIO

/// The decoded content of one container file (or one array of an `.npz`), shared by the
/// threads that preprocess its members. Immutable after `open`.
public final class OpenedContainer: Sendable {
    enum Content: Sendable {
        case stack(ImageStack)
        case volume(NIfTIVolume)
        case frames([UInt8])
    }

    let content: Content

    private init(_ content: Content) {
        self.content = content
    }

    /// Reads and decompresses what the members like `file.member` need: the whole IDX or `.npy`
    /// array, one array of an `.npz`, one NIfTI volume, or the bytes of a multi-frame file.
    public static func open(_ file: ScannedFile) throws(ImageIOError) -> OpenedContainer {
        guard let member = file.member else {
            preconditionFailure("OpenedContainer.open called for \(file.relativePath), which is not a container member")
        }
        let path = file.fileRelativePath
        let bytes = try readWholeFile(atPath: file.absolutePath)

        switch member.kind {
        case .idxItem:
            return OpenedContainer(.stack(try IDXFile.images(of: bytes, path: path)))
        case .arrayElement:
            if let array = member.array {
                return OpenedContainer(.stack(try NPZArchive(bytes, path: path).images(array)))
            }
            return OpenedContainer(.stack(try NPYArray.images(bytes, path: path)))
        case .niftiSlice:
            var imageBytes: [UInt8]?
            if let imagePath = niftiImageFile(for: file.absolutePath) {
                imageBytes = try readWholeFile(atPath: imagePath)
            }
            return OpenedContainer(.volume(try NIfTIVolume(
                fileBytes: bytes, imageFileBytes: imageBytes, volume: member.volume ?? 0, path: path)))
        case .frame:
            return OpenedContainer(.frames(bytes))
        }
    }

    /// The member's content checksum and what preprocessing it needs.
    ///
    /// The checksum is 64-bit FNV-1a over the width, height, channel count and the Float bit
    /// pattern of every sample (for a frame: over the file's bytes, then the frame index), so
    /// members with identical pixels share a checksum like identical files do.
    public func member(_ member: ContainerMember, path: String) throws(ImageIOError) -> MemberContent {
        switch content {
        case let .stack(stack):
            return MemberContent(payload: .pixels(try stack.pixels(at: member.index, path: path)))
        case let .volume(volume):
            return MemberContent(payload: .pixels(try volume.slice(member.index, axis: member.axis ?? 2, path: path)))
        case let .frames(bytes):
            return MemberContent(payload: .frame(bytes, member.index))
        }
    }

    /// NaN voxels of a NIfTI volume that were set to 0; 0 for other containers.
    public var replacedNaNCount: Int {
        if case let .volume(volume) = content {
            return volume.nanCount
        }
        return 0
    }
}

/// One member's samples (or frame), ready to checksum and preprocess.
public struct MemberContent: Sendable {
    enum Payload: Sendable {
        case pixels(PixelSamples)
        case frame([UInt8], Int)
    }

    let payload: Payload

    /// The samples of an array element, IDX item or NIfTI slice; nil for a frame, which only its
    /// decoder reads.
    public var pixels: PixelSamples? {
        if case let .pixels(pixels) = payload {
            return pixels
        }
        return nil
    }

    /// See `OpenedContainer.member(_:path:)`.
    public var checksum: UInt64 {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        switch payload {
        case let .pixels(pixels):
            for word in [UInt64(pixels.width), UInt64(pixels.height), UInt64(pixels.channels)] {
                hash = (hash ^ word) &* prime
            }
            for sample in pixels.samples {
                hash = (hash ^ UInt64(sample.bitPattern)) &* prime
            }
        case let .frame(bytes, index):
            hash = contentChecksum(bytes)
            hash = (hash ^ UInt64(index)) &* prime
        }
        return hash
    }

    public func preprocess(with preprocessor: Preprocessor, path: String) throws(ImageIOError) -> PreprocessedImage {
        switch payload {
        case let .pixels(pixels):
            return try preprocessor.preprocess(pixels: pixels, path: path)
        case let .frame(bytes, index):
            return try preprocessor.preprocess(data: bytes, path: path, frame: index)
        }
    }
}

/// Containers opened for a window of listed images, keyed by file and `.npz` array.
///
/// `update(for:)` runs between parallel phases: it opens what the next window needs and closes
/// the rest, so each container is read and decompressed once per pass over a sorted listing,
/// where its members are adjacent. The value is read-only while workers use it.
public struct OpenContainers: Sendable {
    private var opened: [String: Result<OpenedContainer, ImageIOError>] = [:]
    /// NaN voxels set to 0, by the relative path of each NIfTI file opened so far that had any.
    /// Opening a file again replaces its count, so a file is never counted twice.
    public private(set) var replacedNaNVoxels: [String: Int] = [:]

    public init() {}

    /// Opens the containers of `files` that are not open yet, on up to `threads` threads, and
    /// closes those that no file of `files` needs.
    public mutating func update(for files: [ScannedFile], threads: Int) {
        var needed: [String: ScannedFile] = [:]
        for file in files where file.member != nil {
            let key = Self.key(file)
            if needed[key] == nil {
                needed[key] = file
            }
        }
        opened = opened.filter { needed[$0.key] != nil }

        let missing = needed.filter { opened[$0.key] == nil }.sorted { $0.key < $1.key }
        let results = ParallelSlots<Result<OpenedContainer, ImageIOError>>(count: missing.count)
        runChunked(count: missing.count, threads: threads) { position in
            do throws(ImageIOError) {
                results.set(position, .success(try OpenedContainer.open(missing[position].value)))
            } catch {
                results.set(position, .failure(error))
            }
        }
        for (position, entry) in missing.enumerated() {
            let result = results.value(position)
            opened[entry.key] = result
            if case let .success(container) = result, container.replacedNaNCount > 0 {
                replacedNaNVoxels[Self.containerPath(entry.value)] = container.replacedNaNCount
            }
        }
    }

    /// Returns the content of `file`'s member, or throws the error that opening its container gave.
    public func content(of file: ScannedFile) throws(ImageIOError) -> MemberContent {
        guard let member = file.member, let result = opened[Self.key(file)] else {
            throw ImageIOError(kind: .unreadable, path: file.relativePath, detail: "its container was not opened")
        }
        switch result {
        case let .success(container):
            return try container.member(member, path: file.relativePath)
        case let .failure(error):
            throw error
        }
    }

    /// Returns the container file's relative path: the member's path without its `#...` suffix.
    private static func containerPath(_ file: ScannedFile) -> String {
        guard let hash = file.relativePath.lastIndex(of: "#") else {
            return file.relativePath
        }
        return String(file.relativePath[..<hash])
    }

    private static func key(_ file: ScannedFile) -> String {
        file.absolutePath + "\u{0}" + (file.member?.array ?? "") + "\u{0}" + String(file.member?.volume ?? 0)
    }
}
