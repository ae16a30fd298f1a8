/**
 * The rules (lines) drawn on a PDF's pages, read straight from the page content streams: the
 * path operators only (m l c v y h re, painted with S s f F f* B B* b b*, n discards), under the
 * transformation matrix (q Q cm) and through form XObjects (Do). Text, images and colour are
 * skipped unread.
 *
 * pdf.js can give the same from its operator list, but builds that list for rendering — every
 * glyph of every text run, images decoded — which costs a third of a report's reading for what
 * is a few hundred rectangles. This reader handles what report PDFs are made of: cross-reference
 * tables and streams (also after incremental updates), object streams, FlateDecode (with PNG
 * predictors). Anything else — an encrypted file, another filter, a damaged structure — makes it
 * give up (null), and the caller asks pdf.js (pdf-engine.ts) for the operator list instead.
 */
import { inflateSync, constants as zlib } from 'node:zlib';
import type { HRule, VRule } from './pdf-engine.js';

export type Matrix = [number, number, number, number, number, number];

export const multiply = (m: readonly number[], n: readonly number[]): Matrix => [
  m[0]! * n[0]! + m[2]! * n[1]!,
  m[1]! * n[0]! + m[3]! * n[1]!,
  m[0]! * n[2]! + m[2]! * n[3]!,
  m[1]! * n[2]! + m[3]! * n[3]!,
  m[0]! * n[4]! + m[2]! * n[5]! + m[4]!,
  m[1]! * n[4]! + m[3]! * n[5]! + m[5]!,
];

export const apply = (m: readonly number[], x: number, y: number): [number, number] => [m[0]! * x + m[2]! * y + m[4]!, m[1]! * x + m[3]! * y + m[5]!];

/** Thinner than this a filled rectangle is a rule. */
export const THIN = 2.5;

/**
 * Collects rules from painted paths (points already in page coordinates, y downwards): a thin
 * filled rectangle is a rule; a stroked path gives its straight horizontal and vertical edges;
 * subpaths with curves give nothing.
 */
export class RuleCollector {
  readonly hs: HRule[] = [];
  readonly vs: VRule[] = [];

  private edge(ax: number, ay: number, bx: number, by: number): void {
    if (Math.abs(ay - by) < 1 && Math.abs(ax - bx) > THIN) this.hs.push({ y: (ay + by) / 2, x0: Math.min(ax, bx), x1: Math.max(ax, bx) });
    else if (Math.abs(ax - bx) < 1 && Math.abs(ay - by) > THIN) this.vs.push({ x: (ax + bx) / 2, y0: Math.min(ay, by), y1: Math.max(ay, by) });
  }

  /** One painted subpath. */
  subpath(pts: readonly (readonly [number, number])[], closed: boolean, curve: boolean, fill: boolean, stroke: boolean): void {
    if (pts.length < 2 || curve || (!fill && !stroke)) return;
    if (fill && !stroke) {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (const [x, y] of pts) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
      if (x1 - x0 <= THIN && y1 - y0 > THIN) this.vs.push({ x: (x0 + x1) / 2, y0, y1 });
      else if (y1 - y0 <= THIN && x1 - x0 > THIN) this.hs.push({ y: (y0 + y1) / 2, x0, x1 });
      return;
    }
    for (let k = 1; k < pts.length; k++) this.edge(pts[k - 1]![0], pts[k - 1]![1], pts[k]![0], pts[k]![1]);
    if (closed) this.edge(pts[pts.length - 1]![0], pts[pts.length - 1]![1], pts[0]![0], pts[0]![1]);
  }
}

// ---------------------------------------------------------------------------------------------
// Objects

class Unsupported extends Error {}

interface Ref {
  ref: number;
}
type Obj = number | string | boolean | null | Ref | Name | Obj[] | Dict | Stream;

class Name {
  constructor(readonly name: string) {}
}

type Dict = Map<string, Obj>;

interface Stream {
  dict: Dict;
  /** Where the raw data starts, and its length. */
  start: number;
  length: number;
}

const isRef = (o: Obj | undefined): o is Ref => typeof o === 'object' && o !== null && !Array.isArray(o) && 'ref' in o;
const isDict = (o: Obj | undefined): o is Dict => o instanceof Map;
const isStream = (o: Obj | undefined): o is Stream => typeof o === 'object' && o !== null && !Array.isArray(o) && 'dict' in o;

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

/** A parser of PDF objects over a latin1 view of the bytes. */
class Lexer {
  constructor(
    private readonly s: string,
    public i: number,
  ) {}

  private skip(): void {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && WS.has(s.charCodeAt(this.i))) this.i++;
      if (s.charCodeAt(this.i) === 0x25) {
        while (this.i < s.length && s.charCodeAt(this.i) !== 0x0a && s.charCodeAt(this.i) !== 0x0d) this.i++;
      } else return;
    }
  }

  /** The next object (a ref `n g R` is read as one). */
  obj(): Obj {
    this.skip();
    const s = this.s;
    const c = s[this.i];
    if (c === undefined) throw new Unsupported('end of data');
    if (c === '<' && s[this.i + 1] === '<') {
      this.i += 2;
      const d: Dict = new Map();
      for (;;) {
        this.skip();
        if (s[this.i] === '>' && s[this.i + 1] === '>') {
          this.i += 2;
          return d;
        }
        const k = this.obj();
        if (!(k instanceof Name)) throw new Unsupported('dictionary key');
        d.set(k.name, this.obj());
      }
    }
    if (c === '[') {
      this.i++;
      const a: Obj[] = [];
      for (;;) {
        this.skip();
        if (s[this.i] === ']') {
          this.i++;
          return a;
        }
        a.push(this.obj());
      }
    }
    if (c === '/') {
      let j = this.i + 1;
      while (j < s.length && !WS.has(s.charCodeAt(j)) && !DELIM.has(s.charCodeAt(j))) j++;
      const name = s.slice(this.i + 1, j).replace(/#([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      this.i = j;
      return new Name(name);
    }
    if (c === '(') {
      let depth = 0;
      let j = this.i;
      for (; j < s.length; j++) {
        const ch = s[j];
        if (ch === '\\') j++;
        else if (ch === '(') depth++;
        else if (ch === ')' && --depth === 0) break;
      }
      this.i = j + 1;
      return '';
    }
    if (c === '<') {
      const j = s.indexOf('>', this.i);
      if (j < 0) throw new Unsupported('hex string');
      this.i = j + 1;
      return '';
    }
    let j = this.i;
    while (j < s.length && !WS.has(s.charCodeAt(j)) && !DELIM.has(s.charCodeAt(j))) j++;
    const tok = s.slice(this.i, j);
    this.i = j;
    if (tok === '') throw new Unsupported('token');
    if (/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(tok)) {
      const n = Number(tok);
      // `n g R`: a reference.
      const save = this.i;
      const m = /^\s+(\d+)\s+R(?![A-Za-z])/.exec(s.slice(this.i, this.i + 24));
      if (m && Number.isInteger(n)) {
        this.i = save + m[0].length;
        return { ref: n };
      }
      return n;
    }
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok === 'null') return null;
    return new Name(`op:${tok}`);
  }
}

/** The cross-reference data and object access of one PDF. */
class Document {
  private readonly s: string;
  /** Object number → byte offset, or [object stream number, index]. */
  private readonly offsets = new Map<number, number | [number, number]>();
  private readonly cache = new Map<number, Obj>();
  private readonly objStreams = new Map<number, Map<number, Obj>>();
  trailer: Dict = new Map();

  constructor(private readonly bytes: Uint8Array) {
    this.s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const at = this.s.lastIndexOf('startxref');
    if (at < 0) throw new Unsupported('no startxref');
    const m = /^startxref\s+(\d+)/.exec(this.s.slice(at, at + 40));
    if (!m) throw new Unsupported('startxref');
    let next: number | null = Number(m[1]);
    const seen = new Set<number>();
    while (next !== null && !seen.has(next)) {
      seen.add(next);
      next = this.readXref(next);
    }
    if (this.trailer.has('Encrypt')) throw new Unsupported('encrypted');
  }

  /** Reads one cross-reference section (entries already known are newer); returns /Prev. */
  private readXref(at: number): number | null {
    let trailer: Dict;
    if (this.s.startsWith('xref', at)) {
      const lx = new Lexer(this.s, at + 4);
      for (;;) {
        const start = lx.obj();
        if (start instanceof Name && start.name === 'op:trailer') break;
        const count = lx.obj();
        if (typeof start !== 'number' || typeof count !== 'number') throw new Unsupported('xref table');
        // Entries are 20 bytes: 10 digits, space, 5 digits, space, n or f, end of line.
        const m = /^\s*/.exec(this.s.slice(lx.i, lx.i + 4))!;
        let p = lx.i + m[0].length;
        for (let k = 0; k < count; k++, p += 20) {
          const off = Number(this.s.slice(p, p + 10));
          const kind = this.s[p + 17];
          if (kind === 'n' && !this.offsets.has(start + k)) this.offsets.set(start + k, off);
        }
        lx.i = p;
      }
      const t = lx.obj();
      if (!isDict(t)) throw new Unsupported('trailer');
      trailer = t;
    } else {
      const o = this.parseAt(at);
      if (!isStream(o) || (o.dict.get('Type') as Name | undefined)?.name !== 'XRef') throw new Unsupported('xref');
      trailer = o.dict;
      const data = this.decode(o);
      const w = (o.dict.get('W') as number[]).map(Number);
      const size = Number(o.dict.get('Size'));
      const index = (o.dict.get('Index') as number[] | undefined) ?? [0, size];
      const row = w[0]! + w[1]! + w[2]!;
      let p = 0;
      const field = (n: number, dflt: number) => {
        if (n === 0) return dflt;
        let v = 0;
        for (let k = 0; k < n; k++) v = v * 256 + data[p++]!;
        return v;
      };
      for (let k = 0; k + 1 < index.length; k += 2) {
        for (let num = index[k]!; num < index[k]! + index[k + 1]!; num++) {
          if (p + row > data.length) break;
          const type = field(w[0]!, 1);
          const a = field(w[1]!, 0);
          const b = field(w[2]!, 0);
          if (this.offsets.has(num)) continue;
          if (type === 1) this.offsets.set(num, a);
          else if (type === 2) this.offsets.set(num, [a, b]);
        }
      }
    }
    for (const [k, v] of trailer) if (!this.trailer.has(k)) this.trailer.set(k, v);
    // A hybrid file's /XRefStm holds entries too.
    const stm = trailer.get('XRefStm');
    if (typeof stm === 'number') this.readXref(stm);
    const prev = trailer.get('Prev');
    return typeof prev === 'number' ? prev : null;
  }

  /** The object `n g obj … endobj` at a byte offset. */
  private parseAt(at: number): Obj {
    const lx = new Lexer(this.s, at);
    lx.obj();
    lx.obj();
    const kw = lx.obj();
    if (!(kw instanceof Name) || kw.name !== 'op:obj') throw new Unsupported('obj');
    const o = lx.obj();
    if (!isDict(o)) return o;
    const save = lx.i;
    const next = lx.obj();
    if (!(next instanceof Name) || next.name !== 'op:stream') {
      lx.i = save;
      return o;
    }
    let start = lx.i;
    if (this.s[start] === '\r') start++;
    if (this.s[start] === '\n') start++;
    const len = this.resolve(o.get('Length'));
    let length = typeof len === 'number' ? len : -1;
    if (length < 0 || this.s.slice(start + length, start + length + 20).indexOf('endstream') < 0) {
      const end = this.s.indexOf('endstream', start);
      if (end < 0) throw new Unsupported('stream');
      length = end - start;
    }
    return { dict: o, start, length };
  }

  resolve(o: Obj | undefined): Obj | undefined {
    if (!isRef(o)) return o;
    const n = o.ref;
    if (this.cache.has(n)) return this.cache.get(n);
    const where = this.offsets.get(n);
    let v: Obj | undefined;
    if (typeof where === 'number') v = this.parseAt(where);
    else if (where) v = this.fromObjStream(where[0], where[1], n);
    if (v !== undefined) this.cache.set(n, v);
    return v;
  }

  private fromObjStream(stm: number, _index: number, n: number): Obj | undefined {
    let objs = this.objStreams.get(stm);
    if (!objs) {
      const o = this.resolve({ ref: stm });
      if (!isStream(o)) throw new Unsupported('object stream');
      const data = Buffer.from(this.decode(o)).toString('latin1');
      const count = Number(o.dict.get('N'));
      const first = Number(o.dict.get('First'));
      const head = new Lexer(data, 0);
      const pairs: [number, number][] = [];
      for (let k = 0; k < count; k++) pairs.push([head.obj() as number, head.obj() as number]);
      objs = new Map();
      for (const [num, off] of pairs) objs.set(num, new Lexer(data, first + off).obj());
      this.objStreams.set(stm, objs);
    }
    return objs.get(n);
  }

  /** A stream's data, decoded (FlateDecode, with a PNG predictor, or none). */
  decode(st: Stream): Uint8Array {
    let data: Uint8Array = this.bytes.subarray(st.start, st.start + st.length);
    const f = this.resolve(st.dict.get('Filter'));
    const filters = f === undefined || f === null ? [] : Array.isArray(f) ? f : [f];
    const parms = this.resolve(st.dict.get('DecodeParms'));
    for (const [k, name] of filters.entries()) {
      if (!(name instanceof Name) || (name.name !== 'FlateDecode' && name.name !== 'Fl')) throw new Unsupported('filter');
      data = inflateSync(data, { finishFlush: zlib.Z_SYNC_FLUSH });
      const p = Array.isArray(parms) ? parms[k] : parms;
      if (isDict(p) && Number(p.get('Predictor') ?? 1) >= 10) data = unpredict(data, Number(p.get('Columns') ?? 1), Number(p.get('Colors') ?? 1) * Math.ceil(Number(p.get('BitsPerComponent') ?? 8) / 8));
      else if (isDict(p) && Number(p.get('Predictor') ?? 1) > 1) throw new Unsupported('TIFF predictor');
    }
    return data;
  }

  /** The pages in order, each with its (inherited) resources. */
  pages(): { dict: Dict; resources: Dict | undefined }[] {
    const out: { dict: Dict; resources: Dict | undefined }[] = [];
    const root = this.resolve(this.trailer.get('Root'));
    if (!isDict(root)) throw new Unsupported('root');
    const walk = (node: Obj | undefined, res: Dict | undefined, depth: number) => {
      const d = this.resolve(node);
      if (!isDict(d) || depth > 64) return;
      const r = this.resolve(d.get('Resources'));
      const resources = isDict(r) ? r : res;
      const kids = this.resolve(d.get('Kids'));
      if (Array.isArray(kids)) for (const k of kids) walk(k, resources, depth + 1);
      else out.push({ dict: d, resources });
    };
    walk(root.get('Pages'), undefined, 0);
    return out;
  }

  /** The decoded content of a page or form: its streams joined. */
  content(o: Obj | undefined): string {
    const c = this.resolve(o);
    const parts = Array.isArray(c) ? c.map((x) => this.resolve(x)) : [c];
    return parts
      .filter(isStream)
      .map((st) => Buffer.from(this.decode(st)).toString('latin1'))
      .join('\n');
  }
}

/** Undoes the PNG predictors (10–15) of a decoded stream. */
function unpredict(data: Uint8Array, columns: number, bpp: number): Uint8Array {
  const row = columns * bpp;
  const rows = Math.floor(data.length / (row + 1));
  const out = new Uint8Array(rows * row);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (row + 1)]!;
    const src = r * (row + 1) + 1;
    const dst = r * row;
    for (let i = 0; i < row; i++) {
      const raw = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - row + i]! : 0;
      const ul = r > 0 && i >= bpp ? out[dst - row + i - bpp]! : 0;
      let v: number;
      if (type === 0) v = raw;
      else if (type === 1) v = raw + left;
      else if (type === 2) v = raw + up;
      else if (type === 3) v = raw + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - ul;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - ul);
        v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : ul);
      } else throw new Unsupported('predictor');
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Content streams

const PAINT: Record<string, [fill: boolean, stroke: boolean, close: boolean]> = {
  S: [false, true, false],
  s: [false, true, true],
  f: [true, false, false],
  F: [true, false, false],
  'f*': [true, false, false],
  B: [true, true, false],
  'B*': [true, true, false],
  b: [true, true, true],
  'b*': [true, true, true],
  n: [false, false, false],
};

const PATH_OPS = new Set(['q', 'Q', 'cm', 'm', 'l', 'c', 'v', 'y', 'h', 're', 'Do', 'BI', ...Object.keys(PAINT)]);

/** Reads the path operators of a content stream into `out`; forms are followed (to a depth). */
function scanContent(doc: Document, content: string, resources: Dict | undefined, ctm0: Matrix, view: readonly number[], out: RuleCollector, depth: number): void {
  let ctm = ctm0;
  const stack: Matrix[] = [];
  const nums: number[] = [];
  let lastName: string | null = null;
  type Sub = { pts: [number, number][]; closed: boolean; curve: boolean };
  let subs: Sub[] = [];
  let cur: Sub | null = null;
  let cx = 0;
  let cy = 0;
  // The matrix from user space to the page: computed again only when the CTM changes.
  let m = multiply(view, ctm);
  let mFor = ctm;
  const point = (x: number, y: number): [number, number] => {
    if (mFor !== ctm) {
      m = multiply(view, ctm);
      mFor = ctm;
    }
    return apply(m, x, y);
  };
  const s = content;
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (WS.has(c)) {
      i++;
      continue;
    }
    if (c === 0x25) {
      while (i < n && s.charCodeAt(i) !== 0x0a && s.charCodeAt(i) !== 0x0d) i++;
      continue;
    }
    if (c === 0x28) {
      // A string: skipped (balanced parentheses, escapes).
      let d = 0;
      for (; i < n; i++) {
        const ch = s.charCodeAt(i);
        if (ch === 0x5c) i++;
        else if (ch === 0x28) d++;
        else if (ch === 0x29 && --d === 0) break;
      }
      i++;
      nums.length = 0;
      continue;
    }
    if (c === 0x3c) {
      if (s.charCodeAt(i + 1) === 0x3c) {
        // An inline dictionary (marked content properties): skipped.
        const lx = new Lexer(s, i);
        lx.obj();
        i = lx.i;
      } else {
        const j = s.indexOf('>', i);
        i = j < 0 ? n : j + 1;
      }
      nums.length = 0;
      continue;
    }
    if (c === 0x5b || c === 0x5d || c === 0x3e) {
      i++;
      if (c === 0x5b) nums.length = 0;
      continue;
    }
    let j = i;
    if (c === 0x2f) j++;
    while (j < n && !WS.has(s.charCodeAt(j)) && !DELIM.has(s.charCodeAt(j))) j++;
    const tok = s.slice(i, j);
    i = j;
    if (c === 0x2f) {
      lastName = tok.slice(1);
      continue;
    }
    const ch = tok.charCodeAt(0);
    if ((ch >= 0x30 && ch <= 0x39) || ch === 0x2d || ch === 0x2b || ch === 0x2e) {
      nums.push(+tok);
      continue;
    }
    // Text and colour operators (most of a page's operators) change nothing here.
    if (!PATH_OPS.has(tok)) {
      nums.length = 0;
      continue;
    }
    switch (tok) {
      case 'q':
        stack.push(ctm);
        break;
      case 'Q':
        ctm = stack.pop() ?? ctm;
        break;
      case 'cm':
        if (nums.length >= 6) ctm = multiply(ctm, nums.slice(-6));
        break;
      case 'm':
        if (nums.length >= 2) {
          [cx, cy] = [nums[nums.length - 2]!, nums[nums.length - 1]!];
          cur = { pts: [point(cx, cy)], closed: false, curve: false };
          subs.push(cur);
        }
        break;
      case 'l':
        if (nums.length >= 2 && cur) {
          [cx, cy] = [nums[nums.length - 2]!, nums[nums.length - 1]!];
          cur.pts.push(point(cx, cy));
        }
        break;
      case 'c':
      case 'v':
      case 'y':
        if (cur && nums.length >= 4) {
          [cx, cy] = [nums[nums.length - 2]!, nums[nums.length - 1]!];
          cur.curve = true;
          cur.pts.push(point(cx, cy));
        }
        break;
      case 'h':
        if (cur) {
          cur.closed = true;
          cur = { pts: [point(cx, cy)], closed: false, curve: false };
          subs.push(cur);
        }
        break;
      case 're':
        if (nums.length >= 4) {
          const [x, y, w, h] = nums.slice(-4) as [number, number, number, number];
          subs.push({ pts: [point(x, y), point(x + w, y), point(x + w, y + h), point(x, y + h)], closed: true, curve: false });
          cur = { pts: [point(x, y)], closed: false, curve: false };
          subs.push(cur);
          [cx, cy] = [x, y];
        }
        break;
      case 'Do':
        if (lastName && depth < 8 && resources) {
          const xo = doc.resolve(resources.get('XObject'));
          const form = isDict(xo) ? doc.resolve(xo.get(lastName)) : undefined;
          if (isStream(form) && (form.dict.get('Subtype') as Name | undefined)?.name === 'Form') {
            const m = doc.resolve(form.dict.get('Matrix'));
            const fm = Array.isArray(m) && m.length === 6 ? multiply(ctm, m as number[]) : ctm;
            const fr = doc.resolve(form.dict.get('Resources'));
            scanContent(doc, Buffer.from(doc.decode(form)).toString('latin1'), isDict(fr) ? fr : resources, fm, view, out, depth + 1);
          }
        }
        break;
      case 'BI': {
        // An inline image: its data runs from ID to EI.
        const id = s.indexOf('ID', i);
        const ei = id < 0 ? -1 : s.slice(id + 3).search(/\sEI(?=[\s%]|$)/);
        i = ei < 0 ? n : id + 3 + ei + 3;
        break;
      }
      default: {
        const p = PAINT[tok];
        if (p) {
          for (const sub of subs) out.subpath(sub.pts, sub.closed || p[2], sub.curve, p[0], p[1]);
          subs = [];
          cur = null;
        }
      }
    }
    nums.length = 0;
  }
}

/** A PDF's pages' rules as read from its content streams, or null when this reader cannot (then ask pdf.js). */
export class ContentRules {
  private readonly doc: Document;
  private readonly pageList: { dict: Dict; resources: Dict | undefined }[];

  private constructor(bytes: Uint8Array) {
    this.doc = new Document(bytes);
    this.pageList = this.doc.pages();
  }

  static open(bytes: Uint8Array): ContentRules | null {
    try {
      return new ContentRules(bytes);
    } catch {
      return null;
    }
  }

  /** The rules of page `n` (1-based) under the page's view transform, or null. */
  rules(n: number, view: readonly number[]): { hs: HRule[]; vs: VRule[] } | null {
    const page = this.pageList[n - 1];
    if (!page) return null;
    try {
      const out = new RuleCollector();
      scanContent(this.doc, this.doc.content(page.dict.get('Contents')), page.resources, [1, 0, 0, 1, 0, 0], view, out, 0);
      return { hs: out.hs, vs: out.vs };
    } catch {
      return null;
    }
  }
}
