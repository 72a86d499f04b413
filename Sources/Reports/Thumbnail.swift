import Datasets
import Foundation
import ImageIO

/// A small picture of one dataset image for the HTML report, or why there is none.
enum Thumbnail: Equatable {
    /// A `data:image/png;base64,...` URI of a grey PNG.
    case image(dataURI: String)
    /// The file is missing or cannot be decoded; the text says which and why.
    case unavailable(reason: String)
}

/// Decodes dataset images into grey PNG thumbnails, once per path.
///
/// A thumbnail is the image as the audit sees it: BT.601 grey, stretched to size x size pixels
/// by area averaging (so the aspect ratio is not kept) and min–max normalised, then quantised
/// to 8 bits as round(255 v). A missing or undecodable file gives `.unavailable` with the reason;
/// nothing here throws or traps on a bad file.
final class ThumbnailRenderer {
    let root: String
    let size: Int
    private let preprocessor: Preprocessor
    private var cache: [String: Thumbnail] = [:]
    /// The scan settings members are resolved with (the NIfTI volume of 4-D files).
    let scanOptions: ScanOptions
    /// Resolves container members (`scans.npz#train_images[3]`); opened lazily.
    private lazy var locator = ListedImageLocator(root: root, options: scanOptions)
    /// The container of the last member drawn, kept open for its neighbours in the report.
    private var containers = OpenContainers()

    /// `root` is the dataset folder that relative paths are resolved against; `size` is the
    /// side in pixels (the report uses 96). `scanOptions` nil loads the `scan` settings of the
    /// folder's `audit.json` over the defaults, and the defaults alone when that file is invalid.
    init(root: String, size: Int, scanOptions: ScanOptions? = nil) {
        self.root = root
        self.size = size
        self.scanOptions = scanOptions ?? (try? AuditConfig.load(datasetRoot: root, overridePath: nil).0.scan) ?? ScanOptions()
        self.preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: size, channels: .grey, normalize: .minmax))
    }

    /// The thumbnail of `path`, relative to `root` unless it starts with "/".
    func thumbnail(for path: String) -> Thumbnail {
        if let cached = cache[path] {
            return cached
        }
        let thumbnail = makeThumbnail(path)
        cache[path] = thumbnail
        return thumbnail
    }

    private func makeThumbnail(_ path: String) -> Thumbnail {
        let absolute = path.hasPrefix("/") ? path : (root as NSString).appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        let image: PreprocessedImage
        if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue {
            do {
                image = try preprocessor.preprocess(fileAt: absolute)
            } catch {
                return .unavailable(reason: "cannot decode (\(error.kind.rawValue): \(error.detail))")
            }
        } else if !path.hasPrefix("/"), let member = locator.image(at: path), member.member != nil {
            // A member of a container file, such as scans.npz#train_images[3].
            containers.update(for: [member], threads: 1)
            do {
                image = try preprocessListedImage(member, preprocessor: preprocessor, containers: containers)
            } catch {
                return .unavailable(reason: "cannot decode (\(error.kind.rawValue): \(error.detail))")
            }
        } else {
            return .unavailable(reason: "file no longer exists")
        }

        let pixels = image.vector.map { UInt8(clamping: Int(($0 * 255).rounded())) }
        do {
            let png = try encodeGreyPNG(pixels, width: size, height: size)
            return .image(dataURI: "data:image/png;base64," + Data(png).base64EncodedString())
        } catch {
            return .unavailable(reason: error.description)
        }
    }
}
