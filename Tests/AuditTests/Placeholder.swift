import XCTest

final class AuditPlaceholderTests: XCTestCase {}
