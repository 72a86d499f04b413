@testable import Datasets
import XCTest

final class GlobTests: XCTestCase {
    func testGlobCases() {
        let cases: [(glob: String, name: String, matches: Bool)] = [
            ("*", "", true),
            ("*", "anything", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*_vs_rest", "normal_vs_rest", true),
            ("*_vs_rest", "normal_vs_rest2", false),
            ("n*l_vs_*", "normal_vs_virus", true),
            ("*a*a*", "banana", true),
            ("*a*a*a*a", "banana", false),
            ("pneumonia", "Pneumonia", false),
            ("a*", "b", false),
            ("**x", "yyx", true),
        ]
        for (glob, name, matches) in cases {
            XCTAssertEqual(globMatches(glob, name), matches, "glob \(glob) on \(name)")
        }
    }
}
