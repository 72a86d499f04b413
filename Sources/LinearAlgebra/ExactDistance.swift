import CKernels

/// Exact squared Euclidean distance between two `Float` vectors, computed in `Double`.
///
/// d² = Σᵢ (Double(aᵢ) − Double(bᵢ))². Every `Float` converts to `Double` exactly, and the
/// difference of two converted values is exact whenever their exponents differ by at most 29
/// (the spare bits of a `Double` significand), which holds for the [0, 1] values quantised to
/// multiples of 1/65535 used here. The remaining rounding is in the squares and the sum:
/// relative error about n · 2⁻⁵³, far below any distance this project reports.
/// This is the value used for every decisive distance (the K_F minimum and the neighbour
/// distances T₁…T_k), because the BLAS Gram identity ‖a‖² + ‖b‖² − 2a·b in `Float`
/// cancels catastrophically for close pairs: two 224 × 224 images in [0, 1] that differ by
/// 1/255 at ten pixels are 0.0124 apart, and the `Float` Gram identity returns 0 for them.
///
/// Cost: n multiply-adds in `Double`, vectorised by the C compiler (see Sources/CKernels).
@inline(__always)
public func exactSquaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
    ia_squared_distance_f32(a, b, count)
}

/// Exact Euclidean distance √(Σᵢ (aᵢ − bᵢ)²) in `Double`; see `exactSquaredDistance`.
@inline(__always)
public func exactDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
    exactSquaredDistance(a, b, count: count).squareRoot()
}

/// Squared Euclidean norm Σᵢ aᵢ² accumulated in `Double`.
public func exactSquaredNorm(_ a: UnsafePointer<Float>, count: Int) -> Double {
    ia_squared_norm_f32(a, count)
}
