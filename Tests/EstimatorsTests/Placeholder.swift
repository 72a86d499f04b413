import XCTest

final class EstimatorsPlaceholderTests: XCTestCase {}
