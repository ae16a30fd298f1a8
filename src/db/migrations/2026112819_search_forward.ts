/**
 * The search index, third step (PostgreSQL only; src/search/postgres.ts):
 *
 * - search_forward: each document's token sequence (src/search/postings.ts encodeSequence: the
 *   id of the token at each position, `width` bytes each). A phrase whose tokens include a
 *   frequent one (宇宝建设: 建设 is in 40 % of documents) checks that token on its few candidates
 *   there, reading a few bytes per candidate, instead of reading the frequent token's block under
 *   every candidate. Stored uncompressed (STORAGE EXTERNAL) so that PostgreSQL reads a slice of a
 *   long document's sequence without the whole of it.
 *
 * Documents indexed before this migration have no sequence: searches check them by the posting
 * lists as before (correct, slower on such phrases) until they are indexed again — `gongkai
 * reindex` indexes the whole catalogue again.
 */
import { sql, type Kysely } from 'kysely';
import { dialectOf } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  if ((await dialectOf(db)) !== 'postgres') return;
  await sql`CREATE TABLE search_forward (
    id bigint PRIMARY KEY REFERENCES search_documents (id) ON DELETE CASCADE,
    doc_id bigint NOT NULL,
    width smallint NOT NULL CONSTRAINT search_forward_width CHECK (width BETWEEN 2 AND 4),
    seq bytea NOT NULL)`.execute(db);
  await sql`ALTER TABLE search_forward ALTER COLUMN seq SET STORAGE EXTERNAL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if ((await dialectOf(db)) !== 'postgres') return;
  await sql`DROP TABLE IF EXISTS search_forward`.execute(db);
}
