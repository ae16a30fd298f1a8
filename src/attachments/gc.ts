/**
 * Garbage collection of the file store: removes stored files that no record refers to any more
 * (an attachment removed from a catalogue draft, an upload whose transaction failed) and the
 * temporary files a crash left behind. Files are content-addressed and shared (the same bytes
 * uploaded twice are stored once), so a file is removed only when no row of any table refers to
 * its SHA-256 — never when one record lets go of it.
 *
 * Safety against uploads running at the same time: a file is removed only if it was last
 * modified more than `minAgeMs` ago (default 24 hours), and the store touches a file that an
 * upload finds already stored. The records are read after the folder is listed, and each
 * candidate's age is checked again just before it is removed.
 */
import { stat } from 'node:fs/promises';
import type { Db } from '../db/database.js';
import type { FileStore } from './store.js';

/** The tables whose rows refer to stored files by SHA-256. */
const REFERENCES = ['attachments', 'catalogue_files', 'report_uploads'] as const;

export const DEFAULT_GC_MIN_AGE_MS = 24 * 60 * 60 * 1000;

export interface GcResult {
  /** Stored files some record refers to. */
  referenced: number;
  /** Unreferenced files kept because they are younger than the minimum age. */
  young: number;
  /** Files (and temporary files) removed, or that would be with dryRun. */
  removed: number;
  removedBytes: number;
  dryRun: boolean;
}

export async function collectGarbage(db: Db, store: FileStore, opts: { minAgeMs?: number; dryRun?: boolean; now?: () => number } = {}): Promise<GcResult> {
  const minAge = opts.minAgeMs ?? DEFAULT_GC_MIN_AGE_MS;
  if (!Number.isFinite(minAge) || minAge < 0) throw new RangeError('minAgeMs must be a non-negative number');
  const now = opts.now ?? Date.now;
  const entries = [];
  for await (const e of store.entries()) entries.push(e);
  const referenced = new Set<string>();
  for (const table of REFERENCES) {
    const rows = await db.kysely.selectFrom(table).select('sha256').distinct().execute();
    for (const r of rows) referenced.add(r.sha256);
  }
  const out: GcResult = { referenced: 0, young: 0, removed: 0, removedBytes: 0, dryRun: !!opts.dryRun };
  for (const e of entries) {
    if (e.sha256 && referenced.has(e.sha256)) {
      out.referenced++;
      continue;
    }
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(e.path)).mtimeMs; // again: an upload may have touched it since
    } catch {
      continue;
    }
    if (now() - mtimeMs < minAge) {
      out.young++;
      continue;
    }
    if (!opts.dryRun) await store.remove(e);
    out.removed++;
    out.removedBytes += e.size;
  }
  return out;
}
