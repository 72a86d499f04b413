/// The report's only style sheet, inlined into `<head>` so the file opens offline.
///
/// It contains no `<` or `&`, so it stays well-formed XML inside `<style>`. Fonts are system
/// fonts; nothing is fetched.
enum HTMLStyle {
    static let css = """
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a;
               margin: 0 auto; padding: 16px 24px 48px; max-width: 1340px; background: #ffffff; }
        h1 { font-size: 22px; margin: 8px 0 4px; }
        h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #0072B2; }
        h3 { font-size: 15px; margin: 16px 0 6px; }
        p.meta { color: #444444; margin: 0 0 8px; }
        nav a { margin-right: 14px; color: #0072B2; }
        code, .path { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
        table { border-collapse: collapse; margin: 6px 0 12px; }
        th, td { border-bottom: 1px solid #dddddd; padding: 4px 7px; text-align: left; vertical-align: middle; }
        th { background: #f2f2f2; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.strip, th.strip { padding: 0 4px; }
        table.facts th { background: none; width: 220px; vertical-align: top; }
        table.tasks { font-size: 13px; }
        table.tasks td.task { min-width: 150px; max-width: 240px; overflow-wrap: break-word; }
        tfoot td { border-bottom: none; }
        svg { display: block; overflow: visible; }
        svg text { font-family: system-ui, "DejaVu Sans", sans-serif; }
        .note { color: #444444; font-size: 13px; }
        .warning { border-left: 4px solid #D55E00; background: #fff4ec; padding: 8px 12px; margin: 10px 0; }
        .badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; margin: 2px 4px 2px 0;
                 border: 1px solid #666666; background: #f2f2f2; white-space: nowrap; }
        .badge.alert { border-color: #D55E00; color: #8a3a00; background: #fff4ec; }
        .gallery { display: flex; flex-wrap: wrap; gap: 12px; }
        .card { border: 1px solid #cccccc; border-radius: 6px; padding: 8px; background: #fafafa; max-width: 100%; }
        .card .info { font-size: 12px; margin-top: 4px; max-width: 460px; }
        .images { display: flex; gap: 8px; flex-wrap: wrap; }
        figure { margin: 0; width: 120px; }
        figure img, figure .missing { display: block; image-rendering: auto; border: 1px solid #999999; background: #000000; }
        figure .missing { background: #f7f7f7; color: #8a3a00; font-size: 11px; display: flex; align-items: center;
                          justify-content: center; text-align: center; box-sizing: border-box; padding: 4px; }
        figcaption { font-size: 11px; margin-top: 3px; overflow-wrap: anywhere; }
        details summary { cursor: pointer; color: #0072B2; }
        ul.compact { margin: 4px 0; padding-left: 20px; }
        """
}
