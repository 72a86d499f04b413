/// A heap block of `Float` that a layer keeps between steps, so activations and gradients are not
/// reallocated per batch. `reserve` grows it only when a larger batch arrives; the contents are then
/// undefined until the layer writes them.
final class FloatBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit {
        pointer.deallocate()
    }

    /// Makes room for at least `count` values, discarding the old contents when it has to grow.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        pointer = .allocate(capacity: count)
        capacity = count
    }

    func zero(_ count: Int) {
        pointer.update(repeating: 0, count: count)
    }
}

/// The `Int32` counterpart of `FloatBuffer`, for max-pooling argmax indices.
final class IndexBuffer {
    private(set) var pointer: UnsafeMutablePointer<Int32>
    private(set) var capacity: Int

    init() {
        capacity = 1
        pointer = .allocate(capacity: 1)
    }

    deinit {
        pointer.deallocate()
    }

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        pointer = .allocate(capacity: count)
        capacity = count
    }
}
