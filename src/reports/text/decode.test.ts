import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReportInputError } from '../errors.js';
import { decodeReportBytes } from './decode.js';

const bytes = (...xs: number[]) => Uint8Array.from(xs);
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Asserts that decoding throws a ReportInputError whose one-line message matches. */
function refuses(buf: Uint8Array, re: RegExp, maxBytes?: number): void {
  assert.throws(
    () => decodeReportBytes(buf, maxBytes === undefined ? {} : { maxBytes }),
    (e: unknown) => {
      assert.ok(e instanceof ReportInputError, String(e));
      assert.match(e.message, re);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    },
  );
}

describe('decodeReportBytes', () => {
  it('decodes UTF-8, strips the BOM, normalizes line endings', () => {
    const r = decodeReportBytes(utf8('\ufeff标题\r\n一、总体情况\r二、\n'));
    assert.deepEqual(r, { text: '标题\n一、总体情况\n二、\n', encoding: 'utf-8', notes: [] });
  });

  it('decodes UTF-16LE and UTF-16BE with a BOM', () => {
    const le = Buffer.from('\ufeff年度报告\r\n无', 'utf16le');
    assert.deepEqual(decodeReportBytes(le), { text: '年度报告\n无', encoding: 'utf-16le', notes: ['按 UTF-16LE 解码'] });
    const be = Buffer.from(le).swap16();
    assert.equal(decodeReportBytes(be).text, '年度报告\n无');
    assert.equal(decodeReportBytes(be).encoding, 'utf-16be');
  });

  it('falls back to GB18030/GBK with a note', () => {
    // 政府信息公开 in GBK
    const gbk = bytes(0xd5, 0xfe, 0xb8, 0xae, 0xd0, 0xc5, 0xcf, 0xa2, 0xb9, 0xab, 0xbf, 0xaa, 0x0d, 0x0a, 0x30);
    assert.deepEqual(decodeReportBytes(gbk), { text: '政府信息公开\n0', encoding: 'gb18030', notes: ['按 GB18030/GBK 解码'] });
  });

  it('keeps UTF-8 with a few bad bytes as UTF-8 (a file cut inside a character), with a note', () => {
    const good = utf8('市中区永安镇政府2020年度政府信息公开工作年度报告\n一、总体情况\n无\n二、主动公开政府信息情况\n');
    const cut = good.subarray(0, good.length - 2); // '\n' and the last byte of 况
    const withStray = Uint8Array.from([...good.subarray(0, 12), 0xff, ...good.subarray(12, -1), 0xe4, 0xb8]);
    const r = decodeReportBytes(cut);
    assert.equal(r.encoding, 'utf-8');
    assert.ok(r.text.startsWith('市中区永安镇政府2020年度'));
    assert.ok(r.text.endsWith('政府信息情\ufffd'));
    assert.deepEqual(r.notes, ['有1处字节不是有效的 UTF-8，已替换为“\ufffd”']);
    assert.deepEqual(decodeReportBytes(withStray).notes, ['有2处字节不是有效的 UTF-8，已替换为“\ufffd”']);
  });

  it('refuses an empty file and a file of white space only', () => {
    refuses(bytes(), /文件是空的/);
    refuses(utf8(' \n\t\r\n\u3000\u2002 '), /只有空白字符/);
    refuses(utf8('\ufeff'), /只有空白字符/);
  });

  it('refuses binary files with NUL bytes or many control characters', () => {
    refuses(bytes(0x41, 0x42, 0x00, 0x43), /二进制文件（含有 NUL 字节）/);
    refuses(Uint8Array.from({ length: 200 }, (_v, i) => (i % 3 === 0 ? 0x01 : 0x41)), /大量控制字符/);
  });

  it('names the file types people upload by mistake', () => {
    refuses(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00), /Word\/Excel（\.docx\/\.xlsx）或 zip.*文本格式的年度报告（\.docx 导入以后提供）/);
    refuses(utf8('%PDF-1.7\n%âãÏÓ\n1 0 obj'), /PDF 文件.*文本格式的年度报告/);
    refuses(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), /图片文件（PNG）/);
    refuses(bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10), /图片文件（JPEG）/);
    refuses(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0x00), /旧版 Word/);
  });

  it('refuses a file over the size limit, saying the size and the limit', () => {
    refuses(utf8('一'.repeat(100)), /文件过大：300 字节，上限为 100 字节/, 100);
    refuses(new Uint8Array(3 * 1024 * 1024), /文件过大：3\.0 MiB，上限为 2\.0 MiB/, 2 * 1024 * 1024);
  });

  it('refuses bytes that are neither UTF-8 nor GB18030', () => {
    refuses(bytes(0x41, 0xff, 0x41, 0x42), /既不是有效的 UTF-8，也不是 GB18030\/GBK/);
  });

  it('refuses GB18030 that decodes to garbage (private-use characters)', () => {
    const pua = Uint8Array.from({ length: 40 }, (_v, i) => (i % 2 === 0 ? 0xaa : 0xa1 + (i % 20)));
    refuses(pua, /乱码/);
  });
});
