import Containers
import FuzzDriver

// Reads the input as an .npz archive: the central directory, each array's header, images and labels.
func fuzzNPZ(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let archive = try? NPZArchive(bytes, path: "fuzz") else {
        return 0
    }
    for name in archive.arrayNames.prefix(8) {
        _ = try? archive.header(of: name)
        if let stack = try? archive.images(name) {
            for index in 0..<min(stack.shape.count, 4) {
                _ = try? stack.pixels(at: index, path: "fuzz")
            }
        }
        _ = try? archive.labels(name)
    }
    return 0
}

runFuzzer { fuzzNPZ($0, $1) }
