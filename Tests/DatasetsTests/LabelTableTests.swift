import Datasets
import XCTest

final class LabelTableTests: XCTestCase {
    private var folder: TemporaryFolder!
    private var scan: ScanResult!

    override func setUpWithError() throws {
        folder = try TemporaryFolder()
        try folder.write(files: ["train/NORMAL/a.png", "train/NORMAL/b.png", "test/PNEU/c.png", "test/PNEU/d, e.png", "f.png"])
        scan = try scanDataset(root: folder.path)
    }

    private func listing(_ csv: String, _ configure: (inout LabelConfig) -> Void = { _ in }) throws -> LabelledListing {
        let table = try folder.write("labels.csv", csv)
        var labels = LabelConfig()
        configure(&labels)
        return try LabelledListing(scan: scan, labels: labels, tablePath: table)
    }

    private func image(_ listing: LabelledListing, _ path: String) throws -> LabelledImage {
        try XCTUnwrap(listing.images.first { $0.file.relativePath == path }, path)
    }

    func testTaskColumnsAndMetadata() throws {
        let result = try listing("""
            path,split,Has Effusion,score,patient_id,notes
            train/NORMAL/a.png,train,0,0.5,P1,ok
            train/NORMAL/b.png,,1.0,2,P1,
            test/PNEU/c.png,validation,-1,3,P2,"long, note"
            "test/PNEU/d, e.png",test,,4,,x

            """)

        XCTAssertEqual(result.taskColumns, ["has-effusion"])
        XCTAssertEqual(result.ignoredColumns.map(\.header), ["score", "notes"])
        XCTAssertTrue(result.issues.isEmpty, "\(result.issues)")
        XCTAssertEqual(try image(result, "train/NORMAL/a.png").columnLabels, ["has-effusion": false])
        XCTAssertEqual(try image(result, "train/NORMAL/b.png").columnLabels, ["has-effusion": true])
        XCTAssertEqual(try image(result, "test/PNEU/c.png").columnLabels, [:], "uncertain values are ignored by default")
        XCTAssertEqual(try image(result, "test/PNEU/d, e.png").columnLabels, [:], "blank is unknown")
        XCTAssertEqual(result.uncertainIgnored, ["has-effusion": 1])

        XCTAssertEqual(try image(result, "train/NORMAL/a.png").split, "train")
        XCTAssertEqual(try image(result, "train/NORMAL/b.png").split, "train", "a blank split falls back to the folder")
        XCTAssertEqual(try image(result, "test/PNEU/c.png").split, "val", "the table split wins over the folder")
        XCTAssertEqual(try image(result, "train/NORMAL/a.png").patientID, "P1")
        XCTAssertNil(try image(result, "test/PNEU/d, e.png").patientID)

        XCTAssertNil(try image(result, "train/NORMAL/a.png").className, "with a table, folders give no classes")
        XCTAssertEqual(result.notInTableCount, 1)
    }

    func testUncertainPolicies() throws {
        let csv = "path,finding\ntrain/NORMAL/a.png,-1\ntrain/NORMAL/b.png,-1.0\ntest/PNEU/c.png,1\n"

        let zeros = try listing(csv) { $0.uncertain = .zeros }
        let ones = try listing(csv) { $0.uncertain = .ones }
        let ignored = try listing(csv) { $0.uncertain = .ignore }

        XCTAssertEqual(zeros.images.compactMap { $0.columnLabels["finding"] }, [true, false, false])
        XCTAssertEqual(ones.images.compactMap { $0.columnLabels["finding"] }, [true, true, true])
        XCTAssertEqual(ignored.images.compactMap { $0.columnLabels["finding"] }, [true])
        XCTAssertEqual(ignored.uncertainIgnored["finding"], 2)
    }

    func testBOMAndCRLF() throws {
        let table = folder.path + "/bom.csv"
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("path,y\r\ntrain/NORMAL/a.png,1\r\ntest/PNEU/c.png,0\r\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: table))

        let result = try LabelledListing(scan: scan, labels: LabelConfig(), tablePath: table)

        XCTAssertEqual(result.taskColumns, ["y"])
        XCTAssertTrue(result.issues.isEmpty, "\(result.issues)")
        XCTAssertEqual(try image(result, "train/NORMAL/a.png").columnLabels, ["y": true])
        XCTAssertEqual(try image(result, "test/PNEU/c.png").columnLabels, ["y": false])
    }

    func testRowIssuesCarryPhysicalLines() throws {
        let result = try listing("""
            path,y
            train/NORMAL/a.png,1
            "train/NORMAL/
            missing.png",0
            ../outside.png,1
            /etc/passwd,0
            train/../train/NORMAL/b.png,1
            test/PNEU/c.png,yes
            ,1
            train/NORMAL/a.png,0
            test/PNEU/c.png,1,extra
            f.png,0
            """) { $0.taskColumns = ["y"] }

        XCTAssertEqual(result.issues.map(\.line), [3, 5, 6, 8, 9, 10, 11])
        XCTAssertTrue(result.issues[0].message.contains("no scanned image"), result.issues[0].message)
        XCTAssertTrue(result.issues[1].message.contains("leaves the dataset folder"), result.issues[1].message)
        XCTAssertEqual(result.issues[1].path, "../outside.png")
        XCTAssertTrue(result.issues[2].message.contains("absolute path"), result.issues[2].message)
        XCTAssertTrue(result.issues[3].message.contains("'yes'"), result.issues[3].message)
        XCTAssertTrue(result.issues[4].message.contains("empty path"), result.issues[4].message)
        XCTAssertTrue(result.issues[5].message.contains("already labelled on line 2"), result.issues[5].message)
        XCTAssertTrue(result.issues[6].message.contains("3 fields"), result.issues[6].message)

        XCTAssertEqual(try image(result, "train/NORMAL/b.png").columnLabels, ["y": true], "'..' that stays inside is resolved")
        XCTAssertEqual(try image(result, "train/NORMAL/a.png").columnLabels, ["y": true], "the first row of a path wins")
        XCTAssertEqual(try image(result, "test/PNEU/c.png").columnLabels, [:], "a row with an issue is skipped")
        XCTAssertEqual(try image(result, "f.png").columnLabels, ["y": false])
    }

    func testMissingPathColumnNamesFileAndHeader() throws {
        let table = try folder.write("labels.csv", "file,y\na.png,1\n")

        XCTAssertThrowsError(try LabelledListing(scan: scan, labels: LabelConfig(), tablePath: table)) { error in
            XCTAssertEqual(error as? DatasetError, .missingPathColumn(file: table, header: "file,y"))
            XCTAssertTrue(String(describing: error).contains(table))
        }
    }

    func testClassColumnGivesClasses() throws {
        let result = try listing("path,Diagnosis,y\ntrain/NORMAL/a.png,Normal,1\ntest/PNEU/c.png,Viral Pneumonia,0\ntrain/NORMAL/b.png,,1\n") {
            $0.classColumn = "diagnosis"
        }

        XCTAssertEqual(result.classNames, ["normal", "viral-pneumonia"])
        XCTAssertEqual(try image(result, "train/NORMAL/a.png").className, "normal")
        XCTAssertNil(try image(result, "train/NORMAL/b.png").className)
        XCTAssertEqual(result.taskColumns, ["y"])
    }

    func testMissingClassColumnThrows() throws {
        let table = try folder.write("labels.csv", "path,y\ntrain/NORMAL/a.png,1\n")
        var labels = LabelConfig()
        labels.classColumn = "diagnosis"

        XCTAssertThrowsError(try LabelledListing(scan: scan, labels: labels, tablePath: table)) { error in
            XCTAssertEqual(
                error as? DatasetError,
                .missingConfiguredColumn(file: table, setting: "class_column", column: "diagnosis", available: ["path", "y"])
            )
        }
    }

    func testTextColumnIsIgnoredNotAnError() throws {
        let result = try listing("path,diagnosis\ntrain/NORMAL/a.png,normal\ntest/PNEU/c.png,virus\n")

        XCTAssertEqual(result.taskColumns, [])
        XCTAssertEqual(result.ignoredColumns.map(\.header), ["diagnosis"])
        XCTAssertTrue(result.ignoredColumns[0].reason.contains("line 2"), result.ignoredColumns[0].reason)
        XCTAssertTrue(result.issues.isEmpty)
    }

    func testExplicitTaskColumnsReportBadValues() throws {
        let result = try listing("path,finding,other\ntrain/NORMAL/a.png,1,0\ntest/PNEU/c.png,maybe,1\n") {
            $0.taskColumns = ["Finding"]
        }

        XCTAssertEqual(result.taskColumns, ["finding"])
        XCTAssertEqual(result.ignoredColumns.map(\.header), ["other"])
        XCTAssertEqual(result.issues.map(\.line), [3])
    }

    func testSingleTypoInSmallTableKeepsTheTask() throws {
        // 20 rows, one of them '2': 5% invalid, above 1%, but a single typo must not drop the task.
        let small = try TemporaryFolder()
        let names = (0..<20).map { "img/\($0).png" }
        try small.write(files: names)
        let smallScan = try scanDataset(root: small.path)
        var csv = "path,finding\n"
        for (index, name) in names.enumerated() { csv += "\(name),\(index == 7 ? "2" : String(index % 2))\n" }
        let table = try small.write("labels.csv", csv)

        let result = try LabelledListing(scan: smallScan, labels: LabelConfig(), tablePath: table)

        XCTAssertEqual(result.taskColumns, ["finding"])
        XCTAssertEqual(result.issues.map(\.line), [9], "the row with '2' is reported and skipped")
        XCTAssertEqual(result.images.filter { $0.columnLabels["finding"] != nil }.count, 19)
    }
}
