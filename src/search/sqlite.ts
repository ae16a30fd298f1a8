/**
 * The SQLite engine: an FTS5 table `search_fts` (migration 2026112808), contentless with
 * contentless_delete=1 (the text is not stored twice; rows can be deleted), the ascii tokenizer
 * (our tokens separated by spaces; all our token characters are non-ASCII or ASCII letters and
 * digits, so it splits exactly at the spaces) and full detail (positions, for phrases).
 *
 * A document's FTS5 row id is its internal id, so `ORDER BY rowid DESC LIMIT n` walks FTS5's
 * posting lists from the newest document and stops after n hits. Its text: the scope token, the
 * filter key tokens, then the positional tokens.
 *
 * The query is built from tokens only, each quoted ("…" with " doubled, though no token contains
 * one): a phrase word is "t1 t2 …", a filter group ("k1" OR "k2"), all ANDed with the scope
 * token. A one-character word is ("b1" OR "b2" OR … OR "tail"), the bigrams starting with the
 * character from search_tokens, the vocabulary of bigrams kept here for that purpose: FTS5's own
 * prefix query "c"* merges the whole posting list of every such bigram before answering (about
 * 100 ms at 50,000 items, growing with the index), a prefix index would cost +70 % of index size.
 */
import { sql } from 'kysely';
import { isBigram, scopeToken } from './tokenize.js';
import { chunks, type EngineResult, type IndexedRow, type PreparedDocument, type Q, type SearchPlan } from './types.js';

/** Replaces the FTS5 rows of `removed` by those of `added`. Stores no token ids (FTS5 needs none to delete). */
export async function write(q: Q, removed: readonly IndexedRow[], added: readonly PreparedDocument[]): Promise<Map<number, Uint8Array>> {
  for (const ids of chunks(removed.map((r) => r.id), 500)) {
    await sql`DELETE FROM search_fts WHERE rowid IN (${sql.join(ids)})`.execute(q);
  }
  const bigrams = new Set<string>();
  for (const part of chunks(added, 200)) {
    const rows = part.map((d) => sql`(${d.id}, ${[scopeToken(d.scope), ...d.keys, ...d.tokens].join(' ')})`);
    await sql`INSERT INTO search_fts (rowid, tokens) VALUES ${sql.join(rows)}`.execute(q);
    for (const d of part) for (const t of d.tokens) if (isBigram(t)) bigrams.add(t);
  }
  for (const part of chunks([...bigrams], 500)) {
    await sql`INSERT OR IGNORE INTO search_tokens (token) VALUES ${sql.join(part.map((t) => sql`(${t})`))}`.execute(q);
  }
  return new Map();
}

const quote = (token: string) => `"${token.replaceAll('"', '""')}"`;

const any = (tokens: readonly string[]) => (tokens.length === 1 ? quote(tokens[0]!) : `(${tokens.map(quote).join(' OR ')})`);

/** The FTS5 MATCH expression of a plan; `bigrams`: those of each one-character word, in order. */
export function matchExpression(plan: SearchPlan, bigrams: readonly string[][]): string {
  const parts = [quote(scopeToken(plan.scope))];
  let c = 0;
  for (const w of plan.words) parts.push(w.kind === 'phrase' ? quote(w.tokens.join(' ')) : any([...bigrams[c++]!, w.tail]));
  for (const g of plan.groups) parts.push(any(g));
  return parts.join(' AND ');
}

export async function search(q: Q, plan: SearchPlan): Promise<EngineResult> {
  const bigrams: string[][] = [];
  for (const w of plan.words) {
    if (w.kind !== 'char') continue;
    const next = String.fromCodePoint(w.prefix.codePointAt(0)! + 1);
    const r = await q.selectFrom('search_tokens').select('token').where('token', '>=', w.prefix).where('token', '<', next).execute();
    bigrams.push(r.map((x) => x.token));
  }
  const match = matchExpression(plan, bigrams);
  const count = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT rowid FROM search_fts
    WHERE search_fts MATCH ${match} AND rowid BETWEEN ${plan.minId} AND ${plan.topId} LIMIT ${plan.cap + 1})`.execute(q);
  const page = await sql<{ id: number }>`SELECT rowid AS id FROM search_fts
    WHERE search_fts MATCH ${match} AND rowid BETWEEN ${plan.minId} AND ${plan.startId}
    ORDER BY rowid DESC LIMIT ${plan.limit + 1} OFFSET ${plan.skip}`.execute(q);
  return { page: page.rows.map((r) => Number(r.id)), count: Number(count.rows[0]?.n ?? 0) };
}
