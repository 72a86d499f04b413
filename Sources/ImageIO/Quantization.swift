/// Quantises values in [0, 1] to UInt16: q = round(v * 65535), ties to even, with values below
/// 0 (and NaN) stored as 0 and values above 1 as 65535.
///
/// Used for the feature cache. Together with `dequantizeUnitInterval` it moves each value by
/// at most 1/131070 (half a step of 1/65535).
public func quantizeUnitInterval(_ v: [Float]) -> [UInt16] {
    v.map(quantizeUnitValue)
}

/// Maps UInt16 codes back to [0, 1]: v = q / 65535.
public func dequantizeUnitInterval(_ q: [UInt16]) -> [Float] {
    q.map(dequantizeUnitValue)
}

/// `values.map(transform)` as a loop over uninitialised storage, which avoids the per-element
/// append of Array.map on this hot path.
@inline(__always)
func mapFloats(_ values: [Float], _ transform: (Float) -> Float) -> [Float] {
    [Float](unsafeUninitializedCapacity: values.count) { target, initialized in
        values.withUnsafeBufferPointer { source in
            for index in 0..<source.count {
                target[index] = transform(source[index])
            }
        }
        initialized = values.count
    }
}

@inline(__always)
private func quantizeUnitValue(_ value: Float) -> UInt16 {
    guard value > 0 else {
        return 0  // Also NaN, which compares false.
    }
    guard value < 1 else {
        return UInt16.max
    }
    // Adding and subtracting 2^23 rounds a Float in [0, 2^23) to the nearest integer, ties to
    // even, in the default rounding mode. Baseline x86-64 would otherwise call libm's rintf.
    let scaled = value * 65535
    return UInt16((scaled + 8_388_608) - 8_388_608)
}

/// q / 65535 for every code, so dequantisation is a load instead of a division (256 KiB).
private let dequantizationTable: [Float] = (0...65535).map { Float($0) / 65535 }

@inline(__always)
private func dequantizeUnitValue(_ code: UInt16) -> Float {
    dequantizationTable.withUnsafeBufferPointer { $0[Int(code)] }
}
