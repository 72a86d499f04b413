import XCTest

final class DatasetsPlaceholderTests: XCTestCase {}
