import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeDocx, makeZip } from '../../test/support/zip.js';
import { safeFilename } from './attachment.service.js';
import { sniff } from './sniff.js';
import { createFileStore } from './store.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('sniffing uploads by their bytes', () => {
  const accepted: [string, Uint8Array, string][] = [
    ['PDF', bytes('%PDF-1.7\n...'), 'pdf'],
    ['JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), 'jpg'],
    ['PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'png'],
    ['a .docx', fakeDocx(), 'docx'],
    ['an .xlsx', makeZip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'xl/workbook.xml', data: '<workbook/>' }]), 'xlsx'],
    ['Word 97', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), 'doc'],
    ['UTF-8 text', Buffer.from('政府信息公开申请答复'), 'txt'],
  ];
  for (const [name, b, ext] of accepted) {
    test(`accepts ${name}`, () => {
      const r = sniff(b, 'x');
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.kind.ext, ext);
    });
  }

  const refused: [string, Uint8Array, string, RegExp][] = [
    ['an empty file', Buffer.alloc(0), 'a.pdf', /空/],
    ['a Windows program named .pdf', bytes('MZ\x90\x00rest'), 'report.pdf', /可执行程序/],
    ['an ELF binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]), 'a.txt', /可执行程序/],
    ['HTML named .txt', Buffer.from('<!DOCTYPE html><script>alert(1)</script>'), 'a.txt', /网页/],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'), 'a.png', /SVG/],
    ['a plain zip', makeZip([{ name: 'a.txt', data: 'x' }]), 'a.docx', /压缩包/],
    ['a docx with a nested archive', fakeDocx([{ name: 'word/embeddings/x.zip', data: 'PK' }]), 'a.docx', /不允许/],
    ['a docx with a path escaping entry', fakeDocx([{ name: '../../etc/passwd', data: 'x' }]), 'a.docx', /路径/],
    ['a zip bomb inside a .docx (ratio)', fakeDocx([{ name: 'word/media/big.xml', data: Buffer.alloc(20 * 1024 * 1024), deflate: true }]), 'a.docx', /压缩/],
    ['a .docx whose directory claims 1 GB', fakeDocx([{ name: 'word/x.xml', data: 'x', claimedSize: 1024 * 1024 * 1024 }]), 'a.docx', /过大|压缩/],
    ['a truncated zip', fakeDocx().subarray(0, 40), 'a.docx', /损坏/],
    ['random binary', Buffer.from([1, 2, 3, 0, 255, 254, 9]), 'data.bin', /不支持的文件类型/],
  ];
  for (const [name, b, filename, reason] of refused) {
    test(`refuses ${name}`, () => {
      const r = sniff(b, filename);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.reason, reason);
    });
  }
});

describe('file names', () => {
  test('paths, control and bidi characters are removed; the extension follows the content', () => {
    assert.equal(safeFilename('C:\\Users\\x\\征收补偿方案.PDF', 'pdf'), '征收补偿方案.pdf');
    assert.equal(safeFilename('../../etc/passwd', 'txt'), 'passwd.txt');
    assert.equal(safeFilename('答复\u202egpj.exe', 'pdf'), '答复gpj.pdf');
    assert.equal(safeFilename('a<b>:"|?*.docx', 'docx'), 'ab.docx');
    assert.equal(safeFilename('', 'pdf'), '附件.pdf');
    assert.equal(safeFilename('长'.repeat(300), 'pdf').length, 94);
  });
});

describe('content-addressed store', () => {
  test('stores once, under the hash, with no temporary files left; refuses bad ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gk-store-'));
    const store = createFileStore(dir);
    const a = await store.put(Buffer.from('hello'));
    const b = await store.put(Buffer.from('hello'));
    assert.equal(a, b);
    assert.equal(a, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    assert.deepEqual(readdirSync(join(dir, '2c', 'f2')), [a]);
    const chunks: Buffer[] = [];
    for await (const c of await store.open(a)) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'hello');
    assert.equal(await store.has('0'.repeat(64)), false);
    await assert.rejects(store.open('../../etc/passwd'));
  });
});
