#!/usr/bin/env bash
# docx-to-pdf-check.sh — converts an exported report (.docx) to PDF with LibreOffice and checks the
# result: the PDF has at least N pages and its text contains what a report must show. This checks
# what the tests cannot: that a real word processor opens our .docx and lays it out.
#
# LibreOffice is NOT installed on the development machine and is too heavy for CI, so this is a
# manual check (the test src/reports/export/docx-to-pdf-check.test.ts runs it only where soffice
# exists, and skips with that reason otherwise). Install it with: apt-get install -y libreoffice-writer
#
# Usage:
#   scripts/docx-to-pdf-check.sh REPORT.docx [--min-pages N] [--expect TEXT]... [--keep DIR]
#
#   --min-pages N   the PDF must have at least N pages (default 1)
#   --expect TEXT   the PDF's text must contain TEXT (white space ignored); may be repeated.
#                   Default: 政府信息公开工作年度报告 and the key words of the six section headings.
#   --keep DIR      leave the PDF in DIR (default: a temporary folder, removed afterwards)
#
# To make a .docx to check:
#   node --import tsx -e "import('./src/reports/export/index.js').then(async (m) => { \
#     const {parseReportText} = await import('./src/reports/text/parse.js'); \
#     const fs = await import('node:fs'); \
#     const r = parseReportText(fs.readFileSync('test/fixtures/reports/seed-2020-yongan.txt','utf8')).report; \
#     fs.writeFileSync('/tmp/seed.docx', await m.renderReportDocx(r)); })"
#
# Environment: SOFFICE — the LibreOffice binary (default: soffice, else libreoffice, on PATH);
#              NODE — node (default: node on PATH), used with the project's pdf-parse to read the PDF.
#
# Exit codes: 0 all checks passed; 1 a check failed; 2 usage error or the conversion failed;
#             3 LibreOffice (soffice) is not installed.
set -euo pipefail

usage() {
  sed -n '10,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# LibreOffice first: without it nothing else matters.
SOFFICE_BIN="${SOFFICE:-}"
if [ -z "$SOFFICE_BIN" ]; then
  SOFFICE_BIN="$(command -v soffice || command -v libreoffice || true)"
fi
if [ -z "$SOFFICE_BIN" ] || ! command -v "$SOFFICE_BIN" >/dev/null 2>&1; then
  echo "docx-to-pdf-check: LibreOffice (soffice) is not installed${SOFFICE:+ at $SOFFICE}; this check cannot run here." >&2
  echo "docx-to-pdf-check: 未安装 LibreOffice（soffice），无法检查。安装：apt-get install -y libreoffice-writer（开发机和 CI 上都没有安装，此检查需手动运行）。" >&2
  exit 3
fi

[ $# -ge 1 ] || usage
DOCX="$1"
shift
MIN_PAGES=1
KEEP=""
EXPECT=()
while [ $# -gt 0 ]; do
  case "$1" in
    --min-pages) [ $# -ge 2 ] || usage; MIN_PAGES="$2"; shift 2 ;;
    --expect) [ $# -ge 2 ] || usage; EXPECT+=("$2"); shift 2 ;;
    --keep) [ $# -ge 2 ] || usage; KEEP="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "docx-to-pdf-check: unknown argument $1" >&2; usage ;;
  esac
done
[[ "$MIN_PAGES" =~ ^[0-9]+$ ]] || { echo "docx-to-pdf-check: --min-pages needs a number" >&2; exit 2; }
[ -f "$DOCX" ] || { echo "docx-to-pdf-check: no such file: $DOCX" >&2; exit 2; }
if [ ${#EXPECT[@]} -eq 0 ]; then
  EXPECT=('政府信息公开工作年度报告' '总体情况' '主动公开政府信息情况' '收到和处理政府信息公开申请情况' '行政复议、行政诉讼情况' '存在的主要问题及改进情况' '其他需要报告的事项')
fi

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DOCX_ABS="$(cd "$(dirname "$DOCX")" && pwd)/$(basename "$DOCX")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/docx-to-pdf-check.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
OUT="${KEEP:-$WORK/out}"
mkdir -p "$OUT"

# A private profile: no first-start wizard, no clash with a LibreOffice the user has open.
TIMEOUT=()
command -v timeout >/dev/null 2>&1 && TIMEOUT=(timeout 180)
if ! "${TIMEOUT[@]}" "$SOFFICE_BIN" --headless --norestore --nolockcheck \
  "-env:UserInstallation=file://$WORK/profile" \
  --convert-to pdf --outdir "$OUT" "$DOCX_ABS" >"$WORK/soffice.log" 2>&1; then
  echo "docx-to-pdf-check: LibreOffice could not convert $DOCX:" >&2
  cat "$WORK/soffice.log" >&2
  exit 2
fi
PDF="$OUT/$(basename "${DOCX_ABS%.*}").pdf"
[ -s "$PDF" ] || { echo "docx-to-pdf-check: LibreOffice wrote no PDF:" >&2; cat "$WORK/soffice.log" >&2; exit 2; }

# Page count and text, read with the project's own pdf-parse.
cd "$ROOT"
"${NODE:-node}" --input-type=module -e '
import { readFileSync } from "node:fs";
import { PDFParse } from "pdf-parse";
const [pdfPath, minPages, ...expect] = process.argv.slice(1);
const parser = new PDFParse({ data: new Uint8Array(readFileSync(pdfPath)), verbosity: 0 });
const r = await parser.getText({ pageJoiner: "" });
await parser.destroy();
const text = r.text.replace(/\s+/g, "");
const problems = [];
if (r.total < Number(minPages)) problems.push(`${r.total} page(s), expected at least ${minPages}`);
for (const e of expect) if (!text.includes(e.replace(/\s+/g, ""))) problems.push(`text not found: ${e}`);
console.log(`docx-to-pdf-check: ${pdfPath}: ${r.total} page(s), ${text.length} characters of text`);
for (const p of problems) console.error(`docx-to-pdf-check: FAIL ${p}`);
process.exit(problems.length ? 1 : 0);
' "$PDF" "$MIN_PAGES" "${EXPECT[@]}"
