import Dispatch

/// Fixed result slots written by disjoint workers: each slot is written at most once, before
/// `value(_:)` is read on the calling thread after the workers finish.
final class ParallelSlots<Value: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Value?>
    let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func set(_ position: Int, _ value: Value) {
        storage[position] = value
    }

    func value(_ position: Int) -> Value? {
        storage[position]
    }
}

/// Runs `body(position)` for every position in 0..<count on up to `threads` threads (at least 1),
/// each thread taking one contiguous chunk, and returns when all are done.
func runChunked(count: Int, threads: Int, _ body: @Sendable @escaping (Int) -> Void) {
    guard count > 0 else {
        return
    }
    let workers = max(1, min(threads, count))
    let chunk = (count + workers - 1) / workers
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let start = worker * chunk
        let end = min(count, start + chunk)
        guard start < end else { return }
        for position in start..<end {
            body(position)
        }
    }
}
