/**
 * Content-addressed file storage on disk: a file is stored once under its SHA-256
 * (files/ab/cd/abcdef…), written to a temporary name, flushed and renamed, so that a crash never
 * leaves a half-written file under a real name. Several app nodes share it when the folder is on
 * shared storage (GONGKAI_FILES).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileStore {
  dir: string;
  put(bytes: Uint8Array): Promise<string>;
  open(sha256: string): Promise<ReadStream>;
  has(sha256: string): Promise<boolean>;
  /** Every entry on disk: stored files (`sha256`) and temporary files a crash left (`tmp`). */
  entries(): AsyncIterable<StoreEntry>;
  /** Deletes an entry (a file nothing refers to: src/attachments/gc.ts decides). */
  remove(entry: StoreEntry): Promise<void>;
}

export interface StoreEntry {
  /** The stored file's SHA-256, or null for a temporary file. */
  sha256: string | null;
  path: string;
  size: number;
  mtimeMs: number;
}

const SHA = /^[0-9a-f]{64}$/;
const TMP = /^[0-9a-f]{64}\.[0-9a-f]{12}\.tmp$/;
const HEX2 = /^[0-9a-f]{2}$/;

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export function createFileStore(dir: string): FileStore {
  const pathOf = (sha: string) => {
    if (!SHA.test(sha)) throw new Error('invalid file id');
    return join(dir, sha.slice(0, 2), sha.slice(2, 4), sha);
  };
  return {
    dir,
    async put(bytes) {
      const sha = createHash('sha256').update(bytes).digest('hex');
      const final = pathOf(sha);
      try {
        await stat(final);
        // Already stored. Touch it: the garbage collector keeps files modified recently, so a
        // file it found unreferenced is not removed while this upload is being recorded.
        const now = new Date();
        await utimes(final, now, now);
        return sha;
      } catch {
        /* not yet */
      }
      await mkdir(join(dir, sha.slice(0, 2), sha.slice(2, 4)), { recursive: true });
      const tmp = `${final}.${randomBytes(6).toString('hex')}.tmp`;
      const fh = await open(tmp, 'wx', 0o640);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await rename(tmp, final);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      return sha;
    },
    async open(sha) {
      const p = pathOf(sha);
      await stat(p);
      return createReadStream(p);
    },
    async has(sha) {
      try {
        await stat(pathOf(sha));
        return true;
      } catch {
        return false;
      }
    },
    async *entries() {
      // Only the store's own layout (ab/cd/<sha> and its temporary names); anything else in the
      // folder is not ours and is never listed, so never removed.
      for (const a of await names(dir)) {
        if (!HEX2.test(a)) continue;
        for (const b of await names(join(dir, a))) {
          if (!HEX2.test(b)) continue;
          for (const name of await names(join(dir, a, b))) {
            const sha = SHA.test(name) ? name : TMP.test(name) ? null : undefined;
            if (sha === undefined || !name.startsWith(a + b)) continue;
            const path = join(dir, a, b, name);
            let st;
            try {
              st = await stat(path);
            } catch {
              continue; // removed meanwhile
            }
            if (st.isFile()) yield { sha256: sha, path, size: st.size, mtimeMs: st.mtimeMs };
          }
        }
      }
    },
    async remove(entry) {
      const expected = entry.sha256 ? pathOf(entry.sha256) : entry.path;
      if (expected !== entry.path || !entry.path.startsWith(join(dir, ''))) throw new Error('not an entry of this store');
      await rm(entry.path, { force: true });
    },
  };
}
