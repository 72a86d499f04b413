import Foundation

/// Normalises a folder name, table value or column header into a class or task name: lower-case,
/// with every character other than a letter, a decimal digit, `-` or `_` replaced by `-`.
///
/// Letters and digits are Unicode-aware (`Character.isLetter`, `Character.isWholeNumber`), so
/// `Ödem` stays `ödem`. Each replaced character gives one `-`, so `Bacterial Pneumonia!` becomes
/// `bacterial-pneumonia-`. Leading and trailing whitespace is replaced too, not trimmed.
public func normaliseClassName(_ raw: String) -> String {
    var result = ""
    for character in raw.lowercased() {
        if character.isLetter || character.isWholeNumber || character == "-" || character == "_" {
            result.append(character)
        } else {
            result.append("-")
        }
    }
    return result
}

/// Returns the normalised split (`train`, `val` or `test`) that a folder or table value names,
/// or nil when it names none.
///
/// Accepted names, in any case: train, training; val, valid, validation; test, testing.
/// Surrounding whitespace is ignored.
public func normaliseSplitName(_ raw: String) -> String? {
    switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
    case "train", "training":
        return "train"
    case "val", "valid", "validation":
        return "val"
    case "test", "testing":
        return "test"
    default:
        return nil
    }
}

/// Returns the split and the class that the folders of a relative path give.
///
/// The class is the nearest enclosing folder that is not a split folder, normalised by
/// `normaliseClassName`. The split is the nearest enclosing split folder. Split folders may sit at
/// any depth, so `train/NORMAL/a.png` and `NORMAL/test/b.png` both have the class `normal`.
/// A file directly in the root, or only inside split folders, has no class.
func folderLabels(relativePath: String) -> (split: String?, classFolder: String?) {
    let folders = relativePath.split(separator: "/", omittingEmptySubsequences: true).dropLast()
    var split: String?
    var classFolder: String?

    for folder in folders.reversed() {
        if let folderSplit = normaliseSplitName(String(folder)) {
            if split == nil {
                split = folderSplit
            }
        } else if classFolder == nil {
            classFolder = normaliseClassName(String(folder))
        }
        if split != nil && classFolder != nil {
            break
        }
    }
    return (split, classFolder)
}
