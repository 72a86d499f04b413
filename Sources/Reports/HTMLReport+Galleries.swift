import Audit
import Foundation

extension HTMLReport {
    /// Renders, for each task with a closest cross-label pair, both images side by side with
    /// paths, labels and the distance. The pair sets K_F, and it is often a labelling error.
    static func closestPairSection(_ context: HTMLReportContext) -> String {
        var cards: [String] = []
        for task in context.report.tasks where task.sameAs == nil {
            guard let pair = task.labelSharpness.closestPair else {
                continue
            }
            let labels = pair.labels.count == 2 ? pair.labels : ["?", "?"]
            var info = Markup.text("strong", [], task.name) + Markup.escape(": distance \(TextReport.format(pair.distance)) (1 / distance = "
                + (pair.distance > 0 ? TextReport.format(1 / pair.distance) : "∞") + ", the largest K_F of any run)")
            if pair.nearDuplicate {
                info += " " + Markup.text("span", [("class", "badge alert")], "near-duplicate: likely annotation error or copy")
            }
            let images = [
                context.figure(pair.a, caption: context.labelAndSplit(pair.a, label: labels[0])),
                context.figure(pair.b, caption: context.labelAndSplit(pair.b, label: labels[1])),
            ]
            cards.append(card(images: images, info: info))
        }
        guard !cards.isEmpty else {
            return section("closest-pairs", [Markup.text("p", [], "No task has a closest cross-label pair.")])
        }
        return section("closest-pairs", [
            Markup.text("p", [("class", "note")],
                        "The two images with different labels that are closest to each other, over all K_F runs. Check them first: they set K_F."),
            Markup.element("div", [("class", "gallery")], cards.joined(separator: "\n")),
        ])
    }

    /// Renders identical images with different labels, each pair once with the tasks it affects.
    static func conflictSection(_ context: HTMLReportContext) -> String {
        var order: [[String]] = []
        var tasksByPair: [[String]: [String]] = [:]
        for task in context.report.tasks where task.sameAs == nil {
            for pair in task.labelSharpness.conflicts where !pair.isEmpty {
                if tasksByPair[pair] == nil {
                    order.append(pair)
                }
                tasksByPair[pair, default: []].append(task.name)
            }
        }
        guard !order.isEmpty else {
            return section("conflicts", [Markup.text("p", [], "No label conflicts: no identical images carry different labels.")])
        }

        var cards = order.prefix(maximumGalleryCards).map { pair in
            let images = pair.map { context.figure($0, caption: context.labelAndSplit($0)) }
            let info = Markup.escape("identical after preprocessing; tasks: \(tasksByPair[pair]!.joined(separator: ", "))")
            return card(images: images, info: info)
        }
        cards.append(contentsOf: remainder(order.count))
        return section("conflicts", [
            Markup.text("p", [("class", "note")],
                        "Identical images with different labels make K_F of the labels as given infinite. They are usually annotation errors."),
            Markup.element("div", [("class", "gallery")], cards.joined(separator: "\n")),
        ])
    }

    /// Renders exact duplicate groups. All but the first member of each group were removed before any estimate.
    static func duplicateSection(_ context: HTMLReportContext) -> String {
        let duplicates = context.report.dataset.duplicates
        guard !duplicates.groups.isEmpty else {
            return section("duplicates", [Markup.text("p", [], "No exact duplicates.")])
        }
        var cards = duplicates.groups.prefix(maximumGalleryCards).map { group in
            var badges: [String] = []
            if group.crossSplit {
                badges.append(Markup.text("span", [("class", "badge alert")], "across splits"))
            }
            if group.crossLabel {
                badges.append(Markup.text("span", [("class", "badge alert")], "different labels"))
            }
            if let identical = group.identicalPixels {
                badges.append(Markup.text("span", [("class", "badge")], identical ? "identical pixels" : "identical after preprocessing"))
            }
            return card(images: groupFigures(group, context: context), info: Markup.escape("\(group.paths.count) images, first kept ") + badges.joined())
        }
        cards.append(contentsOf: remainder(duplicates.groups.count))
        return section("duplicates", [
            Markup.text("p", [("class", "note")],
                        "Images with identical preprocessed pixels; the first of each group (in path order) was kept. "
                            + "\(duplicates.crossSplitGroups) of \(duplicates.groups.count) groups span several splits."),
            Markup.element("div", [("class", "gallery")], cards.joined(separator: "\n")),
        ])
    }

    /// Renders near-duplicate pairs below the distance threshold, closest first.
    static func nearDuplicateSection(_ context: HTMLReportContext) -> String {
        let near = context.report.dataset.nearDuplicates
        guard near.threshold != nil else {
            return section("near-duplicates", [Markup.text("p", [], "Not searched" + (near.reason.map { ": \(context.redaction.text($0))." } ?? "."))])
        }
        var content = [Markup.text("p", [("class", "note")], nearDuplicateFact(near) + ".")]
        guard !near.pairs.isEmpty else {
            content.append(Markup.text("p", [], "No pair of distinct images is closer than the threshold."))
            return section("near-duplicates", content)
        }

        let pairs = near.pairs.sorted { $0.distance < $1.distance }
        var cards = pairs.prefix(maximumGalleryCards).map { pair in
            let labels = pair.labels.count == 2 ? pair.labels : [nil, nil]
            let splits = pair.splits.count == 2 ? pair.splits : [nil, nil]
            var info = Markup.escape("distance \(TextReport.format(pair.distance)) ")
            if labels[0] != nil && labels[1] != nil && labels[0] != labels[1] {
                info += Markup.text("span", [("class", "badge alert")], "different labels")
            }
            if splits[0] != nil && splits[1] != nil && splits[0] != splits[1] {
                info += Markup.text("span", [("class", "badge alert")], "across splits")
            }
            let images = [
                context.figure(pair.a, caption: context.labelAndSplit(pair.a, label: labels[0], split: splits[0])),
                context.figure(pair.b, caption: context.labelAndSplit(pair.b, label: labels[1], split: splits[1])),
            ]
            return card(images: images, info: info)
        }
        cards.append(contentsOf: remainder(pairs.count))
        content.append(Markup.element("div", [("class", "gallery")], cards.joined(separator: "\n")))
        return section("near-duplicates", content)
    }

    private static func groupFigures(_ group: ImageGroupReport, context: HTMLReportContext) -> [String] {
        group.paths.enumerated().map { index, path in
            let label = index < group.labels.count ? group.labels[index] : nil
            let split = index < group.splits.count ? group.splits[index] : nil
            return context.figure(path, caption: context.labelAndSplit(path, label: label, split: split))
        }
    }

    private static func card(images: [String], info: String) -> String {
        Markup.element("div", [("class", "card")],
                       Markup.element("div", [("class", "images")], images.joined()) + Markup.element("div", [("class", "info")], info))
    }

    /// Returns a note counting the items beyond `maximumGalleryCards`, or nothing when all were shown.
    private static func remainder(_ count: Int) -> [String] {
        guard count > maximumGalleryCards else {
            return []
        }
        return [Markup.text("p", [("class", "note")], "\(count - maximumGalleryCards) more in the JSON report.")]
    }
}
