/// A failure of a scaling-law computation, with the value that caused it and what to do next.
public enum ScalingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Too few usable observations, or too little variation in them, for the requested fit.
    case insufficientData(String)
    /// MINPACK failed or a residual became non-finite.
    case fitFailed(String)
    /// An argument is out of range, for example a target loss of zero.
    case invalidArgument(String)
    /// A dataset, audit, task or observation the request names is not in the store.
    case notFound(String)
    /// The store or a stored audit report could not be read.
    case storeFailed(String)

    public var description: String {
        switch self {
        case .insufficientData(let detail):
            return "Not enough data: \(detail)."
        case .fitFailed(let detail):
            return "The least-squares fit failed: \(detail). Check the observations for outliers or import more."
        case .invalidArgument(let detail):
            return "Invalid argument: \(detail)."
        case .notFound(let detail):
            return "Not found: \(detail)."
        case .storeFailed(let detail):
            return "Reading the store failed: \(detail)."
        }
    }
}
