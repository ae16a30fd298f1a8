/** What the search API (index.ts) hands to its two engines (sqlite.ts, postgres.ts). */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { QueryWord } from './tokenize.js';

export type Q = Kysely<Database> | Transaction<Database>;

/** A document to write: its internal id (allocated by index.ts), scope, tokens and key tokens. */
export interface PreparedDocument {
  id: number;
  scope: string;
  docId: number;
  sortKey: number;
  /** Positional tokens (tokenize.ts documentTokens). */
  tokens: string[];
  /** Filter key tokens (tokenize.ts keyToken), distinct. */
  keys: string[];
  /** PostgreSQL: the token sequence, set by the engine's write (stored by writeSequences). */
  sequence?: { width: number; seq: Uint8Array };
}

/** An indexed document as stored (the old version of a document being replaced or removed). */
export interface IndexedRow {
  id: number;
  scope: string;
  /** PostgreSQL: the ids of the tokens it is listed under (postings.ts encodeIds); SQLite: null. */
  token_ids: Uint8Array | null;
}

/**
 * A search as the engines see it: hits are the documents of `scope` matching every word and
 * every filter group, with minId ≤ id ≤ topId. The engine counts hits from topId down (up to
 * cap + 1) and returns the page: from startId down, skipping `skip`, limit + 1 ids (one more
 * tells that a next page exists).
 */
export interface SearchPlan {
  scope: string;
  words: QueryWord[];
  /** Filter key tokens: every group must hold; a group holds with any of its tokens. */
  groups: string[][];
  minId: number;
  topId: number;
  startId: number;
  skip: number;
  limit: number;
  cap: number;
}

export interface EngineResult {
  /** Internal ids, newest first (up to limit + 1). */
  page: number[];
  /** Hits from the top, up to cap + 1. */
  count: number;
  /** Internal id → the caller's id, for the documents the engine read it of (PostgreSQL: those whose windows it read). */
  docIds?: ReadonlyMap<number, number>;
}

export function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
