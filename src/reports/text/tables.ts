/**
 * Pass 1 of the text parser: reads the table parts of a report (sections 二, 三, 四) as a stream
 * of cells, whatever the layout — one cell per line (TAB-prefixed or not, the seed's layout),
 * `a | b | c` rows (markdown or not), or tab-separated rows — and collects, for every row label
 * it recognises, the cells that follow it. Nothing here depends on the format (2019 or 2021):
 * pass 2 (parse.ts) decides the format from the labels seen and maps the cells to columns.
 *
 * Memory stays bounded whatever the input: at most MAX_CELLS cells are kept per row, per line
 * and per run of unlabeled cells; everything else is counted, not stored.
 */
import type { FormatId, ProactiveBlockId } from '../format.js';
import type { ExtraRow } from '../parse-info.js';
import { isValueLike } from './cells.js';
import { classifyLabel, type LabelHit, type LabelInfo } from './labels.js';

/** Token kinds: a cell (explicit), an empty line that may be a blank cell or a row break, a row break. */
export const CELL = 0;
export const EMPTY = 1;
export const BREAK = 2;
export type TokenKind = typeof CELL | typeof EMPTY | typeof BREAK;

export interface Token {
  k: TokenKind;
  /** Trimmed cell text ('' for a blank cell, an EMPTY or a BREAK). */
  text: string;
  /** 0-based line index. */
  line: number;
  /** For cells of a multi-cell line (pipe or tab row): that line's index; -1 for one-cell lines. */
  group: number;
}

/** Upper bound on the cells kept for one row (the widest row has 15 cells). */
export const MAX_CELLS = 64;

export type TableSection = '2' | '3' | '4';

export interface RowRecord {
  section: TableSection;
  id: string;
  /** The label as written (continuation lines joined). */
  label: string;
  line: number;
  cells: Token[];
}

export interface HeaderCell {
  info: LabelInfo;
  raw: string;
}

export interface CellRun {
  cells: Token[];
  line: number;
}

export interface TableScan {
  rows: Map<string, RowRecord>;
  blockLabels: Set<ProactiveBlockId>;
  blockHeaders: Map<ProactiveBlockId, HeaderCell[]>;
  appColumns: Set<string>;
  appHeaderSeen: boolean;
  reviewColumns: Set<string>;
  reviewGroupLabels: Set<string>;
  /** The unlabeled row of 15 values under table 四's 3-row header. */
  reviewRun: CellRun | null;
  extraRows: ExtraRow[];
  /** Text in the table parts that is not part of a table: per section, count and first line. */
  ignoredText: Map<string, { count: number; line: number; sample: string }>;
  /** Numbers that belong to no row. */
  strayCells: Map<string, { count: number; line: number }>;
  /** The first repeated row labels (the first occurrence is read), and how many there were. */
  duplicateRows: { label: string; line: number }[];
  duplicateCount: number;
  /** Format markers found (marker → the label as written). */
  markers: Record<FormatId, Map<string, string>>;
  /** How many table labels of any kind were recognised. */
  labelCount: number;
  /** The tables in which at least one label was recognised. */
  tablesSeen: Set<TableSection>;
  /** The table the stream was in when it ended, and its last non-empty line (0-based). */
  lastSection: TableSection | null;
  lastLine: number;
}

export interface LayoutModes {
  /** One TAB-prefixed cell per line (the seed's layout): empty lines are row breaks only. */
  tabCells: boolean;
  /** Outer pipes of `| a | b |` rows are markdown decoration, not empty cells. */
  markdown: boolean;
}

const PIPE_RE = /[|｜]/;
const MARKDOWN_SEPARATOR_RE = /^[|｜]?\s*:?-{2,}:?\s*(?:[|｜]\s*:?-{2,}:?\s*)*[|｜]?$/;

function hasPipe(s: string): boolean {
  return s.indexOf('|') !== -1 || s.indexOf('｜') !== -1;
}

function isBlankLine(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c === 0x20 || c === 0x09 || c === 0x3000 || c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f)) {
      return s.trim() === '';
    }
  }
  return true;
}

function countTabs(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\t'); i !== -1; i = s.indexOf('\t', i + 1)) n++;
  return n;
}

/** Looks at the table lines once to decide how cells are written. */
export function detectModes(lines: readonly (string | null)[], zones: readonly { start: number; end: number }[]): LayoutModes {
  let tabCells = 0;
  let plainCells = 0;
  let pipeLines = 0;
  let outer = 0;
  let separators = 0;
  for (const z of zones) {
    for (let i = z.start; i < z.end; i++) {
      const l = lines[i];
      if (l == null) continue;
      if (hasPipe(l)) {
        const t = l.trim();
        pipeLines++;
        if (MARKDOWN_SEPARATOR_RE.test(t)) separators++;
        else if (t.length > 1 && PIPE_RE.test(t[0]!) && PIPE_RE.test(t[t.length - 1]!)) outer++;
      } else if (l.charCodeAt(0) === 9) {
        if (l.indexOf('\t', 1) === -1) tabCells++;
      } else if (l.indexOf('\t') === -1 && !isBlankLine(l)) plainCells++;
    }
  }
  return { tabCells: tabCells > plainCells, markdown: separators > 0 || outer * 2 > pipeLines };
}

/** Turns the lines of one table zone into tokens, with one token of look-ahead. */
export class Tokenizer {
  /** Tokens of the current line: q[qi … qn). The array is reused. */
  private q: Token[] = [];
  private qi = 0;
  private qn = 0;
  private i: number;

  constructor(
    private readonly lines: readonly (string | null)[],
    start: number,
    private readonly end: number,
    private readonly modes: LayoutModes,
  ) {
    this.i = start;
  }

  next(): Token | null {
    if (this.qi >= this.qn && !this.fill()) return null;
    return this.q[this.qi++]!;
  }

  peek(): Token | null {
    if (this.qi >= this.qn && !this.fill()) return null;
    return this.q[this.qi]!;
  }

  private fill(): boolean {
    this.qi = 0;
    this.qn = 0;
    while (this.qn === 0 && this.i < this.end) this.readLine();
    return this.qn > 0;
  }

  private push(t: Token): void {
    this.q[this.qn++] = t;
  }

  private readLine(): void {
    const idx = this.i++;
    const raw = this.lines[idx];
    if (raw == null) return;
    if (this.modes.tabCells && raw.charCodeAt(0) === 9) {
      const body = raw.slice(1);
      if (hasPipe(body)) this.row(body, idx, 'pipe');
      else if (body.indexOf('\t') !== -1) this.row(body, idx, 'tab');
      else this.push({ k: CELL, text: this.continued(body.trim()), line: idx, group: -1 });
      return;
    }
    if (isBlankLine(raw)) {
      const tabs = countTabs(raw);
      // Tabs alone are empty cells: a row of them (≥ 2), or one blank cell (a lone TAB).
      if (tabs >= 2) this.row(raw, idx, 'tab');
      else if (tabs === 1) this.push({ k: CELL, text: '', line: idx, group: -1 });
      else this.push({ k: this.modes.tabCells ? BREAK : EMPTY, text: '', line: idx, group: -1 });
      return;
    }
    if (hasPipe(raw)) this.row(raw, idx, 'pipe');
    else if (raw.indexOf('\t') !== -1) this.row(raw, idx, 'tab');
    else this.push({ k: CELL, text: raw.trim(), line: idx, group: -1 });
  }

  /**
   * In the TAB-cell layout a line without the TAB right after a text cell continues that cell
   * (a header broken over two lines: 本年新 / 制作数量), unless both parts are labels themselves.
   */
  private continued(text: string): string {
    if (text === '' || isValueLike(text)) return text;
    let out = text;
    while (this.i < this.end) {
      const nx = this.lines[this.i];
      if (nx == null) {
        this.i++;
        continue;
      }
      if (nx.charCodeAt(0) === 9 || hasPipe(nx) || nx.indexOf('\t') !== -1) break;
      const t = nx.trim();
      if (t === '' || isValueLike(t)) break;
      if (classifyLabel(out).hit && classifyLabel(t).hit) break;
      out += t;
      this.i++;
    }
    return out;
  }

  private row(s: string, idx: number, sep: 'pipe' | 'tab'): void {
    let t = s;
    if (sep === 'pipe') {
      t = s.trim();
      if (MARKDOWN_SEPARATOR_RE.test(t)) return;
      if (this.modes.markdown && t.length > 1 && PIPE_RE.test(t[0]!) && PIPE_RE.test(t[t.length - 1]!)) t = t.slice(1, -1);
    } // tab rows keep their leading/trailing tabs: they are empty cells
    const cells = splitCells(t, sep, MAX_CELLS);
    for (const c of cells) this.push({ k: CELL, text: c, line: idx, group: idx });
    this.push({ k: BREAK, text: '', line: idx, group: idx });
  }
}

/** The first `max` cells of a pipe or tab row, trimmed (never splits a whole huge line). */
export function splitCells(t: string, sep: 'pipe' | 'tab', max: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (out.length < max) {
    let end: number;
    if (sep === 'tab') end = t.indexOf('\t', start);
    else {
      const a = t.indexOf('|', start);
      const b = t.indexOf('｜', start);
      end = a === -1 ? b : b === -1 ? a : Math.min(a, b);
    }
    if (end === -1) {
      out.push(t.slice(start).trim());
      break;
    }
    out.push(t.slice(start, end).trim());
    start = end + 1;
  }
  return out;
}

/** Widest row per row id over both formats (for deciding whether a short text is still a cell). */
const PROACTIVE_MAX_COLUMNS: Record<string, number> = {
  rules: 3,
  normative_documents: 3,
  licensing: 3,
  other_services: 3,
  penalty: 3,
  enforcement: 3,
  fees: 2,
  procurement: 2,
};
const BLOCK_OF_ROW: Record<string, ProactiveBlockId> = {
  rules: '20.1',
  normative_documents: '20.1',
  licensing: '20.5',
  other_services: '20.5',
  penalty: '20.6',
  enforcement: '20.6',
  fees: '20.8',
  procurement: '20.9',
};

interface OpenRow {
  kind: 'row';
  section: TableSection;
  id: string;
  label: string;
  line: number;
  cells: Token[];
  group: number;
  /** Explicit cells so far (not EMPTY / BREAK). */
  count: number;
}

interface OpenUnknown {
  kind: 'unknown';
  label: string;
  line: number;
  cells: Token[];
  group: number;
  count: number;
}

const hasValue = (cells: readonly Token[]) => cells.some((t) => t.k === CELL && t.text !== '');
const cellCount = (cells: readonly Token[]) => cells.reduce((n, t) => n + (t.k === CELL ? 1 : 0), 0);

function bracketDepth(s: string): number {
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xff08 || c === 0x28) d++;
    else if ((c === 0xff09 || c === 0x29) && d > 0) d--;
  }
  return d;
}

/** A short text that is more likely a badly written value (约5, 三, 不详) than a label. */
function looksLikeValueText(t: string): boolean {
  if (t.length > 8) return false;
  if (/^[0-9０-９]+\s*[.、．]/.test(t)) return false;
  return /[0-9０-９]/.test(t) || t.length <= 3;
}

export class TableScanner {
  readonly out: TableScan = {
    rows: new Map(),
    blockLabels: new Set(),
    blockHeaders: new Map(),
    appColumns: new Set(),
    appHeaderSeen: false,
    reviewColumns: new Set(),
    reviewGroupLabels: new Set(),
    reviewRun: null,
    extraRows: [],
    ignoredText: new Map(),
    strayCells: new Map(),
    duplicateRows: [],
    duplicateCount: 0,
    markers: { '2019': new Map(), '2021': new Map() },
    labelCount: 0,
    tablesSeen: new Set(),
    lastSection: null,
    lastLine: -1,
  };
  private ctx: TableSection | null = null;
  private appRowsBegun = false;
  private open: OpenRow | OpenUnknown | null = null;
  private orphan: Token[] = [];
  private orphanLine = -1;
  private blankRun: CellRun | null = null;
  private curBlock: ProactiveBlockId | null = null;
  private curBlockHasRows = false;
  private pendingHeaders: HeaderCell[] = [];

  /** Reads one zone of table lines; `section` is the section its heading names, if any. */
  scan(tz: Tokenizer, section: TableSection | null): void {
    this.flush();
    if (section) this.ctx = section;
    for (let tok = tz.next(); tok; tok = tz.next()) {
      if (tok.k === CELL && tok.text !== '') this.out.lastLine = tok.line;
      if (tok.k !== CELL || tok.text === '' || isValueLike(tok.text)) {
        this.value(tok);
        continue;
      }
      const info = classifyLabel(tok.text);
      if (info.hit) this.label(tok, info, info.hit, tz);
      else this.unknown(tok, tz);
    }
    this.flush();
    this.out.lastSection = this.ctx;
  }

  /** Ends the scan: assigns headers still pending, keeps a blank table-四 run if nothing better. */
  finish(): TableScan {
    this.flush();
    if (this.pendingHeaders.length && this.curBlock) this.addHeaders(this.curBlock, this.pendingHeaders);
    if (!this.out.reviewRun && this.blankRun) this.out.reviewRun = this.blankRun;
    return this.out;
  }

  private flush(): void {
    this.finishOpen();
    this.finishOrphan();
  }

  private value(tok: Token): void {
    const o = this.open;
    if (o) {
      if (o.group !== -1) {
        if (tok.group !== o.group) {
          this.finishOpen();
          this.pushOrphan(tok);
        } else if (tok.k === BREAK) this.finishOpen();
        else this.push(o, tok);
        return;
      }
      this.push(o, tok);
      return;
    }
    this.pushOrphan(tok);
  }

  private push(o: OpenRow | OpenUnknown, tok: Token): void {
    if (o.cells.length < MAX_CELLS) o.cells.push(tok);
    if (tok.k === CELL) o.count++;
  }

  private pushOrphan(tok: Token): void {
    if (tok.k === BREAK && this.orphan.length === 0) return;
    if (this.orphan.length === 0) this.orphanLine = tok.line;
    if (this.orphan.length < MAX_CELLS) this.orphan.push(tok);
  }

  private label(tok: Token, info: LabelInfo, hit: LabelHit, tz: Tokenizer): void {
    let label = tok.text;
    // A label whose bracket is still open continues on the next line(s).
    if (tok.group === -1 && bracketDepth(label) > 0) {
      for (let k = 0; k < 4; k++) {
        const nx = tz.peek();
        if (!nx || nx.k !== CELL || nx.group !== -1 || nx.text === '' || isValueLike(nx.text) || classifyLabel(nx.text).hit) break;
        tz.next();
        label += nx.text;
        if (bracketDepth(label) === 0) break;
      }
    }
    for (const f of ['2019', '2021'] as const) {
      for (const m of info.markers[f]) if (!this.out.markers[f].has(m)) this.out.markers[f].set(m, label);
    }
    if (hit.t === 'total') {
      hit = this.ctx === '4' ? { t: 'rcol', id: 'total' } : info.numbered || this.appRowsBegun ? { t: 'arow', id: '3.7' } : { t: 'acol', id: 'total' };
    } else if (hit.t === 'other') {
      hit = this.ctx === '4' ? { t: 'rcol', id: 'other' } : info.numbered || this.appRowsBegun ? { t: 'arow', id: '3.6.3' } : { t: 'acol', id: 'other' };
    }
    this.flush();
    this.out.labelCount++;
    switch (hit.t) {
      case 'block':
        this.ctx = '2';
        this.out.blockLabels.add(hit.id);
        if (this.pendingHeaders.length) this.addHeaders(hit.id, this.pendingHeaders.splice(0));
        this.curBlock = hit.id;
        this.curBlockHasRows = false;
        break;
      case 'pcol':
        this.ctx = '2';
        if (this.curBlock && !this.curBlockHasRows) this.addHeaders(this.curBlock, [{ info, raw: label }]);
        else this.pendingHeaders.push({ info, raw: label });
        break;
      case 'pheader':
        this.ctx = '2';
        break;
      case 'prow': {
        this.ctx = '2';
        const block = BLOCK_OF_ROW[hit.id]!;
        if (this.pendingHeaders.length) this.addHeaders(block, this.pendingHeaders.splice(0));
        this.curBlock = block;
        this.curBlockHasRows = true;
        this.openRow('2', hit.id, label, tok);
        break;
      }
      case 'arow':
        this.ctx = '3';
        this.appRowsBegun = true;
        this.openRow('3', hit.id, label, tok);
        break;
      case 'agroup':
        this.ctx = '3';
        break;
      case 'acol':
        this.ctx = '3';
        this.out.appColumns.add(hit.id);
        this.out.appHeaderSeen = true;
        break;
      case 'aheader':
        this.ctx = '3';
        this.out.appHeaderSeen = true;
        break;
      case 'rgroup':
        this.ctx = '4';
        this.out.reviewGroupLabels.add(hit.id);
        this.openRow('4', hit.id, label, tok);
        break;
      case 'rheader':
        this.ctx = '4';
        break;
      case 'rcol':
        this.ctx = '4';
        this.out.reviewColumns.add(hit.id);
        break;
    }
    if (this.ctx) this.out.tablesSeen.add(this.ctx);
  }

  private openRow(section: TableSection, id: string, label: string, tok: Token): void {
    this.open = { kind: 'row', section, id, label, line: tok.line, cells: [], group: tok.group, count: 0 };
  }

  private addHeaders(block: ProactiveBlockId, cells: HeaderCell[]): void {
    const list = this.out.blockHeaders.get(block);
    if (list) list.push(...cells);
    else this.out.blockHeaders.set(block, cells.slice());
  }

  private unknown(tok: Token, tz: Tokenizer): void {
    const o = this.open;
    if (o && o.group !== -1 && tok.group === o.group) {
      // A text cell on the same line as its row label: an unreadable value.
      this.push(o, tok);
      return;
    }
    if (o && o.kind === 'row' && o.group === -1 && tok.group === -1) {
      const max = o.section === '2' ? (PROACTIVE_MAX_COLUMNS[o.id] ?? 3) : o.section === '3' ? 7 : 5;
      if (o.count < max && looksLikeValueText(tok.text)) {
        this.push(o, tok);
        return;
      }
    }
    // Two one-cell lines that together make a label (a header broken over two lines).
    if (tok.group === -1) {
      const nx = tz.peek();
      if (nx && nx.k === CELL && nx.group === -1 && nx.text !== '' && !isValueLike(nx.text) && !classifyLabel(nx.text).hit) {
        const joined = tok.text + nx.text;
        const info = classifyLabel(joined);
        if (info.hit) {
          tz.next();
          this.label({ ...tok, text: joined }, info, info.hit, tz);
          return;
        }
      }
    }
    this.flush();
    this.open = { kind: 'unknown', label: tok.text, line: tok.line, cells: [], group: tok.group, count: 0 };
  }

  private finishOpen(): void {
    const o = this.open;
    if (!o) return;
    this.open = null;
    const withValues = hasValue(o.cells);
    if (o.kind === 'row') {
      if (o.section === '4') {
        // Table 四's group labels are header cells in the official layout: a group is a row only
        // when numbers follow it; a run of ≥ 10 cells is the unlabeled row of 15 values.
        if (cellCount(o.cells) >= 10) return this.run(o.cells, o.line);
        if (!withValues) return;
      }
      const key = `${o.section}:${o.id}`;
      if (this.out.rows.has(key)) {
        this.out.duplicateCount++;
        if (this.out.duplicateRows.length < 20) this.out.duplicateRows.push({ label: o.label, line: o.line });
      }
      else this.out.rows.set(key, { section: o.section, id: o.id, label: o.label, line: o.line, cells: o.cells });
      return;
    }
    if (withValues && this.ctx) {
      if (this.ctx === '4' && cellCount(o.cells) >= 10) return this.run(o.cells, o.line);
      if (this.out.extraRows.length < 1000) this.out.extraRows.push({ section: this.ctx, label: o.label, line: o.line + 1 });
      return;
    }
    const key = this.ctx ?? '-';
    const e = this.out.ignoredText.get(key);
    if (e) e.count++;
    else this.out.ignoredText.set(key, { count: 1, line: o.line, sample: o.label });
  }

  private finishOrphan(): void {
    if (this.orphan.length === 0) return;
    const cells = this.orphan;
    this.orphan = [];
    if (this.ctx === '4') return this.run(cells, this.orphanLine);
    if (hasValue(cells)) {
      const key = this.ctx ?? '-';
      const e = this.out.strayCells.get(key);
      const n = cells.filter((t) => t.k === CELL && t.text !== '').length;
      if (e) e.count += n;
      else this.out.strayCells.set(key, { count: n, line: this.orphanLine });
    }
  }

  /** A run of unlabeled cells in table 四: the first with numbers is the row of 15 values. */
  private run(cells: Token[], line: number): void {
    if (hasValue(cells)) {
      if (!this.out.reviewRun) this.out.reviewRun = { cells, line };
    } else if (cellCount(cells) >= 15 && !this.blankRun) this.blankRun = { cells, line };
  }
}
