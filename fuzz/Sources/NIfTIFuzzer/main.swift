import Containers
import FuzzDriver

// Reads the input as a .nii or .nii.gz file: header, volume 0, its axial slices and mask flags.
func fuzzNIfTI(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let header = try? NIfTIVolume.header(of: bytes, path: "fuzz") else {
        return 0
    }
    let axis = header.axialAxis
    guard let volume = try? NIfTIVolume(fileBytes: bytes, volume: 0, path: "fuzz") else {
        return 0
    }
    for index in 0..<min(volume.sliceCount(axis: axis), 4) {
        _ = try? volume.slice(index, axis: axis, path: "fuzz")
    }
    _ = volume.slicesAbove(0.5, axis: axis)
    return 0
}

runFuzzer { fuzzNIfTI($0, $1) }
