/// Colours of the report's plots: the Okabe–Ito palette, whose eight colours were chosen to stay
/// distinguishable under the common forms of colour-vision deficiency. Every series also differs in marker shape, so no plot relies on colour alone.
enum SVGPalette {
    static let black = "#000000"
    static let orange = "#E69F00"
    static let skyBlue = "#56B4E9"
    static let bluishGreen = "#009E73"
    static let yellow = "#F0E442"
    static let blue = "#0072B2"
    static let vermillion = "#D55E00"
    static let reddishPurple = "#CC79A7"

    /// Axis lines, tick labels and text (not part of Okabe–Ito, which has no grey).
    static let axis = "#333333"
    /// Grid lines behind the marks.
    static let grid = "#dddddd"
    /// Range lines (minimum to maximum over runs).
    static let range = "#666666"
}
