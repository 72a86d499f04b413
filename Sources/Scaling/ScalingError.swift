/// A failure of a scaling-law computation, with the value that caused it and what to do next.
public enum ScalingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Too few usable observations, or too little variation in them, for the requested fit.
    case insufficientData(String)
    /// MINPACK failed or a residual became non-finite.
    case fitFailed(String)
    /// An argument is out of range, for example a target loss of zero.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .insufficientData(let detail):
            return "Not enough data: \(detail)."
        case .fitFailed(let detail):
            return "The least-squares fit failed: \(detail). Check the observations for outliers or import more."
        case .invalidArgument(let detail):
            return "Invalid argument: \(detail)."
        }
    }
}
