/// Numeric type of the samples of an array in a container file.
public enum SampleType: String, Sendable, Hashable, Codable {
    case bool, uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64

    /// Bytes per sample.
    public var size: Int {
        switch self {
        case .bool, .uint8, .int8: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        }
    }

    /// b of `.bitdepth` normalisation v / (2^b - 1) for unsigned integer types (1 for bool, 8 for
    /// uint8, 16 for uint16); nil for signed, 32- and 64-bit integer and floating-point types, whose
    /// samples have no fixed range that maps to [0, 1].
    public var significantBits: Int? {
        switch self {
        case .bool: return 1
        case .uint8: return 8
        case .uint16: return 16
        default: return nil
        }
    }
}

/// Type and byte order of the samples of an array.
public struct SampleLayout: Sendable, Hashable {
    public var type: SampleType
    /// Whether multi-byte samples are stored most significant byte first.
    public var bigEndian: Bool

    public init(type: SampleType, bigEndian: Bool) {
        self.type = type
        self.bigEndian = bigEndian
    }

    /// Converts `count` samples starting at byte `offset` of `bytes` to Float, appending to
    /// `output`. 32- and 64-bit integers beyond 2^24 lose precision in Float. NaN samples of
    /// floating-point types become 0, unless `keepNaN` is set, and are counted in the return value.
    ///
    /// The caller guarantees `offset + count * type.size <= bytes.count`.
    @discardableResult
    public func appendSamples(
        _ bytes: UnsafeRawBufferPointer, offset: Int, count: Int, to output: inout [Float], keepNaN: Bool = false
    ) -> Int {
        precondition(offset >= 0 && count >= 0 && offset + count * type.size <= bytes.count, "sample range outside the buffer")
        output.reserveCapacity(output.count + count)
        let base = bytes.baseAddress! + offset
        var nanCount = 0

        func integer<T: FixedWidthInteger>(_: T.Type) {
            for i in 0..<count {
                let raw = (base + i * MemoryLayout<T>.size).loadUnaligned(as: T.self)
                output.append(Float(bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)))
            }
        }

        switch type {
        case .bool:
            for i in 0..<count { output.append(base.load(fromByteOffset: i, as: UInt8.self) == 0 ? 0 : 1) }
        case .uint8: integer(UInt8.self)
        case .int8: integer(Int8.self)
        case .uint16: integer(UInt16.self)
        case .int16: integer(Int16.self)
        case .uint32: integer(UInt32.self)
        case .int32: integer(Int32.self)
        case .uint64: integer(UInt64.self)
        case .int64: integer(Int64.self)
        case .float32:
            for i in 0..<count {
                let raw = (base + i * 4).loadUnaligned(as: UInt32.self)
                let value = Float(bitPattern: bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw))
                if value.isNaN { nanCount += 1 }
                output.append(value.isNaN && !keepNaN ? 0 : value)
            }
        case .float64:
            for i in 0..<count {
                let raw = (base + i * 8).loadUnaligned(as: UInt64.self)
                let value = Double(bitPattern: bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw))
                if value.isNaN { nanCount += 1 }
                output.append(value.isNaN && !keepNaN ? 0 : Float(value))
            }
        }
        return nanCount
    }
}

/// Returns the product of `factors`, or nil when a factor is negative or the product overflows.
public func checkedProduct(_ factors: [Int]) -> Int? {
    var product = 1
    for factor in factors {
        guard factor >= 0 else { return nil }
        let (result, overflow) = product.multipliedReportingOverflow(by: factor)
        if overflow { return nil }
        product = result
    }
    return product
}
