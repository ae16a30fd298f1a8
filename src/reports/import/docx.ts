/**
 * A Word .docx → the text layout the text importer reads (one table cell per line).
 *
 * The zip's directory is checked first (zip.ts: a declared or actual size of the main document
 * part beyond MAX_DOCUMENT_XML_BYTES is refused as a zip bomb), then word/document.xml is read in
 * one pass and written as simple HTML — paragraphs, line breaks, tables with their cells — which
 * htmlToText (export/html-text.ts) lays out exactly as it does mammoth's HTML of the same file:
 * a cell merged over several rows (w:vMerge) or columns (w:gridSpan, w:hMerge) appears once, where
 * it starts. This reader exists because mammoth, which does much more (styles, images, lists),
 * reads a typical report in about 100 ms; this one in 1–2 ms. The tests check that both give
 * the same report.
 *
 * What is read: the text of runs (w:t), tabs, line breaks, non-breaking hyphens; text boxes (as
 * paragraphs); inserted text of tracked changes (deleted and moved-away text is not); fields'
 * results; content controls. What is not, and is reported in the notes: images (a scanned table
 * or a seal), embedded objects (an Excel table pasted as an object), embedded documents
 * (altChunk), footnotes and endnotes, comments; hidden text (w:vanish) is skipped. Headers and
 * footers are other parts and are not read, so their page numbers cannot break a table.
 */
import { ReportInputError } from '../errors.js';
import { htmlToText } from '../export/html-text.js';
import { readZipDirectory, readZipEntry } from './zip.js';

/** Largest main document part inflated (a real report's is well under 5 MB). */
export const MAX_DOCUMENT_XML_BYTES = 50 * 1024 * 1024;

export interface DocxText {
  text: string;
  /** Encoding of word/document.xml ('utf-8', 'utf-16le' or 'utf-16be'). */
  encoding: string;
  /** What the document held that was not read, in Chinese. */
  notes: string[];
}

const MAIN_NS = ['http://schemas.openxmlformats.org/wordprocessingml/2006/main', 'http://purl.oclc.org/ooxml/wordprocessingml/main'];

/** Decodes the XML part: UTF-8 unless a byte-order mark or the declaration says UTF-16. */
function decodeXml(b: Buffer): { xml: string; encoding: string } {
  let encoding = 'utf-8';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) encoding = 'utf-16le';
  else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) encoding = 'utf-16be';
  else if (b.length >= 4 && b[0] === 0x3c && b[1] === 0x00) encoding = 'utf-16le';
  else if (b.length >= 4 && b[0] === 0x00 && b[1] === 0x3c) encoding = 'utf-16be';
  // Not `fatal`: a stray bad byte in a text run is not worth refusing the document for (and the
  // lenient decoder is several times faster on the large, mostly ASCII XML).
  const xml = encoding === 'utf-8' ? b.toString('utf8') : new TextDecoder(encoding).decode(b);
  return { xml: xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml, encoding };
}

/** The prefix the document binds to the WordprocessingML namespace ('' for the default namespace). */
function mainPrefix(xml: string): string {
  const root = /<([A-Za-z_][\w.-]*:)?document\b([^>]*)>/.exec(xml);
  if (!root) throw new ReportInputError('Word 文档已损坏：正文（word/document.xml）不是 Word 文档');
  for (const m of root[2]!.matchAll(/xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']/g)) {
    if (MAIN_NS.includes(m[2]!)) return m[1] ? `${m[1]}:` : '';
  }
  return root[1] ?? '';
}

const isOff = (v: string | undefined) => v === '0' || v === 'false' || v === 'off';


function attr(attrs: string, name: string): string | undefined {
  const i = attrs.indexOf(name);
  if (i === -1) return undefined;
  const m = new RegExp(`(?:^|\\s)${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*["']([^"']*)["']`).exec(attrs);
  return m ? m[1] : undefined;
}

interface CellState {
  span: number;
  vMerge: string | null;
  hMerge: string | null;
  opened: boolean;
}

interface Counts {
  images: number;
  objects: number;
  altChunks: number;
  notes: number;
  comments: number;
  revisions: number;
}

/** The WordprocessingML elements the reader acts on; everything else (formatting above all) the scan passes over. */
const ELEMENTS = [
  'p', 'r', 't', 'tab', 'ptab', 'br', 'cr', 'noBreakHyphen', 'vanish', 'tbl', 'tr', 'tc', 'gridSpan', 'vMerge', 'hMerge',
  'del', 'moveFrom', 'ins', 'moveTo', 'object', 'altChunk', 'footnoteReference', 'endnoteReference', 'commentReference',
];
const TAG_RES = new Map<string, RegExp>();

/** One regular expression per namespace prefix, matching only the elements of interest (and comments). */
function tagRe(prefix: string): RegExp {
  let re = TAG_RES.get(prefix);
  if (!re) {
    const p = prefix.replace(/[.]/g, '\\.');
    re = new RegExp(`<(\\/?)(?:${p}(${ELEMENTS.join('|')})|mc:(Fallback)|a:(blip)|v:(imagedata))(?=[\\s/>])([^>]*)>|<!--[\\s\\S]*?-->`, 'g');
    TAG_RES.set(prefix, re);
  }
  re.lastIndex = 0;
  return re;
}

/** The main document part (XML) as simple HTML (see the file comment). */
export function documentXmlToHtml(xml: string, counts?: Counts): string {
  const P = mainPrefix(xml);
  const c: Counts = counts ?? { images: 0, objects: 0, altChunks: 0, notes: 0, comments: 0, revisions: 0 };
  const out: string[] = [];
  const cells: CellState[] = [];
  /** The element whose whole content is skipped, and how deep in it the scan is (0: none). */
  let skip = 0;
  let skipName = '';
  let inRun = 0;
  let runHidden = false;
  let textStart = -1;

  /** Opens the table cell being read at its first content: a cell merged into the one above or to the left is skipped. */
  const openCell = (): boolean => {
    const cell = cells[cells.length - 1];
    if (!cell || cell.opened) return true;
    cell.opened = true;
    if (cell.vMerge === 'continue' || cell.hMerge === 'continue') {
      skip = 1;
      skipName = 'tc';
      return false;
    }
    out.push(cell.span > 1 ? `<td colspan="${cell.span}">` : '<td>');
    return true;
  };

  const re = tagRe(P);
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const name = m[2] ?? m[3] ?? m[4] ?? m[5];
    if (name === undefined) continue; // a comment
    const end = m[1] === '/';
    const attrs = m[6]!;
    const selfClosing = attrs.endsWith('/');

    if (skip > 0) {
      if (name === skipName && m[2] !== undefined) {
        if (end) skip--;
        else if (!selfClosing) skip++;
        if (skip === 0 && skipName === 'tc') cells.pop();
      } else if (name === skipName && m[3] !== undefined && skipName === 'Fallback') {
        if (end) skip--;
        else if (!selfClosing) skip++;
      }
      continue;
    }
    if (m[3] !== undefined) {
      // mc:AlternateContent: the first choice is read, the fallback (the same content for older readers) is not.
      if (!end && !selfClosing) {
        skip = 1;
        skipName = 'Fallback';
      }
      continue;
    }
    if (m[4] !== undefined || m[5] !== undefined) {
      if (!end) c.images++;
      continue;
    }

    switch (name) {
      case 'p':
        if (!end && !openCell()) break;
        out.push(selfClosing ? '<p></p>' : end ? '</p>' : '<p>');
        break;
      case 'r':
        if (end) {
          inRun = Math.max(0, inRun - 1);
          runHidden = false;
        } else if (!selfClosing) inRun++;
        break;
      case 'vanish':
        // In a run's properties (a paragraph mark's properties are outside any run).
        if (inRun > 0 && !end && !isOff(attr(attrs, `${P}val`))) runHidden = true;
        break;
      case 't':
        if (inRun === 0) break;
        if (end) {
          if (textStart >= 0 && !runHidden) out.push(xml.slice(textStart, m.index));
          textStart = -1;
        } else if (!selfClosing) textStart = re.lastIndex;
        break;
      case 'tab':
      case 'ptab':
        // A tab stop (w:tabs/w:tab in paragraph properties) has a position; a tab character has none.
        if (!end && inRun > 0 && !runHidden && attrs.indexOf('pos') === -1) out.push('\t');
        break;
      case 'br': {
        if (end || inRun === 0 || runHidden) break;
        const type = attr(attrs, `${P}type`);
        if (type !== 'page' && type !== 'column') out.push('<br>');
        break;
      }
      case 'cr':
        if (!end && inRun > 0 && !runHidden) out.push('<br>');
        break;
      case 'noBreakHyphen':
        if (!end && inRun > 0 && !runHidden) out.push('-');
        break;
      case 'tbl':
        if (!end && !openCell()) break;
        if (!selfClosing) out.push(end ? '</table>' : '<table>');
        break;
      case 'tr':
        if (!selfClosing) out.push(end ? '</tr>' : '<tr>');
        break;
      case 'tc':
        if (end) {
          const cell = cells.pop();
          if (cell?.opened) out.push('</td>');
          else if (cell && cell.vMerge !== 'continue' && cell.hMerge !== 'continue') out.push(cell.span > 1 ? `<td colspan="${cell.span}"></td>` : '<td></td>');
        } else if (selfClosing) out.push('<td></td>');
        else cells.push({ span: 1, vMerge: null, hMerge: null, opened: false });
        break;
      case 'gridSpan': {
        const cell = cells[cells.length - 1];
        const v = Number(attr(attrs, `${P}val`));
        if (cell && !cell.opened && Number.isInteger(v) && v > 1 && v < 1000) cell.span = v;
        break;
      }
      case 'vMerge':
      case 'hMerge': {
        const cell = cells[cells.length - 1];
        if (cell && !cell.opened && !end) cell[name] = attr(attrs, `${P}val`) ?? 'continue';
        break;
      }
      case 'del':
      case 'moveFrom':
        if (end) break;
        c.revisions++;
        if (!selfClosing) {
          skip = 1;
          skipName = name;
        }
        break;
      case 'ins':
      case 'moveTo':
        if (!end) c.revisions++;
        break;
      case 'object':
        if (!end) c.objects++;
        break;
      case 'altChunk':
        if (!end) c.altChunks++;
        break;
      case 'footnoteReference':
      case 'endnoteReference':
        if (!end) c.notes++;
        break;
      case 'commentReference':
        if (!end) c.comments++;
        break;
    }
  }
  return out.join('');
}

/** The text of a .docx in the one-cell-per-line layout, and what could not be read. */
export function docxToText(bytes: Uint8Array): DocxText {
  const dir = readZipDirectory(bytes);
  const entry = dir.entries.get('word/document.xml');
  if (!entry) throw new ReportInputError('Word 文档（.docx）已损坏：缺少正文部分 word/document.xml');
  const { xml, encoding } = decodeXml(readZipEntry(bytes, entry, MAX_DOCUMENT_XML_BYTES, 'Word 文档正文（word/document.xml）'));
  const counts: Counts = { images: 0, objects: 0, altChunks: 0, notes: 0, comments: 0, revisions: 0 };
  const html = documentXmlToHtml(xml, counts);
  const notes: string[] = [];
  if (counts.images) notes.push(`文档中有${counts.images}张图片，图片中的文字未读取`);
  if (counts.objects) notes.push(`文档中嵌入了${counts.objects}个对象（如 Excel 表格），其中的内容未读取`);
  if (counts.altChunks) notes.push(`文档中嵌入了${counts.altChunks}段其他格式的内容（altChunk），未读取`);
  if (counts.notes) notes.push(`文档中有${counts.notes}处脚注或尾注，其内容未读取`);
  if (counts.comments) notes.push(`文档中有${counts.comments}条批注，未读取`);
  if (counts.revisions) notes.push('文档含有修订痕迹，已按接受全部修订后的文字读取');
  return { text: htmlToText(html), encoding, notes };
}
