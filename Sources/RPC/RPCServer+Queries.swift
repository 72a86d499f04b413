import Audit
import Foundation
import Reports
import Store

// tasks.list, tasks.rank and report.get: read the stored results of a dataset.

extension RPCServer {
    /// Finds the dataset named by `root` (a folder path) or `dataset_id`.
    func dataset(_ params: Params) throws(RPCError) -> DatasetRecord {
        do {
            if let id = try params.optionalInteger("dataset_id", in: 1...Int64.max) {
                guard let record = try store.dataset(id: Int64(id)) else {
                    throw RPCError.domain(.datasetNotFound, "no dataset has id \(id) in \(store.path); list audited folders with report.get by root")
                }
                return record
            }
            let root = try params.string("root")
            guard let resolved = realpath(root, nil) else {
                throw RPCError.domain(.datasetNotFound, "dataset folder not found: \(root)")
            }
            let canonical = String(cString: resolved)
            free(resolved)
            guard let record = try store.dataset(root: canonical) else {
                throw RPCError.domain(.datasetNotFound, "no audit of \(canonical) in \(store.path); run audit.run first")
            }
            return record
        } catch let error as RPCError {
            throw error
        } catch {
            throw Self.map(storeError: error)
        }
    }

    func listTasks(_ params: Params) throws(RPCError) -> JSONValue {
        try params.rejectUnknown(["root", "dataset_id"])
        let record = try dataset(params)
        do {
            let tasks = try store.tasks(datasetID: record.id)
            return .object([
                "dataset_id": .integer(record.id),
                "tasks": .array(tasks.map { task in
                    .object([
                        "name": .string(task.name), "label_source": .string(task.labelSource),
                        "positives": .integer(Int64(task.positives)), "negatives": .integer(Int64(task.negatives)),
                        "definition": JSONValue.parse(Array(task.definitionJSON.utf8)) ?? .null,
                    ])
                }),
            ])
        } catch {
            throw Self.map(storeError: error)
        }
    }

    func rankTasks(_ params: Params) throws(RPCError) -> JSONValue {
        try params.rejectUnknown(["root", "dataset_id"])
        let (record, audit, report) = try latestReport(params)
        let ranked = report.tasks.sorted { ($0.rank ?? Int.max, $0.name) < ($1.rank ?? Int.max, $1.name) }
        return .object([
            "dataset_id": .integer(record.id), "audit_id": .integer(audit.id),
            "tasks": .array(ranked.map { task in
                .object([
                    "name": .string(task.name),
                    "rank": task.rank.map { .integer(Int64($0)) } ?? .null,
                    "label_sharpness": task.labelSharpness.mean.map(JSONValue.number) ?? .null,
                    "label_sharpness_ci95": task.labelSharpness.ci95.map { .array($0.map(JSONValue.number)) } ?? .null,
                    "ratio_to_easiest": task.ratioToEasiest.map(JSONValue.number) ?? .null,
                    "mle": task.intrinsicDimension.mle.value.map(JSONValue.number) ?? .null,
                    "twonn": task.intrinsicDimension.twonn.value.map(JSONValue.number) ?? .null,
                ])
            }),
            "scaling": try scalingRanking(of: record),
        ])
    }

    func getReport(_ params: Params) throws(RPCError) -> JSONValue {
        try params.rejectUnknown(["root", "dataset_id"])
        let (record, audit, _) = try latestReport(params)
        let superseded = (try? store.isAuditSuperseded(id: audit.id)) ?? nil
        return .object([
            "dataset_id": .integer(record.id), "audit_id": .integer(audit.id),
            "superseded": superseded.map(JSONValue.bool) ?? .null,
            "finished_at": audit.finishedAt.map { .number($0.timeIntervalSince1970) } ?? .null,
            "report": JSONValue.parse(Array((audit.reportJSON ?? "null").utf8)) ?? .null,
        ])
    }

    private func latestReport(_ params: Params) throws(RPCError) -> (DatasetRecord, AuditRecord, AuditReport) {
        let record = try dataset(params)
        do {
            guard let audit = try store.latestAudit(datasetID: record.id), let json = audit.reportJSON else {
                throw RPCError.domain(.datasetNotFound, "no completed audit of \(record.root); run audit.run first")
            }
            return (record, audit, try JSONReport.decode(json))
        } catch let error as RPCError {
            throw error
        } catch let error as StoreError {
            throw Self.map(storeError: error)
        } catch {
            throw RPCError.internalError("the stored report of \(record.root) cannot be read: \(error)")
        }
    }

    /// Maps a store failure: `busy` to the application kind, anything else to -32603.
    static func map(storeError error: any Error) -> RPCError {
        if let storeError = error as? StoreError, storeError.kind == .busy {
            return .domain(.busy, storeError.description)
        }
        return .internalError("\(error)")
    }
}
