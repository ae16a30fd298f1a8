/**
 * Content-addressed file storage on disk: a file is stored once under its SHA-256
 * (files/ab/cd/abcdef…), written to a temporary name, flushed and renamed, so that a crash never
 * leaves a half-written file under a real name. Several app nodes share it when the folder is on
 * shared storage (GONGKAI_FILES).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileStore {
  dir: string;
  put(bytes: Uint8Array): Promise<string>;
  open(sha256: string): Promise<ReadStream>;
  has(sha256: string): Promise<boolean>;
}

const SHA = /^[0-9a-f]{64}$/;

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
        return sha; // already stored
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
  };
}
