/**
 * The search index, second step (src/search/):
 *
 * - search_sequences: the next sequence number of each sort key. A document's internal id is
 *   sortKey × 2^20 + sequence, and an id is never given twice (before this table the next id was
 *   the highest in use + 1, so removing the newest document of a sort key freed its id). With ids
 *   never reused, a PostgreSQL search answered by one statement can map its ids to the caller's
 *   ids in a second statement without a shared snapshot. Filled from the documents indexed so far.
 * - PostgreSQL: the blocks of search_postings change layout so that a walk reads row ids without
 *   decoding positions (src/search/postings.ts). Old layout, per posting, newest first: [row-id
 *   delta, except for the first] [number of positions] [position deltas]. New layout: all row-id
 *   deltas (n − 1), then the byte length of each posting's positions (n), then the positions.
 *   Every stored block is rewritten here; the conversion is self-contained (it must not change
 *   when the search code does).
 */
import { sql, type Kysely } from 'kysely';
import { dialectOf, notNull } from './util.js';

const SEQ = 2 ** 20;

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  const big = d === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('search_sequences')
    .addColumn('sort_key', big, (c) => c.primaryKey())
    .addColumn('next_seq', 'integer', notNull)
    .execute();
  await sql`INSERT INTO search_sequences (sort_key, next_seq)
    SELECT sort_key, max(id) - sort_key * ${sql.lit(SEQ)} + 1 FROM search_documents GROUP BY sort_key`.execute(db);
  if (d === 'postgres') await convertBlocks(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const d = await dialectOf(db);
  if (d === 'postgres') await convertBlocks(db, true);
  await db.schema.dropTable('search_sequences').execute();
}

interface Row {
  scope_id: number;
  token_id: number;
  lo: string | number;
  n: number;
  data: Uint8Array;
}

/** Rewrites every stored block (in key order, a thousand at a time). */
async function convertBlocks(db: Kysely<unknown>, back = false): Promise<void> {
  let after: [number, number, string] = [-1, -1, '-1'];
  for (;;) {
    const { rows } = await sql<Row>`SELECT scope_id, token_id, lo, n, data FROM search_postings
      WHERE (scope_id, token_id, lo) > (${after[0]}, ${after[1]}, ${after[2]}::bigint)
      ORDER BY scope_id, token_id, lo LIMIT 1000`.execute(db);
    if (!rows.length) return;
    for (const r of rows) {
      const data = back ? toOldLayout(r.data, r.n) : toNewLayout(r.data, r.n);
      await sql`UPDATE search_postings SET data = ${Buffer.from(data)}
        WHERE scope_id = ${r.scope_id} AND token_id = ${r.token_id} AND lo = ${String(r.lo)}::bigint`.execute(db);
    }
    const last = rows[rows.length - 1]!;
    after = [last.scope_id, last.token_id, String(last.lo)];
  }
}

/** Unsigned LEB128 varints, up to 2^53 (arithmetic, not 32-bit bit operations). */
class Bytes {
  out: number[] = [];
  constructor(
    private readonly data: Uint8Array = new Uint8Array(),
    public at = 0,
  ) {}
  read(): number {
    let v = 0;
    let mul = 1;
    let c: number;
    do {
      if (this.at >= this.data.length) throw new Error('search_postings: truncated block');
      c = this.data[this.at++]!;
      v += (c & 127) * mul;
      mul *= 128;
    } while (c & 128);
    return v;
  }
  write(v: number): void {
    while (v >= 128) {
      this.out.push((v % 128) | 128);
      v = Math.floor(v / 128);
    }
    this.out.push(v);
  }
}

/** Postings of a block: row-id deltas (n − 1) and each posting's position deltas. */
interface Parsed {
  deltas: number[];
  positions: number[][];
}

function encodedLength(values: readonly number[]): number {
  const b = new Bytes();
  for (const v of values) b.write(v);
  return b.out.length;
}

export function toNewLayout(data: Uint8Array, n: number): Uint8Array {
  const r = new Bytes(data);
  const p: Parsed = { deltas: [], positions: [] };
  for (let k = 0; k < n; k++) {
    if (k > 0) p.deltas.push(r.read());
    const count = r.read();
    const ps: number[] = [];
    for (let c = 0; c < count; c++) ps.push(r.read());
    p.positions.push(ps);
  }
  const w = new Bytes();
  for (const v of p.deltas) w.write(v);
  for (const ps of p.positions) w.write(encodedLength(ps));
  for (const ps of p.positions) for (const v of ps) w.write(v);
  return Uint8Array.from(w.out);
}

export function toOldLayout(data: Uint8Array, n: number): Uint8Array {
  const r = new Bytes(data);
  const deltas: number[] = [];
  for (let k = 1; k < n; k++) deltas.push(r.read());
  const lengths: number[] = [];
  for (let k = 0; k < n; k++) lengths.push(r.read());
  const w = new Bytes();
  for (let k = 0; k < n; k++) {
    if (k > 0) w.write(deltas[k - 1]!);
    const end = r.at + lengths[k]!;
    const ps: number[] = [];
    while (r.at < end) ps.push(r.read());
    w.write(ps.length);
    for (const v of ps) w.write(v);
  }
  return Uint8Array.from(w.out);
}
