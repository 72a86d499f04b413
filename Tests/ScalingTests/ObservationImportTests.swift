import XCTest

@testable import Scaling

final class ObservationImportTests: XCTestCase {
    func testBadValueNamesLineAndColumn() {
        let text = "task,n,test_loss,model,seed\nflip,100,0.5,resnet,0\nflip,many,0.4,resnet,0\n"

        XCTAssertThrowsError(try ObservationImport.parse(text, path: "runs.csv")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("runs.csv:3"), message)
            XCTAssertTrue(message.contains("column n"), message)
            XCTAssertTrue(message.contains("'many'"), message)
        }
    }

    func testMissingColumnIsNamed() {
        XCTAssertThrowsError(try ObservationImport.parse("task,n,model,seed\n", path: "runs.csv")) { error in
            XCTAssertTrue("\(error)".contains("column test_loss"), "\(error)")
        }
    }

    func testGoodImportFeedsFit() throws {
        var lines = ["task,n,test_loss,model,seed,k_f,d_data,accuracy,dataset"]
        let tasks: [(String, Double, Double)] = [("a", 1, 10), ("b", 2, 15), ("c", 4, 20), ("d", 0.5, 12)]
        for (name, kF, d) in tasks {
            for n in [100, 1000, 10000] {
                let loss = 0.8 * kF * pow(Double(n), -1.2 / d)
                lines.append("\(name),\(n),\(loss),resnet,0,\(kF),\(d),0.9,\"chest, frontal\"")
            }
        }
        lines.append("e,100,0.5,resnet,0,inf,10,,chest")

        let records = try ObservationImport.parse(lines.joined(separator: "\n"), path: "runs.csv")
        let fit = try ScalingLaw.fit(records, options: ScalingLawOptions(bootstrapReplicates: 0))

        XCTAssertEqual(records.count, 13)
        XCTAssertEqual(records[0].dataset, "chest, frontal")
        XCTAssertNil(records[12].kF)
        XCTAssertEqual(fit.observationCount, 12)
        XCTAssertEqual(fit.modelA.b.value, 1.2, accuracy: 1e-6)
        XCTAssertEqual(fit.modelA.a.value, 0.8, accuracy: 1e-6)
    }
}
