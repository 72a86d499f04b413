/// A network body that runs forward and backward passes on batches held in its own buffers.
protocol ConvolutionalModel: AnyObject {
    var store: ParameterStore { get }

    /// Logits [batch] of the last `forward`.
    var logits: UnsafePointer<Float> { get }

    /// The 64 features per image [batch, 64] of the last `forward`.
    var features: UnsafePointer<Float> { get }

    /// Runs the batch `input` [batch, 1, side, side]; training mode uses batch statistics in
    /// BatchNorm and updates its running statistics.
    func forward(_ input: UnsafePointer<Float>, batch: Int, training: Bool)

    /// Back-propagates dL/dlogit [batch] through the last `forward` (same input, batch and mode).
    /// Adds parameter gradients to `store.gradients` when `parameterGradients` is set and returns
    /// dL/dinput when `inputGradientNeeded` is set, valid until the next pass.
    func backward(_ input: UnsafePointer<Float>, logitGradient: UnsafePointer<Float>, batch: Int, training: Bool,
                  parameterGradients: Bool, inputGradientNeeded: Bool) -> UnsafePointer<Float>?
}
