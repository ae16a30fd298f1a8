/**
 * Posting lists in blocks, and the cursors that walk them newest first (pure, no I/O): the index
 * structure of the PostgreSQL engine (src/search/postgres.ts).
 *
 * A token's posting list is the list of the documents containing it, by row id, each with the
 * token's positions in the document. It is stored as blocks, rows of search_postings keyed by
 * (scope, token, lo): each block holds the postings of a row-id interval [lo, hi], newest first,
 * compressed (varint deltas), about BLOCK_MAX_BYTES at most so that PostgreSQL keeps it inline.
 * Blocks of one list never overlap. Row ids grow with a document's sort key (src/search/index.ts),
 * so the newest hits are in the first blocks read, and a query with LIMIT 20 reads a few blocks
 * whatever the size of the index; a search never looks at a document that is not a hit
 * candidate of its rarest token (the leapfrog join below skips whole blocks).
 *
 * Block layout (`data`), postings newest first, in three parts so that a walk reads row ids
 * without touching positions: the row ids as varint deltas from the previous posting (n − 1 of
 * them: the first row id is the block's `hi`); the byte length of each posting's positions (n
 * varints); the positions of each posting as varint deltas (the first from 0). Filter-key tokens
 * have no positions.
 */

/** A block grows up to this many bytes (PostgreSQL stores rows under ~2 kB inline, uncompressed). */
export const BLOCK_MAX_BYTES = 1800;
/** …and up to this many postings. */
export const BLOCK_MAX_POSTINGS = 512;

/**
 * Postings in flat arrays, newest first: posting i is row id rowids[i] with the positions
 * pos[posStart[i] … posStart[i+1]). A decoded Block is one; writers build them with PostingsBuilder
 * (flat arrays: indexing a batch handles millions of postings without an object each).
 */
export interface Postings {
  rowids: ArrayLike<number>;
  posStart: ArrayLike<number>;
  pos: ArrayLike<number>;
}

/** A block as stored: row-id interval, number of postings, encoded postings. */
export interface StoredBlock {
  lo: number;
  hi: number;
  n: number;
  data: Uint8Array;
}

/**
 * A block as a walk reads it: row ids (newest first), and where each posting's positions are in
 * `data` (bytes posOff[i] … posOff[i+1]), decoded only for the candidates of a phrase.
 */
export interface Block {
  lo: number;
  hi: number;
  rowids: Float64Array;
  posOff: Uint32Array;
  data: Uint8Array;
}

// --- varints (LEB128, for numbers up to 2^53: arithmetic, not 32-bit bit operations) -----------

function varintSize(n: number): number {
  let s = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    s++;
  }
  return s;
}

class Writer {
  buf: Uint8Array;
  len = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(16, size));
  }
  uint(n: number): void {
    if (this.len + 8 > this.buf.length) {
      const b = new Uint8Array(this.buf.length * 2 + 16);
      b.set(this.buf.subarray(0, this.len));
      this.buf = b;
    }
    while (n >= 128) {
      this.buf[this.len++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.len++] = n;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Encodes a list of non-negative integers (a document's token ids, sorted) as varint deltas. */
export function encodeIds(sortedIds: readonly number[]): Uint8Array {
  const w = new Writer(sortedIds.length * 2);
  let prev = 0;
  for (const id of sortedIds) {
    w.uint(id - prev);
    prev = id;
  }
  return w.bytes();
}

export function decodeIds(data: Uint8Array): number[] {
  const out: number[] = [];
  let prev = 0;
  for (let i = 0; i < data.length; ) {
    let n = 0;
    let mul = 1;
    let b: number;
    do {
      b = data[i++]!;
      n += (b & 127) * mul;
      mul *= 128;
    } while (b & 128);
    prev += n;
    out.push(prev);
  }
  return out;
}

// --- blocks ---------------------------------------------------------------------------------

/** Collects postings; `sorted()` gives them newest first. */
export class PostingsBuilder implements Postings {
  rowids: number[] = [];
  posStart: number[] = [0];
  pos: number[] = [];

  get length(): number {
    return this.rowids.length;
  }

  add(rowid: number, positions: ArrayLike<number>, from = 0, to = positions.length): void {
    this.rowids.push(rowid);
    for (let k = from; k < to; k++) this.pos.push(positions[k]!);
    this.posStart.push(this.pos.length);
  }

  /** Appends posting i of `src`. */
  addFrom(src: Postings, i: number): void {
    this.rowids.push(src.rowids[i]!);
    for (let k = src.posStart[i]!; k < src.posStart[i + 1]!; k++) this.pos.push(src.pos[k]!);
    this.posStart.push(this.pos.length);
  }

  /** The postings newest first (itself when they already are). */
  sorted(): Postings {
    const ids = this.rowids;
    let ordered = true;
    for (let i = 1; i < ids.length && ordered; i++) if (ids[i]! > ids[i - 1]!) ordered = false;
    if (ordered) return this;
    const order = ids.map((_, i) => i).sort((a, b) => ids[b]! - ids[a]!);
    const out = new PostingsBuilder();
    for (const i of order) out.addFrom(this, i);
    return out;
  }
}

/** Bytes of posting i's positions (varint deltas). */
function positionsSize(p: Postings, i: number): number {
  let s = 0;
  let prev = 0;
  for (let k = p.posStart[i]!; k < p.posStart[i + 1]!; k++) {
    s += varintSize(p.pos[k]! - prev);
    prev = p.pos[k]!;
  }
  return s;
}

/** Encodes postings [from, to) of `p` (newest first, distinct row ids) as one block. */
export function encodeBlock(p: Postings, from = 0, to = p.rowids.length): StoredBlock {
  const w = new Writer((to - from) * 8);
  for (let i = from + 1; i < to; i++) w.uint(p.rowids[i - 1]! - p.rowids[i]!);
  for (let i = from; i < to; i++) w.uint(positionsSize(p, i));
  for (let i = from; i < to; i++) {
    let last = 0;
    for (let k = p.posStart[i]!; k < p.posStart[i + 1]!; k++) {
      w.uint(p.pos[k]! - last);
      last = p.pos[k]!;
    }
  }
  return { lo: p.rowids[to - 1]!, hi: p.rowids[from]!, n: to - from, data: w.bytes() };
}

/** The offset after the varint that readVarint read last (no array per call: a walk reads thousands). */
let varintEnd = 0;

/** Reads a varint at data[at]; the next offset is then varintEnd. */
function readVarint(data: Uint8Array, at: number): number {
  let v = 0;
  let mul = 1;
  let c: number;
  do {
    c = data[at++]!;
    v += (c & 127) * mul;
    mul *= 128;
  } while (c & 128);
  varintEnd = at;
  return v;
}

/** A block's row ids and where each posting's positions start (the walk's view). */
export function readBlock(b: StoredBlock): Block {
  const { n, data } = b;
  const rowids = new Float64Array(n);
  const posOff = new Uint32Array(n + 1);
  let at = 0;
  let rowid = b.hi;
  rowids[0] = rowid;
  for (let k = 1; k < n; k++) {
    rowid -= readVarint(data, at);
    at = varintEnd;
    rowids[k] = rowid;
  }
  // The lengths of the postings' positions, then the positions: each posting's start.
  for (let k = 0; k < n; k++) {
    posOff[k + 1] = readVarint(data, at);
    at = varintEnd;
  }
  posOff[0] = at;
  for (let k = 0; k < n; k++) posOff[k + 1] = posOff[k]! + posOff[k + 1]!;
  return { lo: b.lo, hi: b.hi, rowids, posOff, data };
}

/**
 * A posting's positions, ascending, decoded into a buffer that is reused: a walk decodes the
 * positions of thousands of postings, and an array for each was most of what a search allocated
 * (the scavenges that followed showed up in its slowest searches).
 */
export class Positions {
  values = new Uint32Array(16);
  length = 0;

  push(v: number): void {
    if (this.length === this.values.length) {
      const grown = new Uint32Array(this.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }

  /** Holds position p (binary search). */
  has(p: number): boolean {
    const vs = this.values;
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = vs[mid]!;
      if (v === p) return true;
      if (v < p) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** The positions of posting i of a block, into `out` (emptied first). */
export function positionsOf(b: Block, i: number, out: Positions = new Positions()): Positions {
  out.length = 0;
  let last = 0;
  const end = b.posOff[i + 1]!;
  for (let at = b.posOff[i]!; at < end; at = varintEnd) {
    last += readVarint(b.data, at);
    out.push(last);
  }
  return out;
}

/** Every posting of a block, positions included (for rewriting blocks). */
export function decodeBlock(b: StoredBlock): Postings {
  const r = readBlock(b);
  const out = new PostingsBuilder();
  const ps = new Positions();
  for (let i = 0; i < r.rowids.length; i++) out.add(r.rowids[i]!, positionsOf(r, i, ps).values, 0, ps.length);
  return out;
}

/**
 * Cuts a posting list (newest first) into blocks, filled from the oldest posting up: a block
 * keeps its `lo` when newer postings arrive, so that appending the newest documents rewrites
 * only the newest, partly filled block. Returns the blocks newest first.
 */
export function buildBlocks(p: Postings): StoredBlock[] {
  const blocks: StoredBlock[] = [];
  let end = p.rowids.length; // the current block is [start, end)
  let start = end;
  let size = 0;
  while (start > 0) {
    // Posting start − 1 becomes the block's first; the previous first one gets a row-id delta.
    const len = positionsSize(p, start - 1);
    const add = varintSize(len) + len + (start < end ? varintSize(p.rowids[start - 1]! - p.rowids[start]!) : 0);
    if (start < end && (end - start >= BLOCK_MAX_POSTINGS || size + add > BLOCK_MAX_BYTES)) {
      blocks.push(encodeBlock(p, start, end));
      end = start;
      size = 0;
      continue;
    }
    size += add;
    start--;
  }
  if (end > 0) blocks.push(encodeBlock(p, 0, end));
  return blocks.reverse();
}

/**
 * Applies changes to a stretch of a posting list, given as its blocks (each newest first, the
 * blocks newest first): removes the row ids of `remove`, then adds `add` (newest first; a row id
 * present in both is replaced). Returns the postings, newest first.
 */
export function mergePostings(blocks: readonly Postings[], remove: ReadonlySet<number>, add: Postings): PostingsBuilder {
  const out = new PostingsBuilder();
  let j = 0;
  const nAdd = add.rowids.length;
  for (const b of blocks) {
    for (let i = 0; i < b.rowids.length; i++) {
      const r = b.rowids[i]!;
      while (j < nAdd && add.rowids[j]! > r) out.addFrom(add, j++);
      if (j < nAdd && add.rowids[j] === r) continue; // replaced by the added one
      if (!remove.has(r)) out.addFrom(b, i);
    }
  }
  while (j < nAdd) out.addFrom(add, j++);
  return out;
}

// --- cursors --------------------------------------------------------------------------------

/**
 * A node of a query: walks its matches from the newest down. `seek(target)` moves to the first
 * match with row id ≤ target and returns true, or returns false when some list must first load
 * blocks (the caller loads them and calls seek again). Targets only go down: a node remembers
 * the lowest target it reached (`at`: everything above was answered or rejected) and reads a
 * higher one as that one, so a retry after loading blocks resumes where the node was.
 */
export interface Node {
  seek(target: number): boolean;
  /** The current match's row id, or -1 when there is none left. */
  rowid(): number;
  /** What must load before the node can answer (after seek returned false): lists, windows. */
  lists(): Loadable[];
  /** Every list under the node. */
  all(): ListCursor[];
  /**
   * Row ids at or below the current match that may match next, from blocks already loaded (at
   * most `max`): a sparse node's give the blocks a dense sibling will need (see ListCursor.hints).
   */
  upcoming(max: number): number[];
}

/** A request for blocks: those with lo ≤ target, newest first, at most `limit`. */
export interface BlockRequest {
  target: number;
  limit: number;
}

/**
 * What a list knows about the targets in [lo, upTo]: block `raw` holds the first posting at or
 * below each of them (no block of the list starts in (raw.lo, upTo]); or, with `raw` null and lo
 * −∞, the list has nothing at or below upTo.
 */
interface Known {
  lo: number;
  upTo: number;
  raw: StoredBlock | null;
  /** `raw` decoded, when the walk first enters it. */
  block?: Block;
}

/** Hints sent with one load, at most. */
const MAX_HINTS = 256;
/** Loaded rows a node looks at to choose its hints. */
const HINT_SCAN = 2048;
/**
 * Blocks of a list's first load (then 4 and 16 times as many, up to MAX_LOAD): a count up to 1,000
 * usually needs no second round trip (blocks are decoded only when the walk reaches them). Lists
 * under a union (a character's hundreds of bigrams) start with one block.
 */
export const FIRST_LOAD = 8;
/** A list of at most this many blocks is loaded whole by a search's first statement (postgres.ts). */
export const WHOLE_LIST = 16;
const MAX_LOAD = 64;

/**
 * One token's posting list, loaded block by block. A load asks for the blocks from the pending
 * target down, more each time (a long walk costs few round trips); or, when the hints (the next
 * candidates of a sparser list joined with this one) lie further apart than this list's blocks
 * span, only the block covering each of them: a rare token joined with a common one then costs
 * one round trip per 256 candidates instead of one per candidate.
 */
export class ListCursor implements Node {
  /** Set when seek needs blocks covering this target before it can answer. */
  pending: number | null = null;
  /** Row ids below `pending` whose blocks should come with the same load. */
  hints: number[] = [];
  /** How many loads this list had. */
  loads = 0;
  private known: Known[] = [];
  private ki = 0;
  private pi = 0;
  private cur = Number.POSITIVE_INFINITY;
  private at = Number.POSITIVE_INFINITY;
  private readonly posCache = new Positions();
  private readonly peeked = new Positions();
  private posOf: Block | null = null;
  private posAt = -1;

  constructor(
    readonly tokenId: number,
    /** Blocks of the first load (FIRST_LOAD, or 1 under a union). */
    readonly firstLoad = FIRST_LOAD,
  ) {}

  seek(target: number): boolean {
    if (target > this.at) target = this.at;
    this.at = target;
    if (this.cur <= target) return true;
    while (this.ki < this.known.length && this.known[this.ki]!.lo > target) {
      this.ki++;
      this.pi = 0;
    }
    const k = this.known[this.ki];
    if (!k || k.upTo < target) {
      this.pending = target;
      return false;
    }
    if (!k.raw) {
      this.cur = -1;
      return true;
    }
    // The first posting ≤ target, from the current one on (binary search, newest first).
    const ids = (k.block ??= readBlock(k.raw)).rowids;
    let lo = this.pi;
    let hi = ids.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid]! > target) lo = mid + 1;
      else hi = mid;
    }
    this.pi = lo;
    this.cur = ids[lo]!;
    return true;
  }

  rowid(): number {
    return this.cur;
  }

  /** The positions of the current posting (a buffer of the cursor's, valid until it moves). */
  positions(): Positions {
    const b = this.known[this.ki]!.block!;
    if (this.posOf !== b || this.posAt !== this.pi) {
      positionsOf(b, this.pi, this.posCache);
      this.posOf = b;
      this.posAt = this.pi;
    }
    return this.posCache;
  }

  /**
   * Row `rowid`'s positions from the blocks already loaded, without moving the cursor: null when
   * they show that the list does not hold it, undefined when they do not tell. (The buffer is the
   * cursor's, valid until its next peek.)
   */
  peek(rowid: number): Positions | null | undefined {
    for (const k of this.known) {
      if (k.lo > rowid) continue;
      if (k.upTo < rowid) return undefined;
      if (!k.raw) return null;
      const b = (k.block ??= readBlock(k.raw));
      const ids = b.rowids;
      let lo = 0;
      let hi = ids.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (ids[mid] === rowid) return positionsOf(b, mid, this.peeked);
        if (ids[mid]! > rowid) lo = mid + 1;
        else hi = mid - 1;
      }
      return null;
    }
    return undefined;
  }

  /**
   * The postings after the current one in the blocks already loaded, newest first, at most `max`:
   * `visit(block, i)` for each, until it returns false (no array is built: a phrase looks at
   * thousands of them to choose its next windows).
   */
  eachNext(max: number, visit: (block: Block, i: number) => boolean): void {
    if (this.cur < 0 || this.cur === Number.POSITIVE_INFINITY) return;
    let seen = 0;
    for (let k = this.ki, p = this.pi + 1; k < this.known.length; k++, p = 0) {
      const known = this.known[k]!;
      if (!known.raw) return;
      const b = (known.block ??= readBlock(known.raw));
      for (; p < b.rowids.length; p++) if (++seen > max || !visit(b, p)) return;
    }
  }

  lists(): Loadable[] {
    return this.pending !== null ? [this] : [];
  }

  all(): ListCursor[] {
    return [this];
  }

  upcoming(max: number): number[] {
    const out: number[] = [];
    if (this.cur < 0 || this.cur === Number.POSITIVE_INFINITY) return out;
    for (let k = this.ki, p = this.pi; k < this.known.length && out.length < max; k++, p = 0) {
      const known = this.known[k]!;
      if (!known.raw) break;
      const b = (known.block ??= readBlock(known.raw));
      for (; p < b.rowids.length && out.length < max; p++) out.push(b.rowids[p]!);
    }
    return out;
  }

  /** The blocks to ask for: from the pending target down; or one per hint (see the class). */
  requests(): BlockRequest[] {
    const target = this.pending!;
    const hints = [...new Set(this.hints)].filter((h) => h < target && !this.covers(h)).sort((a, b) => b - a).slice(0, MAX_HINTS);
    const spans = this.known.filter((k) => k.raw).map((k) => k.raw!.hi - k.raw!.lo + 1);
    const span = spans.length ? spans.reduce((a, b) => a + b, 0) / spans.length : Number.POSITIVE_INFINITY;
    const apart = hints.length ? (target - hints[hints.length - 1]!) / hints.length : 0;
    if (apart > span) return [{ target, limit: 1 }, ...hints.map((h) => ({ target: h, limit: 1 }))];
    return [{ target, limit: Math.min(MAX_LOAD, this.firstLoad * 4 ** this.loads) }];
  }

  private covers(t: number): boolean {
    return this.known.some((k) => k.lo <= t && t <= k.upTo);
  }

  /** The answers to requests(), in the same order (each: blocks newest first). */
  receive(requests: readonly BlockRequest[], answers: readonly StoredBlock[][]): void {
    // Keep what is known at or below the target; add what the answers tell.
    const known = this.known.filter((k) => k.lo <= this.at);
    requests.forEach((r, i) => {
      const blocks = answers[i]!;
      let upTo = r.target;
      for (const b of blocks) {
        known.push({ lo: b.lo, upTo, raw: b });
        upTo = b.lo - 1;
      }
      if (blocks.length < r.limit) known.push({ lo: Number.NEGATIVE_INFINITY, upTo, raw: null });
    });
    // One entry per block (the widest), newest first; "nothing below" only under the lowest block.
    known.sort((x, y) => y.lo - x.lo || y.upTo - x.upTo);
    this.known = [];
    for (const k of known) {
      const last = this.known[this.known.length - 1];
      if (last && last.lo === k.lo) continue;
      this.known.push(k);
    }
    this.ki = 0;
    this.pi = 0;
    this.cur = Number.POSITIVE_INFINITY;
    this.pending = null;
    this.hints = [];
    this.loads++;
  }

  /** A list known to be empty (its token is in no document of the scope). */
  static empty(): ListCursor {
    const c = new ListCursor(-1);
    c.known = [{ lo: Number.NEGATIVE_INFINITY, upTo: Number.POSITIVE_INFINITY, raw: null }];
    c.loads = 1;
    return c;
  }
}

/** Any of several nodes (a filter key among several, a character's bigrams). */
export class UnionNode implements Node {
  private cur = Number.POSITIVE_INFINITY;
  private at = Number.POSITIVE_INFINITY;
  constructor(private readonly children: Node[]) {}

  seek(target: number): boolean {
    if (target > this.at) target = this.at;
    this.at = target;
    if (this.cur <= target) return true;
    let ok = true;
    for (const c of this.children) if (!c.seek(target)) ok = false;
    if (!ok) return false;
    let best = -1;
    for (const c of this.children) best = Math.max(best, c.rowid());
    this.cur = best;
    return true;
  }

  rowid(): number {
    return this.cur;
  }

  lists(): Loadable[] {
    return this.children.flatMap((c) => c.lists());
  }

  all(): ListCursor[] {
    return this.children.flatMap((c) => c.all());
  }

  upcoming(max: number): number[] {
    const ids = [...new Set(this.children.flatMap((c) => c.upcoming(max)))].sort((a, b) => b - a);
    return ids.slice(0, max);
  }
}

/**
 * All of several nodes (a leapfrog join: each child jumps to the current candidate or below,
 * the lowest answer becomes the next candidate), optionally with a check of the candidate (a
 * phrase's positions).
 */
export class AndNode implements Node {
  private cur = Number.POSITIVE_INFINITY;
  private at = Number.POSITIVE_INFINITY;
  constructor(
    private readonly children: Node[],
    /** The check of a candidate: true, false, or null while it waits for data it asked for. */
    private readonly accept: (rowid: number) => boolean | null = () => true,
  ) {}

  seek(target: number): boolean {
    if (target > this.at) target = this.at;
    if (this.cur <= target) return true;
    for (;;) {
      this.at = target;
      // Every child goes to the candidate (or below); a lower answer becomes the candidate. Children
      // that need blocks are all reported at once, after the others agree on the candidate.
      let pending = false;
      let low = target;
      for (const c of this.children) {
        if (!c.seek(target)) {
          pending = true;
          continue;
        }
        const r = c.rowid();
        if (r < 0) {
          this.cur = -1;
          return true;
        }
        if (r < low) low = r;
      }
      if (low < target) {
        target = low;
        continue;
      }
      if (pending) {
        this.hint(target);
        return false;
      }
      const ok = this.accept(target);
      if (ok === null) return false;
      if (ok) {
        this.cur = target;
        return true;
      }
      target--;
    }
  }

  /**
   * Gives the lists waiting for blocks the next candidates: rows of the sparsest child that has
   * its blocks, without those another such child is seen to lack (only a guess of where the
   * walk goes next: hints change how many round trips a walk takes, never what it finds).
   */
  private hint(target: number): void {
    const ups = this.children.filter((c) => !c.lists().length).map((c) => c.upcoming(HINT_SCAN).filter((id) => id < target));
    let best = -1;
    let gap = 0;
    ups.forEach((ids, i) => {
      const g = ids.length ? (target - ids[ids.length - 1]!) / ids.length : 0;
      if (g > gap) {
        gap = g;
        best = i;
      }
    });
    if (best < 0) return;
    const others = ups.filter((_, i) => i !== best).map((ids) => ({ has: new Set(ids), low: ids.length ? ids[ids.length - 1]! : Number.POSITIVE_INFINITY }));
    const hints: number[] = [];
    for (const id of ups[best]!) {
      if (others.every((o) => id < o.low || o.has.has(id))) hints.push(id);
      if (hints.length >= MAX_HINTS) break;
    }
    for (const c of this.children) for (const l of c.lists()) if (l instanceof ListCursor) l.hints.push(...hints);
  }

  rowid(): number {
    return this.cur;
  }

  lists(): Loadable[] {
    return this.children.flatMap((c) => c.lists());
  }

  all(): ListCursor[] {
    return this.children.flatMap((c) => c.all());
  }

  upcoming(max: number): number[] {
    // The sparsest child's next rows: a superset of the next matches, as far as it is loaded.
    let best: number[] = [];
    let gap = -1;
    for (const c of this.children) {
      const ids = c.upcoming(max);
      if (!ids.length) continue;
      const g = (ids[0]! - ids[ids.length - 1]!) / ids.length;
      if (g > gap) {
        gap = g;
        best = ids;
      }
    }
    return best;
  }
}

/**
 * A phrase: the tokens at positions p, p+1, …, p+k−1 of one document. `cursors[i]` is the
 * cursor of the phrase's i-th token (a token repeated in the phrase shares its cursor).
 */
export function phraseNode(cursors: ListCursor[]): Node {
  const distinct = [...new Set(cursors)];
  if (cursors.length === 1) return cursors[0]!;
  return new AndNode(distinct, () => {
    const first = cursors[0]!.positions();
    for (let i = 0; i < first.length; i++) {
      const p = first.values[i]!;
      let k = 1;
      while (k < cursors.length && cursors[k]!.positions().has(p + k)) k++;
      if (k === cursors.length) return true;
    }
    return false;
  });
}

// --- token sequences: the phrase check on a few candidates ---------------------------------------

/**
 * A document's token sequence as stored (search_forward): the id of the token at each position,
 * `width` bytes each, big-endian (the fewest bytes that hold the document's largest id), so that
 * the tokens at positions [s, s + k) are bytes [s·width, (s + k)·width): PostgreSQL returns that
 * slice alone (substring of an uncompressed value), whatever the size of the document.
 */
export function encodeSequence(ids: ArrayLike<number>): { width: number; seq: Uint8Array } {
  let max = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
  const width = max < 2 ** 16 ? 2 : max < 2 ** 24 ? 3 : 4;
  const seq = new Uint8Array(ids.length * width);
  for (let i = 0, at = 0; i < ids.length; i++) {
    let v = ids[i]!;
    for (let b = width - 1; b >= 0; b--) {
      seq[at + b] = v & 255;
      v >>>= 8;
    }
    at += width;
  }
  return { width, seq };
}

/** Token ids of a slice of a stored sequence (a window). */
export function decodeWindow(bytes: Uint8Array, width: number): number[] {
  if (width < 2 || width > 4 || bytes.length % width) throw new Error(`search index: damaged token sequence (width ${width}, ${bytes.length} bytes)`);
  const out: number[] = [];
  for (let at = 0; at < bytes.length; at += width) {
    let v = 0;
    for (let b = 0; b < width; b++) v = v * 256 + bytes[at + b]!;
    out.push(v);
  }
  return out;
}

/** Tokens [start, start + length) of document `rowid`'s sequence. */
export interface WindowRequest {
  rowid: number;
  start: number;
  length: number;
}

/** A window as loaded: the slice of the sequence and its width; null when the document has none. */
export type WindowAnswer = { width: number; bytes: Uint8Array } | null;

/** Windows asked for in one load, at most. */
const MAX_WINDOWS = 1024;

/**
 * Windows of the candidates' token sequences, for one phrase (all of its length), loaded in
 * batches: the first request is the walk's current candidate, the others its next candidates
 * (hints), so that a phrase checked on a few hundred candidates costs one or two round trips.
 */
export class WindowLoader {
  /** Requests for the next load. */
  pending: WindowRequest[] = [];
  private readonly loaded = new Map<number, Map<number, number[]> | null>();

  constructor(readonly length: number) {}

  /** undefined: not loaded; null: the document has no stored sequence; else the window (shorter at the end of the document). */
  window(rowid: number, start: number): number[] | null | undefined {
    const w = this.loaded.get(rowid);
    return w === null ? null : w?.get(start);
  }

  /** Asks for the windows at `starts` of document `rowid` (those not loaded yet). */
  want(rowid: number, starts: readonly number[]): void {
    const w = this.loaded.get(rowid);
    if (w === null) return;
    for (const start of starts) {
      if (this.pending.length >= MAX_WINDOWS) return;
      if (!w?.has(start)) this.pending.push({ rowid, start, length: this.length });
    }
  }

  requests(): WindowRequest[] {
    return this.pending;
  }

  /** The answers to requests(), in the same order. */
  receive(requests: readonly WindowRequest[], answers: readonly WindowAnswer[]): void {
    requests.forEach((r, i) => {
      const a = answers[i];
      if (!a) {
        this.loaded.set(r.rowid, null);
        return;
      }
      let w = this.loaded.get(r.rowid);
      if (w === null) return;
      if (!w) this.loaded.set(r.rowid, (w = new Map()));
      w.set(r.start, decodeWindow(a.bytes, a.width));
    });
    this.pending = [];
  }
}

/**
 * A phrase whose frequent tokens are checked on the candidates' token sequences rather than by
 * their posting lists: `cursors[i]` is the cursor of the phrase's i-th token, and the tokens whose
 * cursor is in `sparse` drive the join (their lists give the candidates, with positions); each
 * candidate position is then checked against a window of the document's sequence. This is what
 * makes a rare phrase containing a common bigram (宇宝建设: 宇宝 rare, 建设 in 40 % of documents)
 * cheap: without it the common list's block under every candidate is read (a block per candidate
 * when the candidates lie further apart than the common list's blocks span).
 *
 * A document indexed before the sequences existed has none: it is checked by the frequent tokens'
 * lists (`cursors` not in `sparse`, which must be cursors of their own: they are moved only here).
 */
export class SequencePhrase implements Node {
  private readonly inner: AndNode;
  private readonly drivers: { cursor: ListCursor; offset: number }[] = [];
  private readonly checked: { cursor: ListCursor; tokenId: number; offset: number }[] = [];
  private readonly checkedCursors: ListCursor[];

  /** The sparsest driver (the first of `sparse`): its next postings choose the next windows. */
  private readonly lead: ListCursor;
  private readonly leadOffset: number;
  /** The other drivers, each at its offsets from the lead's. */
  private readonly others: { cursor: ListCursor; shifts: number[] }[];
  private readonly scratch: Positions[] = [];
  private readonly leadPositions = new Positions();

  constructor(
    cursors: readonly ListCursor[],
    /** The drivers, sparsest first. */
    sparse: ReadonlySet<ListCursor>,
    private readonly windows: WindowLoader,
  ) {
    cursors.forEach((cursor, offset) => {
      if (sparse.has(cursor)) this.drivers.push({ cursor, offset });
      else this.checked.push({ cursor, tokenId: cursor.tokenId, offset });
    });
    if (!this.drivers.length || !this.checked.length) throw new Error('SequencePhrase: needs sparse and checked tokens');
    if (windows.length !== cursors.length) throw new Error('SequencePhrase: windows of another length');
    this.checkedCursors = [...new Set(this.checked.map((c) => c.cursor))];
    const drivers = [...sparse].filter((c) => cursors.includes(c));
    this.lead = drivers[0]!;
    this.leadOffset = cursors.indexOf(this.lead);
    this.others = drivers.slice(1).map((cursor) => ({ cursor, shifts: this.drivers.filter((d) => d.cursor === cursor).map((d) => d.offset - this.leadOffset) }));
    this.inner = new AndNode(drivers, (rowid) => this.check(rowid));
  }

  seek(target: number): boolean {
    return this.inner.seek(target);
  }

  rowid(): number {
    return this.inner.rowid();
  }

  lists(): Loadable[] {
    const out = this.inner.lists();
    if (this.windows.pending.length) out.push(this.windows);
    for (const c of this.checkedCursors) if (c.pending !== null) out.push(c);
    return out;
  }

  all(): ListCursor[] {
    return this.inner.all();
  }

  upcoming(max: number): number[] {
    return this.inner.upcoming(max);
  }

  /** The candidate the drivers agree on: the phrase at one of its starts? (null: waiting for windows or blocks) */
  private check(rowid: number): boolean | null {
    const first = this.drivers[0]!;
    const starts: number[] = [];
    const ps = first.cursor.positions();
    for (let j = 0; j < ps.length; j++) {
      const s = ps.values[j]! - first.offset;
      if (s < 0) continue;
      let ok = true;
      for (let i = 1; i < this.drivers.length && ok; i++) ok = this.drivers[i]!.cursor.positions().has(s + this.drivers[i]!.offset);
      if (ok) starts.push(s);
    }
    if (!starts.length) return false;
    let missing = 0;
    for (const s of starts) {
      const w = this.windows.window(rowid, s);
      if (w === null) return this.checkByLists(rowid, starts);
      if (w === undefined) starts[missing++] = s;
      else if (this.inWindow(w)) return true;
    }
    if (!missing) return false;
    starts.length = missing;
    this.windows.want(rowid, starts);
    this.hintWindows();
    return null;
  }

  /** The checked tokens are in window `w` (of the whole phrase). */
  private inWindow(w: readonly number[]): boolean {
    for (const c of this.checked) if (w[c.offset] !== c.tokenId) return false;
    return true;
  }

  /**
   * The next candidates' windows come with the same load: the lead's next postings that the
   * other drivers hold too, at the positions where the other drivers agree (as far as their
   * blocks are loaded: beyond that the walk loads them first, and the windows from there on come
   * with a later load, rather than windows of documents that are no candidates).
   */
  private hintWindows(): void {
    const others = this.scratch;
    this.lead.eachNext(HINT_SCAN, (b, i) => {
      const id = b.rowids[i]!;
      others.length = 0;
      for (const o of this.others) {
        const ps = o.cursor.peek(id);
        if (ps === null) return true;
        if (ps === undefined) return false;
        others.push(ps);
      }
      const starts: number[] = [];
      const ps = positionsOf(b, i, this.leadPositions);
      for (let j = 0; j < ps.length; j++) {
        const p = ps.values[j]!;
        if (p < this.leadOffset) continue;
        let ok = true;
        for (let k = 0; k < others.length && ok; k++) {
          for (const shift of this.others[k]!.shifts) ok &&= others[k]!.has(p + shift);
        }
        if (ok) starts.push(p - this.leadOffset);
      }
      if (starts.length) this.windows.want(id, starts);
      return this.windows.pending.length < MAX_WINDOWS;
    });
  }

  /** A document without a stored sequence: the checked tokens' own lists. */
  private checkByLists(rowid: number, starts: number[]): boolean | null {
    let wait = false;
    for (const c of this.checkedCursors) if (!c.seek(rowid)) wait = true;
    if (wait) {
      const next = this.inner.upcoming(HINT_SCAN).filter((id) => id < rowid);
      for (const c of this.checkedCursors) if (c.pending !== null) c.hints.push(...next.slice(0, MAX_HINTS));
      return null;
    }
    if (this.checkedCursors.some((c) => c.rowid() !== rowid)) return false;
    return starts.some((s) => this.checked.every((c) => c.cursor.positions().has(s + c.offset)));
  }
}

/** What a walk may wait for: blocks of a list, or windows of token sequences. */
export type Loadable = ListCursor | WindowLoader;

/**
 * Loads what the walk waits for (one round trip per kind): answers each list's or window
 * loader's requests() with receive().
 */
export type BlockFetcher = (pending: Loadable[]) => Promise<void>;

/**
 * Walks the matches of `root` from `from` (a row id) down to `downTo`, newest first, calling
 * `visit` with each until it returns false.
 */
export async function walk(root: Node, fetch: BlockFetcher, from: number, downTo: number, visit: (rowid: number) => boolean): Promise<void> {
  // Every list loads its first blocks in the same round trip.
  const first = [...new Set(root.all())].filter((c) => c.loads === 0 && c.pending === null && c.rowid() !== -1);
  for (const c of first) c.pending = from;
  if (first.length) await fetch(first);
  let target = from;
  while (target >= downTo) {
    if (!root.seek(target)) {
      await fetch([...new Set(root.lists())]);
      continue;
    }
    const r = root.rowid();
    if (r < downTo) return;
    // A walk only goes down; anything else is a damaged block (never loop on one).
    if (r > target) throw new Error(`search index: posting list out of order (row ${r} above ${target})`);
    if (!visit(r)) return;
    target = r - 1;
  }
}
