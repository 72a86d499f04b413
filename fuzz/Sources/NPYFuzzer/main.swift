import Containers
import FuzzDriver

// Reads the input as a .npy array, as images and as labels.
func fuzzNPY(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    if let stack = try? NPYArray.images(bytes, path: "fuzz") {
        for index in 0..<min(stack.shape.count, 4) {
            _ = try? stack.pixels(at: index, path: "fuzz")
        }
    }
    _ = try? NPYArray.labels(bytes, path: "fuzz")
    return 0
}

runFuzzer { fuzzNPY($0, $1) }
