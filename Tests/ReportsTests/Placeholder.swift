import XCTest

final class ReportsPlaceholderTests: XCTestCase {}
