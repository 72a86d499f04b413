import Foundation

/// Escaping and element helpers for the HTML report and its inline SVG.
///
/// The output is polyglot markup: it is valid HTML5 and also well-formed XML (void elements end
/// in "/>", text and attribute values escape `&`, `<`, `>`, `"` and `'`, and no named entity
/// other than XML's five is used), so an XML parser can check it.
enum Markup {
    /// Escapes text for use in element content and in double- or single-quoted attributes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default:
                // XML 1.0 forbids most C0 control characters even as references, so they are dropped.
                if character.value < 0x20 && character != "\n" && character != "\t" && character != "\r" {
                    continue
                }
                escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// `<name a="v" ...>content</name>`; `content` must already be markup (escape text first).
    static func element(_ name: String, _ attributes: [(String, String)] = [], _ content: String) -> String {
        "<\(name)\(attributeText(attributes))>\(content)</\(name)>"
    }

    /// `<name a="v" ... />`, for void HTML elements (img, meta, br) and empty SVG shapes.
    static func empty(_ name: String, _ attributes: [(String, String)] = []) -> String {
        "<\(name)\(attributeText(attributes)) />"
    }

    /// An element whose content is plain text, escaped here.
    static func text(_ name: String, _ attributes: [(String, String)] = [], _ text: String) -> String {
        element(name, attributes, escape(text))
    }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// A coordinate or length for SVG attributes: at most two decimals, no trailing zeros.
    static func number(_ value: Double) -> String {
        guard value.isFinite else {
            return "0"
        }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() {
            return String(Int(rounded))
        }
        return String(format: "%.2f", rounded).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }
}
