import Datasets
import XCTest

/// Expected values come from this independent Python 3 definition:
///
///     M = (1 << 64) - 1
///     def mix(z):
///         z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
///         z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
///         return z ^ (z >> 31)
///     def fnv(b):
///         h = 0xcbf29ce484222325
///         for x in b: h = ((h ^ x) * 0x100000001b3) & M
///         return h
///     def key(seed, stream, run): return mix((mix(seed ^ stream) + run) & M)
///     cs = {i: fnv(b'image-%d' % i) for i in range(20)}
///     k = key(7, 0x4B46, 3)
///     sorted(sorted(range(20), key=lambda i: (mix(cs[i] ^ k), i))[:5])   # [7, 8, 11, 12, 13]
final class StableSamplerTests: XCTestCase {
    private func checksum(_ text: String) -> UInt64 {
        contentChecksum(Array(text.utf8))
    }

    func testMix64Values() {
        XCTAssertEqual(StableSampler.mix64(0), 0)
        XCTAssertEqual(StableSampler.mix64(1), 0x5692_161D_100B_05E5)
        XCTAssertEqual(StableSampler.mix64(2), 0xDBD2_3897_3A2B_148A)
    }

    func testStreamKeys() {
        XCTAssertEqual(StableSampler.streamKey(seed: 0, stream: .labelSharpness, run: 0), 0x1287_22E4_06DA_2598)
        XCTAssertEqual(StableSampler.streamKey(seed: 0, stream: .labelSharpness, run: 1), 0x1A54_9D6A_B06C_36CA)
        XCTAssertEqual(StableSampler.streamKey(seed: 7, stream: .intrinsicDimension, run: 3), 0x08E5_C635_2BA1_1C55)
        XCTAssertEqual(StableSampler.streamKey(seed: 7, stream: .labelSharpness, run: 3), 0xEF15_38F4_3A2B_2D75)
    }

    func testFNV1aValues() {
        XCTAssertEqual(checksum(""), 0xCBF2_9CE4_8422_2325)
        XCTAssertEqual(checksum("a"), 0xAF63_DC4C_8601_EC8C)
        XCTAssertEqual(checksum("foobar"), 0x8594_4171_F739_67E8)
        XCTAssertEqual(checksum("image-0"), 0x55C6_CA40_9D5B_98BF)
    }

    func testSampleMatchesPythonReference() {
        let checksums = (0..<20).map { checksum("image-\($0)") }
        let pool = Array(0..<20)

        let first = StableSampler.sample(
            pool: pool, count: 5, key: StableSampler.streamKey(seed: 7, stream: .labelSharpness, run: 3)
        ) { checksums[$0] }
        let second = StableSampler.sample(
            pool: pool, count: 5, key: StableSampler.streamKey(seed: 0, stream: .intrinsicDimension, run: 0)
        ) { checksums[$0] }

        XCTAssertEqual(first, [7, 8, 11, 12, 13])
        XCTAssertEqual(second, [3, 9, 12, 13, 15])
    }

    func testSampleEdgeCases() {
        let pool = [2, 5, 9]
        XCTAssertEqual(StableSampler.sample(pool: pool, count: 0, key: 1) { UInt64($0) }, [])
        XCTAssertEqual(StableSampler.sample(pool: pool, count: 3, key: 1) { UInt64($0) }, pool)
        XCTAssertEqual(StableSampler.sample(pool: pool, count: 10, key: 1) { UInt64($0) }, pool)
        XCTAssertEqual(StableSampler.sample(pool: [], count: 2, key: 1) { UInt64($0) }, [])
    }

    func testEqualChecksumsTieOnIndex() {
        // Every image has the same content, so every rank is equal and the lowest indices win.
        XCTAssertEqual(StableSampler.sample(pool: Array(0..<10), count: 3, key: 99) { _ in 42 }, [0, 1, 2])
    }

    func testAddingOneImageBarelyChangesSamples() {
        let checksums = (0...1000).map { checksum("image-\($0)") }
        var totalChanged = 0
        var maximumChanged = 0

        for run in 0..<25 {
            let key = StableSampler.streamKey(seed: 0, stream: .labelSharpness, run: run)
            let before = Set(StableSampler.sample(pool: Array(0..<1000), count: 500, key: key) { checksums[$0] })
            let after = Set(StableSampler.sample(pool: Array(0...1000), count: 500, key: key) { checksums[$0] })
            let changed = before.symmetricDifference(after).count
            totalChanged += changed
            maximumChanged = max(maximumChanged, changed)
        }

        // The newcomer either stays out (0 changes) or displaces exactly one member (2 changes).
        XCTAssertLessThanOrEqual(maximumChanged, 2)
        XCTAssertLessThanOrEqual(totalChanged, 50)
        XCTAssertGreaterThan(totalChanged, 0, "with 25 runs the newcomer should enter at least one sample")
    }

    func testDifferentRunsGiveDifferentSamples() {
        let checksums = (0..<1000).map { checksum("image-\($0)") }
        let samples = (0..<3).map { run in
            StableSampler.sample(
                pool: Array(0..<1000), count: 100, key: StableSampler.streamKey(seed: 0, stream: .labelSharpness, run: run)
            ) { checksums[$0] }
        }

        XCTAssertNotEqual(samples[0], samples[1])
        XCTAssertNotEqual(samples[1], samples[2])
    }

    func testBalancedSampleLimitedBySmallestSide() {
        let checksums = (0..<100).map { checksum("image-\($0)") }
        let sides = [Array(0..<60), Array(60..<70), Array(70..<100)]

        let limited = StableSampler.balancedSample(sides: sides, perSide: 20, key: 5) { checksums[$0] }
        let enough = StableSampler.balancedSample(sides: sides, perSide: 8, key: 5) { checksums[$0] }

        XCTAssertEqual(limited.perSide, 10)
        XCTAssertEqual(limited.limitedBy, 1)
        XCTAssertEqual(limited.sides.map(\.count), [10, 10, 10])
        XCTAssertEqual(limited.sides[1], Array(60..<70))
        XCTAssertEqual(limited.sides[0], StableSampler.sample(pool: sides[0], count: 10, key: 5) { checksums[$0] })
        XCTAssertEqual(enough.perSide, 8)
        XCTAssertNil(enough.limitedBy)
        XCTAssertEqual(enough.sides.map(\.count), [8, 8, 8])
    }
}
