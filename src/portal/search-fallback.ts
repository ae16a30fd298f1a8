/**
 * TEMPORARY — a substring search standing in for the search core (src/search/, being built
 * separately) until its `search(db, {scope, query, …})` lands. Replace `likeSearchFallback` with
 * that function in search.ts (the one caller) and delete this file.
 *
 * It scans the public items with LIKE (every word must occur in the title, summary, body, 文号,
 * 索引号 or an attachment's text of the published version), newest first. Correct but slow on a
 * large catalogue: no index can serve '%word%'. It starts from the visibility checkpoint, and
 * search.ts re-filters its ids through the checkpoint again, as it will for the real index.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { publicItems } from '../catalogue/visibility.js';
import type { Database } from '../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export interface FallbackRequest {
  /** Normalized query words (search/tokenize.ts parseQuery), ANDed. */
  words: readonly string[];
  /** The agencies searched (a column's subtree), or null for all. */
  agencyIds: readonly number[] | null;
  limit: number;
  offset: number;
}

/** '%word%' with LIKE's own characters escaped (used with ESCAPE '\'). */
function likePattern(word: string): string {
  return `%${word.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function likeSearchFallback(db: Q, req: FallbackRequest): Promise<{ ids: number[]; total: number }> {
  let q = publicItems(db);
  if (req.agencyIds) q = q.where('i.agency_id', 'in', req.agencyIds.length ? [...req.agencyIds] : [0]);
  for (const word of req.words) {
    const p = likePattern(word);
    const like = (col: string) => sql<boolean>`lower(${sql.ref(col)}) like ${p} escape '\\'`;
    q = q.where((eb) =>
      eb.or([
        like('v.title'),
        like('v.summary'),
        like('v.body'),
        like('v.doc_number'),
        like('i.index_number'),
        eb.exists(eb.selectFrom('catalogue_files as f').select('f.id').where('f.version_id', '=', eb.ref('v.id')).where(like('f.text'))),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    q.select('i.id as id').orderBy('v.published_on', 'desc').orderBy('i.id', 'desc').limit(req.limit).offset(req.offset).execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { ids: rows.map((r) => r.id), total: Number(count.n) };
}
