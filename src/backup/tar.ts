/**
 * The backup archive's container: plain POSIX ustar (what `tar tf` and `tar xf` read), written and
 * read by the ~200 lines below rather than by the npm `tar` package.
 *
 * Why our own: a backup archive holds only regular files with short ASCII names that we choose
 * (manifest.json, database.sqlite|database.pgdump, files/ab/cd/<sha256>), so the writer needs none
 * of tar's generality (links, long names, pax headers, permissions, directories), and the reader
 * must be *strict* rather than forgiving — a header with a bad checksum, an entry type we never
 * write, a file that ends early or a missing end-of-archive marker must each be an error with a
 * reason, never a warning or a silently shorter listing (the `tar` package reports several of
 * these as warnings by default). Reading an archive that is a file on disk is also simpler by
 * position than as a stream: the index is built from the headers alone (one 512-byte read per
 * entry), and each entry's bytes are then streamed from its offset, so nothing is ever held in
 * memory whole, and the manifest may come last (its checksums are computed while the parts are
 * written).
 *
 * Sizes of 8 GiB and more (a large database) use the base-256 size field of GNU tar and star,
 * which GNU tar, bsdtar and busybox read.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);
/** ustar names are 100 bytes (we never use the 155-byte prefix when writing). */
const NAME_MAX = 100;
/** The largest size the 11 octal digits hold; above it, base-256. */
const OCTAL_SIZE_MAX = 0o77777777777;

export type TarProblem = 'not-tar' | 'truncated' | 'corrupt' | 'unsupported';

/** The archive cannot be read: what is wrong, in Chinese, and its kind. */
export class TarFormatError extends Error {
  constructor(
    readonly problem: TarProblem,
    message: string,
  ) {
    super(message);
    this.name = 'TarFormatError';
  }
}

export interface TarEntry {
  name: string;
  size: number;
  /** Where the entry's bytes start in the archive. */
  offset: number;
}

function writeOctal(h: Buffer, value: number, at: number, width: number): void {
  // width-1 digits and a NUL, as GNU tar writes them.
  h.write(value.toString(8).padStart(width - 1, '0') + '\0', at, width, 'ascii');
}

function writeSize(h: Buffer, size: number): void {
  if (size <= OCTAL_SIZE_MAX) return writeOctal(h, size, 124, 12);
  // base-256: the first byte's high bit set, the number big-endian in the rest of the field.
  h.fill(0, 124, 136);
  h[124] = 0x80;
  let v = BigInt(size);
  for (let i = 135; i > 124; i--) {
    h[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** One ustar header for a regular file. */
export function tarHeader(name: string, size: number, mtimeSeconds: number): Buffer {
  if (!/^[\x21-\x7e]+$/.test(name) || name.length > NAME_MAX) throw new Error(`tar entry name not supported: ${name}`);
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`tar entry size not supported: ${size}`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, NAME_MAX, 'ascii');
  writeOctal(h, 0o640, 100, 8); // mode
  writeOctal(h, 0, 108, 8); // uid
  writeOctal(h, 0, 116, 8); // gid
  writeSize(h, size);
  writeOctal(h, Math.max(0, Math.floor(mtimeSeconds)), 136, 12);
  h.write('0', 156, 1, 'ascii'); // typeflag: regular file
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/**
 * Writes an archive sequentially to an open file. Each entry's size is declared before its bytes
 * (the header comes first), so a stream that delivers more or fewer bytes than declared is an
 * error, not a shifted archive.
 */
export class TarWriter {
  private position = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly mtimeSeconds: number,
  ) {}

  /** Opens `path` for a new archive (`wx`: never overwrites). */
  static async create(path: string, mtime: Date): Promise<TarWriter> {
    return new TarWriter(await open(path, 'wx', 0o640), mtime.getTime() / 1000);
  }

  get bytesWritten(): number {
    return this.position;
  }

  private async write(b: Uint8Array): Promise<void> {
    let done = 0;
    while (done < b.length) {
      const { bytesWritten } = await this.fh.write(b, done, b.length - done, this.position);
      done += bytesWritten;
      this.position += bytesWritten;
    }
  }

  /** Adds an entry from a stream of exactly `size` bytes; returns the SHA-256 (hex) of the bytes. */
  async add(name: string, size: number, source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>): Promise<string> {
    await this.write(tarHeader(name, size, this.mtimeSeconds));
    const hash = createHash('sha256');
    let n = 0;
    for await (const chunk of source) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (n + b.length > size) throw new Error(`${name}: more bytes than the ${size} declared`);
      hash.update(b);
      await this.write(b);
      n += b.length;
    }
    if (n !== size) throw new Error(`${name}: ${n} bytes instead of the ${size} declared (the file changed or was cut short while being read)`);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad) await this.write(ZEROS.subarray(0, pad));
    return hash.digest('hex');
  }

  async addBuffer(name: string, bytes: Uint8Array): Promise<string> {
    return this.add(name, bytes.length, [bytes]);
  }

  /** Writes the end-of-archive marker (two zero blocks), flushes to disk and closes. */
  async finish(): Promise<void> {
    await this.write(ZEROS);
    await this.fh.sync();
    await this.fh.close();
  }

  /** Closes without finishing (the caller removes the file). */
  async abort(): Promise<void> {
    await this.fh.close().catch(() => {});
  }
}

function isZero(b: Buffer): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

function readOctal(h: Buffer, at: number, width: number): number | null {
  const text = h.toString('ascii', at, at + width).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (!/^[0-7]+$/.test(text)) return null;
  return Number.parseInt(text, 8);
}

function readSize(h: Buffer): number | null {
  if ((h[124]! & 0x80) === 0) return readOctal(h, 124, 12);
  let v = BigInt(h[124]! & 0x7f);
  for (let i = 125; i < 136; i++) v = (v << 8n) | BigInt(h[i]!);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
}

/**
 * Lists a ustar archive's entries by reading its headers only. Strict: every header's checksum,
 * only regular files, every entry's bytes present, and the end-of-archive marker; anything else
 * is a TarFormatError saying what is wrong.
 */
export async function readTarIndex(path: string): Promise<TarEntry[]> {
  const fh = await open(path, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    const entries: TarEntry[] = [];
    const h = Buffer.alloc(BLOCK);
    let pos = 0;
    for (;;) {
      if (pos + BLOCK > fileSize) {
        if (pos === 0) throw new TarFormatError('not-tar', fileSize === 0 ? '文件是空的' : '文件太短，不是 tar 归档');
        throw new TarFormatError('truncated', '文件不完整（在归档结束标记之前就结束了，可能被截断）');
      }
      await fh.read(h, 0, BLOCK, pos);
      if (isZero(h)) {
        // End of archive: a second zero block, then at most padding (zeros).
        if (pos + 2 * BLOCK > fileSize) throw new TarFormatError('truncated', '文件不完整（归档结束标记不全，可能被截断）');
        await fh.read(h, 0, BLOCK, pos + BLOCK);
        if (!isZero(h)) throw new TarFormatError('corrupt', `归档在偏移 ${pos} 处损坏（空白块之后还有数据）`);
        return entries;
      }
      const magic = h.toString('ascii', 257, 263);
      if (magic !== 'ustar\0' && magic !== 'ustar ') {
        throw new TarFormatError(pos === 0 ? 'not-tar' : 'corrupt', pos === 0 ? '不是 tar 归档（文件头不符）' : `归档在偏移 ${pos} 处损坏（条目头不符）`);
      }
      const stored = readOctal(h, 148, 8);
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
      if (stored !== sum) throw new TarFormatError(pos === 0 ? 'not-tar' : 'corrupt', `归档在偏移 ${pos} 处损坏（条目头校验和不符）`);
      const type = h.toString('ascii', 156, 157);
      const nameField = h.toString('utf8', 0, NAME_MAX).replace(/\0.*$/s, '');
      const prefix = magic === 'ustar\0' ? h.toString('utf8', 345, 500).replace(/\0.*$/s, '') : '';
      const name = prefix ? `${prefix}/${nameField}` : nameField;
      if (type !== '0' && type !== '\0') throw new TarFormatError('unsupported', `归档含有不是普通文件的条目「${name}」（类型 ${JSON.stringify(type)}）`);
      const size = readSize(h);
      if (size === null) throw new TarFormatError('corrupt', `归档在偏移 ${pos} 处损坏（条目「${name}」的大小无法读取）`);
      const offset = pos + BLOCK;
      if (offset + size > fileSize) throw new TarFormatError('truncated', `文件不完整（条目「${name}」缺少 ${offset + size - fileSize} 字节，可能被截断）`);
      entries.push({ name, size, offset });
      pos = offset + Math.ceil(size / BLOCK) * BLOCK;
    }
  } finally {
    await fh.close();
  }
}

/** The bytes of one entry, streamed from the archive (an empty entry gives an empty stream). */
export function entryStream(path: string, entry: TarEntry): ReadStream | AsyncIterable<Buffer> {
  if (entry.size === 0) return (async function* () {})();
  return createReadStream(path, { start: entry.offset, end: entry.offset + entry.size - 1, highWaterMark: 256 * 1024 });
}

/** SHA-256 (hex) of a stream's bytes, and how many there were. */
export async function hashStream(source: AsyncIterable<Uint8Array | string>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}
