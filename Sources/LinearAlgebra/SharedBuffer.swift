/// A fixed-size buffer that parallel workers write at distinct indices.
///
/// Safety invariant: concurrent writers never touch the same index, and nobody reads an index
/// until the parallel section that writes it has finished (`parallelFor` and
/// `DispatchQueue.concurrentPerform` return only after all iterations end).
public final class SharedBuffer<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutableBufferPointer<Element>

    public init(repeating value: Element, count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: value)
    }

    deinit {
        pointer.deinitialize()
        pointer.deallocate()
    }

    public subscript(index: Int) -> Element {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    public var array: [Element] {
        Array(pointer)
    }
}
