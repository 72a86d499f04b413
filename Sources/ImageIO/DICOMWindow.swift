/// VOI (value of interest) window applied to monochrome DICOM frames after the modality LUT.
///
/// Every choice maps the modality-LUT output x of a frame to y in [0, 1]. A window of centre c
/// and width w >= 1 uses the linear function of DICOM PS3.3 C.11.2.1.2.1:
/// y = 0 for x <= c - 0.5 - (w - 1) / 2, y = 1 for x > c - 0.5 + (w - 1) / 2, and
/// y = (x - (c - 0.5)) / (w - 1) + 0.5 in between. Colour images (RGB, YBR, PALETTE COLOR) have
/// no VOI stage and ignore this setting. JPEG and PNG files ignore it too.
public enum DICOMWindow: String, Sendable, Codable, CaseIterable {
    /// No window: y = (x - min) / (max - min) over the frame, all zeros for a constant frame.
    case none
    /// The frame's own window: the enhanced Frame VOI LUT Sequence, else the first values of
    /// Window Center (0028,1050) and Window Width (0028,1051). Frames without a window, or with
    /// a width below 1, fall back to `none`.
    case file
    /// CT brain window, centre 40 HU, width 80 HU.
    case brain
    /// CT soft-tissue window, centre 50 HU, width 350 HU.
    case softTissue = "soft-tissue"
    /// CT lung window, centre -600 HU, width 1500 HU.
    case lung
    /// CT bone window, centre 500 HU, width 2000 HU.
    case bone

    /// Centre and width in modality units (Hounsfield units for CT) of a named preset; nil for
    /// `none` and `file`.
    ///
    /// These are conventional CT display windows. Sites and textbooks vary them by tens to
    /// hundreds of HU, so a preset fixes one common choice rather than a standard value.
    public var preset: DICOMWindowLevel? {
        switch self {
        case .none, .file:
            return nil
        case .brain:
            return DICOMWindowLevel(center: 40, width: 80)
        case .softTissue:
            return DICOMWindowLevel(center: 50, width: 350)
        case .lung:
            return DICOMWindowLevel(center: -600, width: 1500)
        case .bone:
            return DICOMWindowLevel(center: 500, width: 2000)
        }
    }
}

/// Maps modality values to [0, 1] through the linear window of PS3.3 C.11.2.1.2.1.
///
/// Precondition (our own callers): `window.width >= 1`.
func applyLinearWindow(_ values: [Double], window: DICOMWindowLevel) -> [Double] {
    precondition(window.width >= 1, "window width \(window.width) below 1 reached applyLinearWindow")
    let lower = window.center - 0.5 - (window.width - 1) / 2
    let upper = window.center - 0.5 + (window.width - 1) / 2
    return values.map { x in
        if x <= lower {
            return 0
        }
        if x > upper {
            return 1
        }
        return (x - (window.center - 0.5)) / (window.width - 1) + 0.5
    }
}

/// Maps values to [0, 1] by y = (x - min) / (max - min); all zeros when every value is equal.
func applyMinMaxWindow(_ values: [Double]) -> [Double] {
    guard let low = values.min(), let high = values.max(), high > low else {
        return [Double](repeating: 0, count: values.count)
    }
    let range = high - low
    return values.map { ($0 - low) / range }
}
