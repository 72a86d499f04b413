internal import COpenBLAS

/// Fully connected layer (PyTorch `Linear`): y [N, out] = x [N, in] · Wᵀ + b with W [out, in],
/// weights and bias initialised uniform in ±1/sqrt(in).
final class Linear {
    let inFeatures: Int
    let outFeatures: Int
    let output = FloatBuffer()
    let inputGradient = FloatBuffer()
    private let store: ParameterStore
    private let weightOffset: Int
    private let biasOffset: Int

    init(_ name: String, store: ParameterStore, inFeatures: Int, outFeatures: Int) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.store = store
        let bound = 1 / Float(inFeatures).squareRoot()
        weightOffset = store.register("\(name).weight", shape: [outFeatures, inFeatures], trainable: true,
                                      initialisation: .uniform(bound: bound))
        biasOffset = store.register("\(name).bias", shape: [outFeatures], trainable: true,
                                    initialisation: .uniform(bound: bound))
    }

    func forward(_ input: UnsafePointer<Float>, batch: Int) {
        output.reserve(batch * outFeatures)
        let bias = store.parameters + biasOffset
        for row in 0..<batch {
            (output.pointer + row * outFeatures).update(from: bias, count: outFeatures)
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                    blasint(batch), blasint(outFeatures), blasint(inFeatures),
                    1, input, blasint(inFeatures), store.parameters + weightOffset, blasint(inFeatures),
                    1, output.pointer, blasint(outFeatures))
    }

    /// Adds dL/dW and dL/db to the store when `parameterGradients` is set; writes dL/dx into
    /// `inputGradient` when `inputGradientNeeded` is set.
    func backward(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, batch: Int,
                  parameterGradients: Bool, inputGradientNeeded: Bool) {
        if parameterGradients {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans,
                        blasint(outFeatures), blasint(inFeatures), blasint(batch),
                        1, outputGradient, blasint(outFeatures), input, blasint(inFeatures),
                        1, store.gradients + weightOffset, blasint(inFeatures))
            let biasGradient = store.gradients + biasOffset
            for row in 0..<batch {
                for j in 0..<outFeatures {
                    biasGradient[j] += outputGradient[row * outFeatures + j]
                }
            }
        }
        if inputGradientNeeded {
            inputGradient.reserve(batch * inFeatures)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                        blasint(batch), blasint(inFeatures), blasint(outFeatures),
                        1, outputGradient, blasint(outFeatures), store.parameters + weightOffset, blasint(inFeatures),
                        0, inputGradient.pointer, blasint(inFeatures))
        }
    }
}
