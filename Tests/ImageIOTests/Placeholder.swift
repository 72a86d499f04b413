import XCTest

final class ImageIOPlaceholderTests: XCTestCase {}
