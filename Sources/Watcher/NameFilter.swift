/// Names the watcher ignores: partial downloads and editor or copy temporaries, which are renamed or deleted
/// when complete.
///
/// Ignored: names starting with `.` (dotfiles, including rsync's `.name.XXXXXX` and LibreOffice's `.~lock`),
/// names starting with `.~` or `~$`, and names ending in `.part`, `.tmp`, `.crdownload`, `.partial` or `~`
/// (any case). The audit's own scan skips dotfiles too.
public enum NameFilter {
    static let temporarySuffixes = [".part", ".tmp", ".crdownload", ".partial", "~"]

    public static func isTemporary(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasPrefix("~$") {
            return true
        }
        let lowercased = name.lowercased()
        return temporarySuffixes.contains { lowercased.hasSuffix($0) }
    }
}
