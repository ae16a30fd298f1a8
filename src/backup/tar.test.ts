/**
 * The ustar writer and strict reader: round trips (empty entries, sizes on and beside the block
 * boundary), agreement with GNU tar in both directions, and every kind of bad input refused with
 * its reason.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { entryStream, hashStream, readTarIndex, tarHeader, TarFormatError, TarWriter } from './tar.js';

const hasTar = spawnSync('tar', ['--version']).status === 0;

describe('backup/tar', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gongkai-tar-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const contents: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['one', Buffer.from('x')],
    ['block', randomBytes(512)],
    ['block-plus-one', randomBytes(513)],
    ['files/ab/cd/abcd' + '0'.repeat(60), randomBytes(300_001)],
  ];

  async function write(path: string): Promise<void> {
    const w = await TarWriter.create(path, new Date(0));
    for (const [name, bytes] of contents) {
      const sha = await w.add(name, bytes.length, [bytes.subarray(0, 7), bytes.subarray(7)]);
      assert.equal(sha, createHash('sha256').update(bytes).digest('hex'));
    }
    await w.finish();
  }

  test('round trip: names, sizes and bytes come back; the entries are streamed from their offsets', async () => {
    const path = join(dir, 'a.tar');
    await write(path);
    const entries = await readTarIndex(path);
    assert.deepEqual(
      entries.map((e) => [e.name, e.size]),
      contents.map(([n, b]) => [n, b.length]),
    );
    for (const [i, e] of entries.entries()) {
      const chunks: Buffer[] = [];
      for await (const c of entryStream(path, e)) chunks.push(c as Buffer);
      assert.ok(Buffer.concat(chunks).equals(contents[i]![1]), e.name);
    }
    assert.equal((await hashStream(entryStream(path, entries[2]!))).sha256, createHash('sha256').update(contents[2]![1]).digest('hex'));
  });

  test('a stream delivering fewer or more bytes than declared is an error', async () => {
    const w = await TarWriter.create(join(dir, 'short.tar'), new Date());
    await assert.rejects(w.add('x', 10, [Buffer.from('12345')]), /5 bytes instead of the 10/);
    await w.abort();
    const w2 = await TarWriter.create(join(dir, 'long.tar'), new Date());
    await assert.rejects(w2.add('x', 3, [Buffer.from('12345')]), /more bytes than the 3/);
    await w2.abort();
    await assert.rejects(TarWriter.create(join(dir, 'short.tar'), new Date()), { code: 'EEXIST' });
  });

  test('GNU tar lists and extracts our archives, and we read what GNU tar writes as ustar', { skip: !hasTar && 'no tar program' }, async () => {
    const path = join(dir, 'b.tar');
    await write(path);
    const list = spawnSync('tar', ['-tvf', path], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    assert.equal(list.stderr, '');
    assert.equal(list.stdout.trim().split('\n').length, contents.length);
    const out = join(dir, 'x');
    mkdirSync(out);
    assert.equal(spawnSync('tar', ['-xf', path, '-C', out]).status, 0);
    for (const [name, bytes] of contents) assert.ok(readFileSync(join(out, name)).equals(bytes), name);

    const src = join(dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'manifest.json'), '{"a":1}');
    writeFileSync(join(src, 'data.bin'), randomBytes(2000));
    const gnu = join(dir, 'gnu.tar');
    assert.equal(spawnSync('tar', ['--format=ustar', '-cf', gnu, '-C', src, 'manifest.json', 'data.bin']).status, 0);
    const entries = await readTarIndex(gnu);
    assert.deepEqual(
      entries.map((e) => [e.name, e.size]),
      [
        ['manifest.json', 7],
        ['data.bin', 2000],
      ],
    );
  });

  async function problem(path: string): Promise<TarFormatError> {
    try {
      await readTarIndex(path);
    } catch (e) {
      if (e instanceof TarFormatError) return e;
      throw e;
    }
    assert.fail('no error');
  }

  test('truncated anywhere: in a header, in an entry, in or before the end marker', async () => {
    const path = join(dir, 'c.tar');
    await write(path);
    const full = readFileSync(path);
    for (const cut of [100, 512 + 100, full.length - 1024, full.length - 512, full.length - 1, 2048 + 300]) {
      const p = join(dir, `cut-${cut}.tar`);
      writeFileSync(p, full.subarray(0, cut));
      const e = await problem(p);
      assert.equal(e.problem, cut === 100 ? 'not-tar' : 'truncated', `cut at ${cut}: ${e.message}`);
      assert.match(e.message, /截断|太短/);
    }
  });

  test('a flipped byte in a header, a foreign entry type, not a tar at all, an empty file', async () => {
    const path = join(dir, 'd.tar');
    await write(path);
    const bytes = readFileSync(path);
    const second = 512; // the header of the second entry (the first, 'empty', has no data block)
    const flipped = Buffer.from(bytes);
    flipped[second + 3] = flipped[second + 3]! ^ 0x01;
    writeFileSync(join(dir, 'flip.tar'), flipped);
    const e = await problem(join(dir, 'flip.tar'));
    assert.equal(e.problem, 'corrupt');
    assert.match(e.message, /校验和不符/);

    const link = Buffer.concat([tarHeader('x', 0, 0), Buffer.alloc(1024)]);
    link.write('2', 156); // symbolic link
    link.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += link[i]!;
    link.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    writeFileSync(join(dir, 'link.tar'), link);
    assert.equal((await problem(join(dir, 'link.tar'))).problem, 'unsupported');

    writeFileSync(join(dir, 'random.bin'), randomBytes(4096));
    assert.equal((await problem(join(dir, 'random.bin'))).problem, 'not-tar');
    writeFileSync(join(dir, 'empty.tar'), '');
    assert.match((await problem(join(dir, 'empty.tar'))).message, /空/);
    writeFileSync(join(dir, 'zip.tar'), Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(2000)]));
    assert.equal((await problem(join(dir, 'zip.tar'))).problem, 'not-tar');
  });

  test('sizes of 8 GiB and more use the base-256 field, read back exactly', async () => {
    const size = 10 * 1024 ** 3 + 5;
    const h = tarHeader('big', size, 0);
    assert.equal(h[124], 0x80);
    const p = join(dir, 'big.tar');
    writeFileSync(p, Buffer.concat([h, Buffer.alloc(512)]));
    const e = await problem(p);
    assert.equal(e.problem, 'truncated');
    assert.match(e.message, new RegExp(`缺少 ${size - 512} 字节`));
    // Octal below the limit, as every tar writes it.
    assert.equal(tarHeader('small', 0o77777777777, 0).toString('ascii', 124, 136), '77777777777\0');
    truncateSync(p, 0);
  });
});
