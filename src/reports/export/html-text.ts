/**
 * HTML → plain text in the layout the text importer reads best (text/parse.ts): block elements
 * (p, div, headings, li …) on lines of their own, and every table cell on a line of its own with
 * a TAB in front and an empty line after each row — the "one cell per line" layout of the seed,
 * which keeps blank cells (a lone TAB) apart from row ends. A cell merged over several rows or
 * columns appears once, where it starts (as Word's and mammoth's text does).
 *
 * What a browser would not show is left out: <head>, <script>, <style>, <template>, <noscript>,
 * comments, and elements with the `hidden` attribute. Runs of ASCII white space collapse to one
 * space except inside <pre> and <textarea>; other spaces (U+3000, U+00A0) are text and are kept.
 * An empty <p> (a blank paragraph, as Word and mammoth write them) is an empty line; so is a
 * second <br> in a row. Within a cell, the lines of the cell are joined — without a space between
 * Chinese characters (本年新 / 制作数量 → 本年新制作数量), with one between Latin words.
 *
 * No DOM, one pass, linear in the input (each `<` is looked at once). Unclosed and misnested tags
 * are tolerated the way HTML's own rules end them (a new <td> or <tr> ends the open cell or row).
 *
 * Layout tables — old portal pages put the whole page (navigation, the article, the footer) in a
 * <table>, and the report's own tables sit inside one of its cells — are not data: a table one of
 * whose cells holds a table of two rows or more (or a layout table) is written as the flow of its
 * cells' content, the inner tables keeping their one-cell-per-line layout. A smaller table inside
 * a cell is flattened into that cell's text. <nav> elements (and role="navigation") are left out.
 *
 * Used by the importers (src/reports/import: HTML pages, and .docx through the HTML the .docx
 * reader makes) and by the round-trip tests of the exports.
 */

const SKIP = new Set(['head', 'script', 'style', 'template', 'noscript', 'title', 'iframe', 'object', 'svg', 'math', 'nav']);
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'ul',
]);
const PRESERVE = new Set(['pre', 'textarea', 'listing']);

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwsp: '\u200b',
  zwnj: '\u200c',
  zwj: '\u200d',
  shy: '\u00ad',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  laquo: '«',
  raquo: '»',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  middot: '·',
  bull: '•',
  times: '×',
  divide: '÷',
  plusmn: '±',
  deg: '°',
  yen: '¥',
  copy: '©',
  reg: '®',
  trade: '™',
  sect: '§',
  para: '¶',
  permil: '‰',
  minus: '−',
  le: '≤',
  ge: '≥',
  ne: '≠',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
};

/** Decodes character references: &#12345; &#x3000; and the common named ones (others stay as written). */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') === -1) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const v = NAMED[e] ?? NAMED[e.toLowerCase()];
    return v !== undefined && (m.endsWith(';') || e === e.toLowerCase()) ? v : m;
  });
}

interface Tag {
  name: string;
  end: boolean;
  selfClosing: boolean;
  attrs: string;
  /** Index just after the tag's '>'. */
  next: number;
}

const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isNameChar = (c: number) => isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x3a || c === 0x2d;

/** Reads the tag at s[i] === '<', or null when it is not one (then '<' is text). */
function readTag(s: string, i: number): Tag | null {
  let j = i + 1;
  const end = s[j] === '/';
  if (end) j++;
  const start = j;
  while (j < s.length && isNameChar(s.charCodeAt(j))) j++;
  if (j === start || !isLetter(s.charCodeAt(start))) return null;
  const name = s.slice(start, j).toLowerCase();
  // Attributes: up to the first '>' outside quotes (no quote before the next '>': that '>').
  const attrStart = j;
  const gt = s.indexOf('>', j);
  let quoted = gt === -1;
  for (let k = j; k < gt && !quoted; k++) {
    const c = s.charCodeAt(k);
    quoted = c === 0x22 || c === 0x27;
  }
  if (!quoted) j = gt;
  else {
    let q = 0;
    for (; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (q) {
        if (c === q) q = 0;
      } else if (c === 0x22 || c === 0x27) q = c;
      else if (c === 0x3e) break;
    }
  }
  const attrs = s.slice(attrStart, j);
  return { name, end, selfClosing: attrs.trimEnd().endsWith('/'), attrs, next: Math.min(j + 1, s.length) };
}

/** The attributes of a start tag, names lower-cased (values with entities decoded). */
export function parseAttributes(attrs: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of attrs.matchAll(re)) {
    const name = m[1]!.toLowerCase();
    if (!out.has(name)) out.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

/** Whether a start tag hides its element (the `hidden` attribute, an inline display:none) or marks it as navigation. */
function isHidden(attrs: string): boolean {
  if (attrs.length < 6 || !/hidden|display|navigation/i.test(attrs)) return false;
  const a = parseAttributes(attrs);
  return a.has('hidden') || /(?:^|;)\s*display\s*:\s*none\b/i.test(a.get('style') ?? '') || a.get('role')?.toLowerCase() === 'navigation';
}

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;

/** Joins the lines of one cell: no space where either side is Chinese (or full-width punctuation). */
function joinCellLines(lines: readonly string[]): string {
  let out = '';
  for (const l of lines) {
    const t = l.trim();
    if (t === '') continue;
    if (out !== '' && !CJK.test(out[out.length - 1]!) && !CJK.test(t[0]!)) out += ' ';
    out += t;
  }
  return out;
}

/** Where text goes: the document, or the cell being read. */
interface Sink {
  lines: string[];
  cur: string;
  /** A cell holding a table of two rows or more, or a layout table: its table is a layout table. */
  layout?: boolean;
}

interface TableFrame {
  inRow: boolean;
  cell: Sink | null;
  /** The sink the table writes to when it ends. */
  parent: Sink;
  /** The rows read so far, each a list of cells (written out when the table ends). */
  rows: Sink[][];
}

const isAsciiSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c;

function trimAscii(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isAsciiSpace(s.charCodeAt(a))) a++;
  while (b > a && isAsciiSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Whether a string is only ASCII white space. */
function blank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isAsciiSpace(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Where the element `name` whose content starts at `from` ends: raw-text elements (script, style,
 * textarea …) at the first end tag of their name; others at the matching end tag, counting nested
 * ones; <head>, whose end tag may be omitted, also where <body> starts. At the end of the input
 * when there is no end.
 */
function elementEnd(html: string, name: string, from: number): { contentEnd: number; next: number } {
  const re = new RegExp(name === 'head' ? '<(/?)(head|body)(?=[\\s/>])[^>]*>' : `<(/?)${name}(?=[\\s/>])[^>]*>`, 'gi');
  re.lastIndex = from;
  let depth = 1;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (name === 'head' && m[2]!.toLowerCase() === 'body') return { contentEnd: m.index, next: m.index };
    if (m[1]) depth--;
    else if (!RAW_TEXT.has(name) && !m[0].endsWith('/>')) depth++;
    if (depth === 0 || (RAW_TEXT.has(name) && m[1])) return { contentEnd: m.index, next: m.index + m[0].length };
  }
  return { contentEnd: html.length, next: html.length };
}

/** Plain text of an HTML document or fragment (see the file comment for the layout). */
export function htmlToText(html: string): string {
  const root: Sink = { lines: [], cur: '' };
  let sink = root;
  const tables: TableFrame[] = [];
  /** Open <p> elements: their sink and its number of lines when each opened (to tell an empty one). */
  const paragraphs: { sink: Sink; lines: number }[] = [];
  let brRun = 0;
  let preserve = 0;

  const breakLine = () => {
    const t = preserve > 0 ? sink.cur.replace(/[ \t\n\r\f]+$/, '') : trimAscii(sink.cur);
    if (t !== '') sink.lines.push(t);
    sink.cur = '';
  };
  const addText = (raw: string) => {
    if (preserve === 0 && blank(raw)) {
      // White space between tags: one space, unless the line is empty or already ends in one.
      if (sink.cur !== '' && !sink.cur.endsWith(' ')) sink.cur += ' ';
      return;
    }
    let t = decodeEntities(raw);
    if (preserve === 0) {
      t = t.replace(/[ \t\n\r\f]+/g, ' ');
      if (sink.cur === '' || sink.cur.endsWith(' ')) t = t.replace(/^ /, '');
      if (t === '') return;
      sink.cur += t;
    } else {
      const parts = t.replace(/\r\n?/g, '\n').split('\n');
      parts.forEach((p, k) => {
        if (k > 0) {
          sink.lines.push(sink.cur.replace(/[ \t\n\r\f]+$/, ''));
          sink.cur = '';
        }
        sink.cur += p;
      });
    }
    if (/[^ \t\n\r\f]/.test(t)) brRun = 0;
  };
  const closeCell = (f: TableFrame) => {
    if (!f.cell) return;
    const cell = f.cell;
    sink = cell;
    breakLine();
    sink = f.parent;
    if (!f.inRow) f.rows.push([]);
    f.rows[f.rows.length - 1]!.push(cell);
    f.inRow = true;
    f.cell = null;
  };
  const closeRow = (f: TableFrame) => {
    closeCell(f);
    f.inRow = false;
  };
  const openRow = (f: TableFrame) => {
    closeRow(f);
    sink = f.parent;
    breakLine();
    f.rows.push([]);
    f.inRow = true;
  };
  const openCell = (f: TableFrame) => {
    closeCell(f);
    if (!f.inRow) openRow(f);
    f.cell = { lines: [], cur: '' };
    sink = f.cell;
  };
  /** Writes a table out: a data table one cell per line, a layout table as the flow of its cells. */
  const closeTable = (f: TableFrame) => {
    closeRow(f);
    sink = f.parent;
    breakLine();
    const out = f.parent.lines;
    const layout = f.rows.some((r) => r.some((c) => c.layout));
    if (layout) {
      for (const r of f.rows) for (const c of r) for (const l of c.lines) out.push(l);
    } else {
      for (const r of f.rows) {
        for (const c of r) out.push(`\t${joinCellLines(c.lines).replace(/\t/g, ' ')}`);
        out.push('');
      }
    }
    // The cell around a nested table is layout when that table is (or is a real table of rows).
    if (layout || f.rows.filter((r) => r.length > 0).length >= 2) f.parent.layout = true;
  };

  let i = 0;
  let text = 0; // start of pending text
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1) break;
    if (lt > text) addText(html.slice(text, lt));
    // Comments, doctype, processing instructions, CDATA.
    if (html.startsWith('<!--', lt)) {
      const e = html.indexOf('-->', lt + 4);
      i = text = e === -1 ? n : e + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const e = html.indexOf('>', lt + 2);
      i = text = e === -1 ? n : e + 1;
      continue;
    }
    const tag = readTag(html, lt);
    if (!tag) {
      addText('<');
      i = text = lt + 1;
      continue;
    }
    i = text = tag.next;
    const name = tag.name;

    if (!tag.end && !tag.selfClosing && !VOID.has(name) && (SKIP.has(name) || RAW_TEXT.has(name) || isHidden(tag.attrs))) {
      const skip = SKIP.has(name) || isHidden(tag.attrs);
      const end = elementEnd(html, name, tag.next);
      if (!skip) {
        // <textarea>, <xmp> …: their text as it is.
        preserve++;
        addText(html.slice(tag.next, end.contentEnd));
        preserve--;
      }
      i = text = end.next;
      continue;
    }

    const frame = tables[tables.length - 1];
    switch (name) {
      case 'br':
        if (tag.end) break;
        if (sink.cur.trim() === '' && brRun > 0) sink.lines.push('');
        else breakLine();
        brRun++;
        continue;
      case 'table':
        if (!tag.end) {
          breakLine();
          tables.push({ inRow: false, cell: null, parent: sink, rows: [] });
        } else if (frame) {
          tables.pop();
          closeTable(frame);
        }
        continue;
      case 'tr':
        if (frame) {
          if (!tag.end) openRow(frame);
          else closeRow(frame);
        }
        continue;
      case 'td':
      case 'th':
        if (frame) {
          if (!tag.end) openCell(frame);
          else closeCell(frame);
        }
        continue;
      case 'thead':
      case 'tbody':
      case 'tfoot':
        if (frame) closeRow(frame);
        continue;
      case 'caption':
        if (frame) closeRow(frame);
        breakLine();
        continue;
    }
    if (PRESERVE.has(name)) {
      breakLine();
      preserve = Math.max(0, preserve + (tag.end ? -1 : 1));
      continue;
    }
    if (name === 'p') {
      if (!tag.end) {
        breakLine();
        paragraphs.push({ sink, lines: sink.lines.length });
        brRun = 0;
      } else {
        const p = paragraphs.pop();
        const empty = p !== undefined && p.sink === sink && sink.lines.length === p.lines && trimAscii(sink.cur) === '';
        breakLine();
        if (empty) sink.lines.push('');
      }
      continue;
    }
    if (BLOCK.has(name)) {
      breakLine();
      brRun = 0;
    }
  }
  if (text < n) addText(html.slice(text));
  while (tables.length) closeTable(tables.pop()!);
  sink = root;
  breakLine();
  // Drop leading empty lines and collapse runs of empty lines outside tables to at most one.
  const out: string[] = [];
  for (const l of root.lines) {
    if (l === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(l);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.length ? `${out.join('\n')}\n` : '';
}
