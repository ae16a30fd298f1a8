/**
 * The search of the public column (条例第24条: the platform offers 检索、查阅、下载). A query is
 * parsed by the search core's own rules (search/tokenize.ts parseQuery: normalized words, ANDed;
 * too long or too many words → a Chinese message), the matching ids come from the search index
 * newest first (scope 'catalogue', a column's subtree by its agency key: catalogue/search-index.ts),
 * and every hit is read back through the visibility checkpoint (publicRowsByIds), so a stale
 * index can never show an item that is no longer public.
 */
import type { Db } from '../db/database.js';
import { parseQuery } from '../search/tokenize.js';
import { ValidationError } from '../validation.js';
import { publicRowsByIds, type PublicListRow } from './public-catalogue.js';
import { agencyKey, CATALOGUE_SCOPE } from '../catalogue/search-index.js';
import { search, SEARCH_MAX_OFFSET } from '../search/index.js';

export interface PublicSearch {
  /** The normalized words searched. */
  words: string[];
  rows: PublicListRow[];
  /** Hits, counted up to the index's cap. */
  total: number;
  /** More hits than counted ("1000 余"). */
  totalCapped: boolean;
}

/**
 * Checks what was typed: ValidationError {q: message} when it is empty (or only punctuation), too
 * long or has too many words; else the normalized words.
 */
export function searchWords(q: string): string[] {
  let words: string[];
  try {
    words = parseQuery(q).words.map((w) => w.text);
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError({ q: Object.values(e.fields)[0] ?? '检索词有误' });
    throw e;
  }
  if (words.length === 0) throw new ValidationError({ q: '请输入要检索的词语（信息名称、文号、索引号或正文中的文字）' });
  return words;
}

/** Deepest page of results (the search index skips at most SEARCH_MAX_OFFSET hits). */
export const MAX_SEARCH_OFFSET = SEARCH_MAX_OFFSET;

export async function searchPublic(db: Db, req: { query: string; words: string[]; columnId: number | null; limit: number; offset: number }): Promise<PublicSearch> {
  if (req.offset > MAX_SEARCH_OFFSET) throw new ValidationError({ page: `翻页过深，请缩小检索范围（最多查看前 ${MAX_SEARCH_OFFSET} 条结果）` });
  const hits = await search(db, {
    scope: CATALOGUE_SCOPE,
    query: req.query,
    filters: req.columnId === null ? [] : [agencyKey(req.columnId)],
    limit: req.limit,
    offset: req.offset,
  });
  const rows = await publicRowsByIds(db.kysely, hits.ids);
  return { words: req.words, rows, total: hits.total, totalCapped: hits.totalCapped };
}
