/// The named tensors of a network in PyTorch `state_dict` order: trainable parameters (weights,
/// biases, BatchNorm gamma and beta) in one contiguous block with a matching gradient block, and
/// BatchNorm buffers (running mean, running variance, `num_batches_tracked`) in a second block.
///
/// Layers register their tensors while the model is built and keep the returned offsets; the
/// blocks are allocated once by `allocate(seed:)`, which also initialises every tensor.
final class ParameterStore {
    enum Initialisation {
        /// Uniform in [-bound, bound], PyTorch's default for convolution and linear layers with
        /// bound = 1 / sqrt(fan_in).
        case uniform(bound: Float)
        case constant(Float)
    }

    struct Entry {
        let name: String
        let shape: [Int]
        let offset: Int
        let isTrainable: Bool
        let initialisation: Initialisation

        var count: Int { shape.reduce(1, *) }
    }

    private(set) var entries: [Entry] = []
    private(set) var parameterCount = 0
    private(set) var bufferCount = 0
    private(set) var parameters = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var gradients = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var buffers = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var isAllocated = false

    deinit {
        parameters.deallocate()
        gradients.deallocate()
        buffers.deallocate()
    }

    /// Registers a tensor and returns its offset in the parameter block (trainable) or the buffer block.
    func register(_ name: String, shape: [Int], trainable: Bool, initialisation: Initialisation) -> Int {
        precondition(!isAllocated, "tensor \(name) registered after allocation")
        let count = shape.reduce(1, *)
        let offset = trainable ? parameterCount : bufferCount
        entries.append(Entry(name: name, shape: shape, offset: offset, isTrainable: trainable, initialisation: initialisation))
        if trainable {
            parameterCount += count
        } else {
            bufferCount += count
        }
        return offset
    }

    /// Allocates both blocks and fills every tensor in registration order, drawing uniform values
    /// from one SplitMix64 stream seeded with `seed`.
    func allocate(seed: UInt64) {
        precondition(!isAllocated, "parameter store allocated twice")
        isAllocated = true
        parameters.deallocate()
        gradients.deallocate()
        buffers.deallocate()
        parameters = .allocate(capacity: max(parameterCount, 1))
        gradients = .allocate(capacity: max(parameterCount, 1))
        buffers = .allocate(capacity: max(bufferCount, 1))
        gradients.update(repeating: 0, count: max(parameterCount, 1))

        var generator = SplitMix64(seed: seed)
        for entry in entries {
            let base = pointer(to: entry)
            switch entry.initialisation {
            case .uniform(let bound):
                for i in 0..<entry.count {
                    base[i] = (2 * generator.nextUnitFloat() - 1) * bound
                }
            case .constant(let value):
                base.update(repeating: value, count: entry.count)
            }
        }
    }

    /// Start of `entry`'s values in the parameter or buffer block.
    func pointer(to entry: Entry) -> UnsafeMutablePointer<Float> {
        (entry.isTrainable ? parameters : buffers) + entry.offset
    }

    func zeroGradients() {
        gradients.update(repeating: 0, count: parameterCount)
    }
}
