#!/usr/bin/env bash
# Audit an image folder into a temporary database, render the HTML report and screenshot it with
# headless Chromium.
#
# Usage:
#   scripts/render_report_screenshot.sh DATA_PATH OUT.png [AUDIT OPTIONS...]
#
# DATA_PATH      image folder to audit (only read).
# OUT.png        screenshot to write.
# AUDIT OPTIONS  passed to `intrinsic-audit audit`, for example for the Kermany chest X-rays:
#                --config fixtures/kermany-cxr-mini/audit.json --samples 1000
#
# Optional environment:
#   INTRINSIC_AUDIT  binary to use (default: .build/release/intrinsic-audit, built with
#                    `swift build -c release` when missing)
#   CHROMIUM         browser binary (default: chromium, else chromium-browser); on Debian install it
#                    with `apt-get install -y chromium` as root
#   WINDOW           screenshot size in CSS pixels (default 1400,3000); the page below that is cut off
#   HTML_OUT         also keep the rendered HTML report at this path (default: only in the temporary folder)
#
# Exit status: 0 on success, 1 when a step fails, 64 for usage errors.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "Usage: $0 DATA_PATH OUT.png [AUDIT OPTIONS...]" >&2
    exit 64
fi
data_path=$1
out_png=$2
shift 2
if [[ ! -d "$data_path" ]]; then
    echo "Error: dataset folder not found: $data_path" >&2
    exit 64
fi
if [[ "$out_png" != *.png ]]; then
    echo "Error: OUT.png must end in .png, got: $out_png" >&2
    exit 64
fi

repository=$(cd "$(dirname "$0")/.." && pwd)
binary=${INTRINSIC_AUDIT:-$repository/.build/release/intrinsic-audit}
if [[ ! -x "$binary" ]]; then
    echo "Building the release binary ($binary is missing)..." >&2
    (cd "$repository" && swift build -c release)
fi
browser=${CHROMIUM:-}
if [[ -z "$browser" ]]; then
    browser=$(command -v chromium || command -v chromium-browser || true)
fi
if [[ -z "$browser" ]]; then
    echo "Error: chromium not found; install it with 'apt-get install -y chromium' or set CHROMIUM" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out_dir=$(cd "$(dirname "$out_png")" && pwd)
out_html="$work/report.html"

# Audit into a database that lives only as long as this script.
"$binary" audit "$data_path" --db "$work/audit.sqlite" "$@" > "$work/audit.txt"
"$binary" report --dataset "$data_path" --db "$work/audit.sqlite" --format html --out "$out_html"

# Chromium needs a writable profile folder; --no-sandbox because the script may run as root.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
    --screenshot="$out_dir/$(basename "$out_png")" --window-size="${WINDOW:-1400,3000}" "file://$out_html" 2> "$work/chromium.log" \
    || { cat "$work/chromium.log" >&2; exit 1; }
if [[ -n "${HTML_OUT:-}" ]]; then
    cp "$out_html" "$HTML_OUT"
fi
echo "wrote $out_dir/$(basename "$out_png")"
