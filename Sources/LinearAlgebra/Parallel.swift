import Foundation

/// Runs `body(i)` for i in 0..<count on at most `threads` threads (the caller's thread is one of
/// them), handing out indices in order from a shared counter.
///
/// `DispatchQueue.concurrentPerform` alone uses every core whatever the iteration count, so the
/// `--threads` setting would not bound the CPU use; here exactly min(threads, count) workers run.
public func parallelFor(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let workers = max(1, min(threads, count))
    if workers == 1 {
        for index in 0..<count { body(index) }
        return
    }
    let counter = SharedCounter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let index = counter.next()
            if index >= count { return }
            body(index)
        }
    }
}

/// A counter that hands out 0, 1, 2, … to concurrent callers.
final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
