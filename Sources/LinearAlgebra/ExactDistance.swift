/// Exact squared Euclidean distance between two `Float` vectors, computed in `Double`.
///
/// d² = Σᵢ (Double(aᵢ) − Double(bᵢ))². Every `Float` converts to `Double` exactly, and the
/// difference of two converted values is exact whenever their exponents differ by at most 29
/// (the spare bits of a `Double` significand), which holds for the [0, 1] values quantised to
/// multiples of 1/65535 used here. The remaining rounding is in the squares and the sum:
/// relative error about n · 2⁻⁵³, far below any distance this project reports. This is the value used for every decisive distance (the K_F minimum and the
/// neighbour distances T₁…T_k), because the BLAS Gram identity ‖a‖² + ‖b‖² − 2a·b in `Float`
/// cancels catastrophically for close pairs: two 224 × 224 images in [0, 1] that differ by
/// 1/255 at ten pixels are 0.0124 apart, and the `Float` Gram identity returns 0 for them.
///
/// Cost: n multiply-adds in 8-wide `Double` lanes.
@inline(__always)
public func exactSquaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
    var accumulator0 = SIMD4<Double>()
    var accumulator1 = SIMD4<Double>()
    var index = 0

    while index + 8 <= count {
        let a8 = UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
        let b8 = UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
        let lowDifference = SIMD4<Double>(a8.lowHalf) - SIMD4<Double>(b8.lowHalf)
        let highDifference = SIMD4<Double>(a8.highHalf) - SIMD4<Double>(b8.highHalf)
        accumulator0.addProduct(lowDifference, lowDifference)
        accumulator1.addProduct(highDifference, highDifference)
        index += 8
    }

    var sum = (accumulator0 + accumulator1).sum()
    while index < count {
        let difference = Double(a[index]) - Double(b[index])
        sum += difference * difference
        index += 1
    }
    return sum
}

/// Exact Euclidean distance √(Σᵢ (aᵢ − bᵢ)²) in `Double`; see `exactSquaredDistance`.
@inline(__always)
public func exactDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
    exactSquaredDistance(a, b, count: count).squareRoot()
}

/// Squared Euclidean norm Σᵢ aᵢ² accumulated in `Double`.
public func exactSquaredNorm(_ a: UnsafePointer<Float>, count: Int) -> Double {
    var accumulator = SIMD4<Double>()
    var index = 0
    while index + 4 <= count {
        let value = SIMD4<Double>(UnsafeRawPointer(a + index).loadUnaligned(as: SIMD4<Float>.self))
        accumulator.addProduct(value, value)
        index += 4
    }
    var sum = accumulator.sum()
    while index < count {
        sum += Double(a[index]) * Double(a[index])
        index += 1
    }
    return sum
}
