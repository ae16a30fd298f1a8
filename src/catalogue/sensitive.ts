/**
 * The word check before a draft is submitted for review: the administrator keeps a list of
 * sensitive words (which block submission until removed) and of common mistakes with their
 * correct form (typos: the submitter must look at each and confirm). Matching is on the
 * NFKC-normalised text, so full-width and half-width forms and letter case do not hide a word.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export interface WordEntry {
  word: string;
  kind: 'sensitive' | 'typo';
  suggestion: string | null;
}

export interface WordFinding extends WordEntry {
  /** The field it was found in (title, summary, body …). */
  field: string;
  /** How many times. */
  count: number;
  /** A little text around the first occurrence. */
  context: string;
}

const norm = (s: string) => s.normalize('NFKC').toLowerCase();

/** Finds the listed words in the fields (each field's findings in list order). */
export function findWords(fields: Readonly<Record<string, string | null | undefined>>, words: readonly WordEntry[]): WordFinding[] {
  const out: WordFinding[] = [];
  for (const [field, raw] of Object.entries(fields)) {
    if (!raw) continue;
    const text = norm(raw);
    for (const w of words) {
      const needle = norm(w.word);
      if (!needle) continue;
      let at = text.indexOf(needle);
      if (at < 0) continue;
      const first = at;
      let count = 0;
      while (at >= 0) {
        count++;
        at = text.indexOf(needle, at + needle.length);
      }
      const context = text.slice(Math.max(0, first - 10), first + needle.length + 10);
      out.push({ ...w, field, count, context });
    }
  }
  return out;
}

export async function listWords(db: Q): Promise<WordEntry[]> {
  return db.selectFrom('sensitive_words').select(['word', 'kind', 'suggestion']).orderBy('word').execute();
}
