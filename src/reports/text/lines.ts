/**
 * Line-level clean-up shared by the text parser and `canonicalProse`: conversion artefacts
 * ([bookmark: …], [image: …]), form feeds and zero-width characters removed, page-number lines
 * (- 1 -, 第1页 共3页) dropped. A dropped line is `null` so that line numbers stay those of the
 * document.
 */

/** Markers that .docx/.pdf → text converters leave in the text (mammoth, pandoc, Word). */
const ARTEFACT_RE = /\[(?:bookmark|image|picture|figure|footnote|endnote|comment|anchor|img)\b[^\]\n]*\]/gi;
/** Characters that carry no text: form feed, vertical tab, zero-width spaces and joiners, BOM, soft hyphen. */
const INVISIBLE_RE = /[\f\v\u200b\u200c\u2060\ufeff\u00ad]|\u200d/g;
const INVISIBLE_TEST_RE = /[\f\v\u200b\u200c\u2060\ufeff\u00ad]|\u200d/;
const PAGE_NUMBER_RE =
  /^(?:[-—–－―]{1,2}\s*[0-9０-９]{1,4}\s*[-—–－―]{1,2}|第\s*[0-9０-９]{1,4}\s*页(?:\s*[,，、/]?\s*共\s*[0-9０-９]{1,4}\s*页)?|共\s*[0-9０-９]{1,4}\s*页\s*[,，、/]?\s*第\s*[0-9０-９]{1,4}\s*页|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$/;

/** Whether the text contains characters that `cleanLine` must remove (tested once per document). */
export function hasInvisibles(text: string): boolean {
  return INVISIBLE_TEST_RE.test(text);
}

/**
 * One line cleaned: artefacts and invisible characters removed. Returns null when the line is
 * not text at all (a page number, or a line that held only artefacts or invisible characters).
 */
export function cleanLine(raw: string, invisibles: boolean): string | null {
  let s = raw;
  if (s.indexOf('[') !== -1) {
    let t = s;
    // Removing one marker can join the text around it into another: repeat until stable.
    for (let k = 0; k < 8; k++) {
      const u = t.replace(ARTEFACT_RE, '');
      if (u === t) break;
      t = u;
    }
    if (t !== s) {
      if (t.trim() === '') return null;
      s = t;
    }
  }
  if (invisibles) {
    const t = s.replace(INVISIBLE_RE, '');
    if (t !== s) {
      if (t.trim() === '') return null;
      s = t;
    }
  }
  if (isPageNumber(s)) return null;
  return s;
}

/** Whether a line is a page number as converters and word processors print them. */
export function isPageNumber(line: string): boolean {
  // Quick reject on the first non-blank character: page numbers start with a dash, 第, 共 or P/p.
  let i = 0;
  while (i < line.length && isBlankCode(line.charCodeAt(i))) i++;
  if (i === line.length) return false;
  const c = line.charCodeAt(i);
  if (!(c === 0x2d || c === 0x2014 || c === 0x2013 || c === 0xff0d || c === 0x2015 || c === 0x7b2c || c === 0x5171 || c === 0x50 || c === 0x70)) {
    return false;
  }
  const t = line.trim();
  return t.length <= 24 && PAGE_NUMBER_RE.test(t);
}

/** White space and line terminators exactly as String.prototype.trim sees them. */
export function isBlankCode(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Splits a text into lines (\n, \r\n or \r). */
export function splitLines(text: string): string[] {
  return (text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n')).split('\n');
}

/** Cleans every line of an array in place (see `cleanLine`). */
export function cleanLines(lines: (string | null)[], invisibles: boolean): void {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l != null) lines[i] = cleanLine(l, invisibles);
  }
}

/**
 * Joins cleaned lines [start, end) as canonical prose: every line trimmed at both ends, empty
 * lines at the start and end dropped, runs of empty lines collapsed to one. Null when nothing is
 * left.
 */
export function joinProse(lines: readonly (string | null)[], start: number, end: number): string | null {
  let out = '';
  let blank = false;
  for (let i = start; i < end; i++) {
    const l = lines[i];
    if (l == null) continue;
    const t = l.trim();
    if (t === '') {
      blank = out !== '';
      continue;
    }
    if (out !== '') out += blank ? '\n\n' : '\n';
    out += t;
    blank = false;
  }
  return out === '' ? null : out;
}

/**
 * The canonical form of a prose section (一, 五, 六), exactly as the text parser yields it:
 * conversion artefacts, invisible characters and page-number lines removed, each line trimmed at
 * both ends (full-width indentation included), empty lines at the start and end dropped and inner
 * runs of empty lines collapsed to one, lines joined with \n. Null when no text is left.
 *
 * Idempotent. `renderReportText` assumes its prose is canonical; the round trip additionally
 * needs that no prose line reads as a section heading (e.g. a line 二、主动公开政府信息情况 in
 * section 一) or as the start of a table (a line that is only 第二十条第（一）项, or a `a | b` row
 * naming a table row) — such a line is structure, not prose, for the parser.
 */
export function canonicalProse(s: string): string | null {
  const lines: (string | null)[] = splitLines(s);
  cleanLines(lines, hasInvisibles(s));
  return joinProse(lines, 0, lines.length);
}
