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
 * one): a phrase word is "t1 t2 …", a one-character word ("c"* OR "tail"), a filter group
 * ("k1" OR "k2"); all ANDed with the scope token.
 */
import { sql } from 'kysely';
import { scopeToken } from './tokenize.js';
import { chunks, type EngineResult, type IndexedRow, type PreparedDocument, type Q, type SearchPlan } from './types.js';

/** Replaces the FTS5 rows of `removed` by those of `added`. Stores no token ids (FTS5 needs none to delete). */
export async function write(q: Q, removed: readonly IndexedRow[], added: readonly PreparedDocument[]): Promise<Map<number, Uint8Array>> {
  for (const ids of chunks(removed.map((r) => r.id), 500)) {
    await sql`DELETE FROM search_fts WHERE rowid IN (${sql.join(ids)})`.execute(q);
  }
  for (const part of chunks(added, 200)) {
    const rows = part.map((d) => sql`(${d.id}, ${[scopeToken(d.scope), ...d.keys, ...d.tokens].join(' ')})`);
    await sql`INSERT INTO search_fts (rowid, tokens) VALUES ${sql.join(rows)}`.execute(q);
  }
  return new Map();
}

const quote = (token: string) => `"${token.replaceAll('"', '""')}"`;

/** The FTS5 MATCH expression of a plan. */
export function matchExpression(plan: SearchPlan): string {
  const parts = [quote(scopeToken(plan.scope))];
  for (const w of plan.words) {
    parts.push(w.kind === 'phrase' ? quote(w.tokens.join(' ')) : `(${quote(w.prefix)}* OR ${quote(w.tail)})`);
  }
  for (const g of plan.groups) parts.push(g.length === 1 ? quote(g[0]!) : `(${g.map(quote).join(' OR ')})`);
  return parts.join(' AND ');
}

export async function search(q: Q, plan: SearchPlan): Promise<EngineResult> {
  const match = matchExpression(plan);
  const count = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT rowid FROM search_fts
    WHERE search_fts MATCH ${match} AND rowid BETWEEN ${plan.minId} AND ${plan.topId} LIMIT ${plan.cap + 1})`.execute(q);
  const page = await sql<{ id: number }>`SELECT rowid AS id FROM search_fts
    WHERE search_fts MATCH ${match} AND rowid BETWEEN ${plan.minId} AND ${plan.startId}
    ORDER BY rowid DESC LIMIT ${plan.limit + 1} OFFSET ${plan.skip}`.execute(q);
  return { page: page.rows.map((r) => Number(r.id)), count: Number(count.rows[0]?.n ?? 0) };
}
