import XCTest

final class LinearAlgebraPlaceholderTests: XCTestCase {}
