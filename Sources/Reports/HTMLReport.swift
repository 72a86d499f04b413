import Audit
import Foundation

/// Renders an audit report as one self-contained HTML file: inline CSS, inline SVG charts and
/// thumbnails as `data:image/png;base64` URIs, so it opens from disk and fetches nothing.
///
/// Sections, in order: dataset summary (with any leakage between splits first), the ranked task
/// table with K_F intervals on a common axis, the d_data chart, the closest cross-label pair of
/// each task, label conflicts, exact duplicate groups and near-duplicate pairs. Thumbnails are
/// decoded from `dataset.root` joined with each relative path when the report is rendered, so a
/// moved or deleted file shows a placeholder box with the reason.
///
/// The markup is also well-formed XML (see `Markup`), and the report contains no patient
/// attributes: only paths, class and split names, and (for leakage) patient ids, which
/// `--redact-paths` replaces.
public enum HTMLReport {
    /// Most cards in one gallery (pairs or groups); the rest are counted and left to the JSON report.
    static let maximumGalleryCards = 60

    public static func render(_ report: AuditReport, presentation: ReportPresentation = ReportPresentation()) -> String {
        let context = HTMLReportContext(report: report, presentation: presentation)
        let redaction = context.redaction
        let title = "IntrinsicAudit report: \(redaction.rootText)"

        var body: [String] = []
        body.append(Markup.text("h1", [], title))
        var meta = "IntrinsicAudit \(report.softwareVersion), generated \(report.generatedAt), status \(report.status)"
        if let auditID = report.auditID {
            meta += ", audit \(auditID)"
        }
        if let database = redaction.databaseText {
            meta += " in \(database)"
        }
        body.append(Markup.text("p", [("class", "meta")], meta))
        body.append(navigation())

        body.append(summarySection(context))
        body.append(taskSection(context))
        body.append(dimensionSection(context))
        body.append(closestPairSection(context))
        body.append(conflictSection(context))
        body.append(duplicateSection(context))
        body.append(nearDuplicateSection(context))

        let head = Markup.empty("meta", [("charset", "utf-8")])
            + Markup.empty("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")])
            + Markup.text("title", [], title)
            + Markup.element("style", [], "\n" + HTMLStyle.css)
        let html = Markup.element("html", [("lang", "en")], Markup.element("head", [], head) + "\n" + Markup.element("body", [], body.joined(separator: "\n")))
        return "<!DOCTYPE html>\n" + html + "\n"
    }

    /// Section ids and headings, in page order.
    static let sections: [(id: String, heading: String)] = [
        ("summary", "Dataset summary"),
        ("tasks", "Tasks ranked by label sharpness"),
        ("dimension", "Intrinsic dimension"),
        ("closest-pairs", "Closest cross-label pairs"),
        ("conflicts", "Label conflicts"),
        ("duplicates", "Exact duplicates"),
        ("near-duplicates", "Near-duplicates"),
    ]

    static func heading(_ id: String) -> String {
        sections.first { $0.id == id }?.heading ?? id
    }

    static func section(_ id: String, _ content: [String]) -> String {
        Markup.element("section", [("id", id)], Markup.text("h2", [], heading(id)) + content.joined(separator: "\n"))
    }

    private static func navigation() -> String {
        Markup.element("nav", [], sections.map { Markup.text("a", [("href", "#\($0.id)")], $0.heading) }.joined(separator: " "))
    }
}

/// Inputs of every section renderer: the report, the path redaction and the thumbnails.
final class HTMLReportContext {
    let report: AuditReport
    let presentation: ReportPresentation
    let redaction: PathRedaction
    /// nil when thumbnails are off.
    let thumbnails: ThumbnailRenderer?
    /// Class and split of each path, from the duplicate and near-duplicate groups (the only
    /// places the report records them per image).
    private var labels: [String: String] = [:]
    private var splits: [String: String] = [:]

    init(report: AuditReport, presentation: ReportPresentation) {
        self.report = report
        self.presentation = presentation
        redaction = PathRedaction(report: report, enabled: presentation.redactPaths)
        thumbnails = presentation.includeThumbnails ? ThumbnailRenderer(
            root: report.dataset.root, size: presentation.thumbnailSize, scanOptions: presentation.scanOptions) : nil
        for group in report.dataset.duplicates.groups + report.dataset.nearDuplicates.groups {
            for (index, path) in group.paths.enumerated() {
                if index < group.labels.count, let label = group.labels[index] {
                    labels[path] = label
                }
                if index < group.splits.count, let split = group.splits[index] {
                    splits[path] = split
                }
            }
        }
    }

    func label(of path: String) -> String? {
        labels[path]
    }

    func split(of path: String) -> String? {
        splits[path]
    }

    /// A figure of one image: the thumbnail (or a placeholder box saying why there is none) and
    /// a caption with the path or its id and the given caption lines. Without thumbnails, only
    /// the caption.
    func figure(_ path: String, caption: [String]) -> String {
        let shownPath = redaction.path(path)
        let captionMarkup = ([Markup.text("span", [("class", "path")], shownPath)] + caption.map(Markup.escape))
            .joined(separator: Markup.empty("br"))
        let size = String(presentation.thumbnailSize)
        var picture = ""
        if let thumbnails {
            switch thumbnails.thumbnail(for: path) {
            case let .image(dataURI):
                let alt = ([shownPath] + caption).joined(separator: ", ")
                picture = Markup.empty("img", [("src", dataURI), ("width", size), ("height", size), ("alt", alt)])
            case let .unavailable(reason):
                picture = Markup.text("div", [("class", "missing"), ("style", "width: \(size)px; height: \(size)px"),
                                              ("role", "img"), ("aria-label", "\(shownPath): \(redaction.text(reason))")],
                                      redaction.text(reason))
            }
        }
        let width = max(presentation.thumbnailSize + 24, 120)
        return Markup.element("figure", [("style", "width: \(width)px")], picture + Markup.element("figcaption", [], captionMarkup))
    }

    /// Caption lines "class: x" and "split: y" for the path, where known.
    func labelAndSplit(_ path: String, label: String? = nil, split: String? = nil) -> [String] {
        var lines: [String] = []
        if let label = label ?? self.label(of: path) {
            lines.append("class: \(label)")
        }
        if let split = split ?? self.split(of: path) {
            lines.append("split: \(split)")
        }
        return lines
    }
}
