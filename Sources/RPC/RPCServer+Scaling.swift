import Foundation
import Scaling
import Store

// budget.estimate, and the scaling-law part of tasks.rank: predictions from the Scaling module.

extension RPCServer {
    /// `budget.estimate` {task, target_loss | target_accuracy, dataset?, model?}: the training-set size that
    /// reaches the target, from the task's learning curve or zero-shot from model A (see `BudgetPlanner`).
    ///
    /// `dataset` is a folder path (resolved to its canonical root when it exists) or an imported dataset name. The
    /// result is the `BudgetEstimate` with snake_case keys. A target that cannot be reached is a result with
    /// `prediction.status` "not reachable", not an error.
    func estimateBudget(_ params: Params) throws(RPCError) -> JSONValue {
        try params.rejectUnknown(["task", "target_loss", "target_accuracy", "dataset", "model"])
        let task = try params.string("task")
        let (quantity, target) = try Self.budgetTarget(params)
        let dataset = try params.optionalString("dataset").map(Self.canonicalDataset)
        let request = BudgetRequest(
            task: task, dataset: dataset, model: try params.optionalString("model"), quantity: quantity, target: target
        )

        let estimate: BudgetEstimate
        do {
            estimate = try BudgetPlanner.estimate(request, store: store)
        } catch {
            throw Self.map(scalingError: error)
        }
        return try Self.snakeCaseJSON(estimate)
    }

    /// The audit-backed ranking of one dataset for `tasks.rank`: every audited task with its predicted loss ratio
    /// to the easiest task, and each network's Kendall τ verdict where observations allow one.
    func scalingRanking(of dataset: DatasetRecord) throws(RPCError) -> JSONValue {
        let ranking: AuditRanking
        do {
            ranking = try AuditRanking.load(store: store, dataset: dataset.root, model: nil)
        } catch {
            throw Self.map(scalingError: error)
        }
        return try Self.snakeCaseJSON(ranking)
    }

    // MARK: - Steps

    /// Reads exactly one of `target_loss` (> 0) and `target_accuracy` (in (0, 1)), as a loss or an error rate.
    static func budgetTarget(_ params: Params) throws(RPCError) -> (CurveQuantity, Double) {
        let loss = try number(params, "target_loss")
        let accuracy = try number(params, "target_accuracy")
        switch (loss, accuracy) {
        case let (loss?, nil):
            guard loss > 0 else {
                throw .invalidParams("target_loss", "must be a positive number, got \(loss)")
            }
            return (.loss, loss)
        case let (nil, accuracy?):
            guard accuracy > 0, accuracy < 1 else {
                throw .invalidParams("target_accuracy", "must be a fraction between 0 and 1, got \(accuracy)")
            }
            return (.errorRate, 1 - accuracy)
        case (nil, nil):
            throw .invalidParams("target_loss", "or target_accuracy is required: a number")
        default:
            throw .invalidParams("target_accuracy", "cannot be combined with target_loss; pass one of them")
        }
    }

    private static func number(_ params: Params, _ name: String) throws(RPCError) -> Double? {
        switch params.raw[name] {
        case nil, .null?: return nil
        case let .integer(value)?: return Double(value)
        case let .number(value)? where value.isFinite: return value
        case let other?: throw .invalidParams(name, "must be a finite number, got \(other.serialized())")
        }
    }

    private static func canonicalDataset(_ argument: String) -> String {
        guard let resolved = realpath(argument, nil) else { return argument }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Maps a Scaling failure to a JSON-RPC error: an ambiguous task name is -32602 on `dataset`, a missing task or audit is
    /// `dataset_not_found`, too few observations or a failed fit is `not_available`, and a store failure is -32603.
    static func map(scalingError error: ScalingError) -> RPCError {
        switch error {
        case .invalidArgument(let detail):
            // The planner's only argument failure left after `budgetTarget` is a task name found in several datasets.
            return .invalidParams("dataset", "is required here: \(detail)")
        case .notFound:
            return .domain(.datasetNotFound, error.description)
        case .insufficientData, .fitFailed:
            return .domain(.notAvailable, error.description)
        case .storeFailed:
            return .internalError(error.description)
        }
    }

    private static func snakeCaseJSON<T: Encodable>(_ value: T) throws(RPCError) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        do {
            let data = try encoder.encode(value)
            guard let json = JSONValue.parse(Array(data)) else {
                throw RPCError.internalError("the encoded \(T.self) is not valid JSON")
            }
            return json
        } catch let error as RPCError {
            throw error
        } catch {
            throw .internalError("\(T.self) cannot be encoded: \(error)")
        }
    }
}
