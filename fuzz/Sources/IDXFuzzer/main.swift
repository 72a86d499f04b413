import Containers
import FuzzDriver

// Reads the input as an IDX file (plain or gzip) as images and as labels; any error is fine,
// a trap or sanitizer report is a finding.
func fuzzIDX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    if let stack = try? IDXFile.images(of: bytes, path: "fuzz") {
        for index in 0..<min(stack.shape.count, 4) {
            _ = try? stack.pixels(at: index, path: "fuzz")
        }
    }
    _ = try? IDXFile.labels(of: bytes, path: "fuzz")
    return 0
}

runFuzzer { fuzzIDX($0, $1) }
