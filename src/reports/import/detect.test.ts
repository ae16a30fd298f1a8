import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeGbk, oldDoc, randomBytes, tinyPng, xlsxZip } from '../../../test/support/report-fixtures.js';
import { fakeDocx, makeZip } from '../../../test/support/zip.js';
import { ReportInputError } from '../errors.js';
import { detectFormat, sniffUtf16 } from './detect.js';

const refused = (bytes: Uint8Array, re: RegExp, name?: string) =>
  assert.throws(
    () => detectFormat(bytes, name),
    (e: unknown) => e instanceof ReportInputError && re.test(e.message) && !e.message.includes('\n'),
  );

const utf16le = (s: string, bom: boolean) => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(s, 'utf16le')]);

describe('detectFormat', () => {
  it('tells the formats by content', () => {
    assert.equal(detectFormat(fakeDocx()), 'docx');
    assert.equal(detectFormat(Buffer.from('%PDF-1.7\n%âãÏÓ\n')), 'pdf');
    assert.equal(detectFormat(Buffer.from('junk before the header\n%PDF-1.4\n')), 'pdf');
    assert.equal(detectFormat(Buffer.from('\ufeff\n  {"format": "2019"}')), 'json');
    assert.equal(detectFormat(Buffer.from('市中区永安镇政府2020年度政府信息公开工作年度报告\n一、总体情况\n')), 'text');
    assert.equal(detectFormat(Buffer.from('[image: 标志]\n某某局2021年度报告')), 'text');
  });

  it('tells HTML by its markup, in UTF-8, GBK or UTF-16 (with or without a byte-order mark)', () => {
    const pages = [
      '<!DOCTYPE html><html><body><p>报告</p></body></html>',
      '<!-- 由 TRS 生成 -->\n<HTML>\n<HEAD><META http-equiv=Content-Type content="text/html; charset=gb2312"></HEAD>',
      '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
      '<table border=1><tr><td>规章</td></tr></table>',
      '  <p>一、总体情况</p>',
    ];
    for (const p of pages) {
      assert.equal(detectFormat(Buffer.from(p)), 'html', p);
      assert.equal(detectFormat(encodeGbk(p)), 'html', p);
      assert.equal(detectFormat(utf16le(p, true)), 'html', p);
      assert.equal(detectFormat(utf16le(p, false)), 'html', p);
    }
    // A file named .html whose markup starts after some text.
    assert.equal(detectFormat(Buffer.from('报告正文\n<p>一、总体情况</p>'), 'r.html'), 'html');
    assert.equal(detectFormat(Buffer.from('报告正文\n<p>一、总体情况</p>'), 'r.txt'), 'text');
  });

  it('sees UTF-16 without a byte-order mark, Chinese characters with a zero byte included', () => {
    assert.equal(sniffUtf16(utf16le('一、总体情况\n本年度未收到申请。', false)), 'utf-16le');
    assert.equal(sniffUtf16(Buffer.from('一、总体情况\nabc', 'utf16le').swap16()), 'utf-16be');
    assert.equal(sniffUtf16(Buffer.from('一、总体情况')), null);
    assert.equal(detectFormat(utf16le('某某局2021年度政府信息公开工作年度报告\n一、总体情况\n', false)), 'text');
  });

  it('refuses what no importer reads, saying what the file is', () => {
    refused(new Uint8Array(0), /^文件是空的（0 字节）$/);
    refused(oldDoc(), /^不支持旧版 Word（\.doc）文件/);
    const encrypted = Buffer.concat([oldDoc().subarray(0, 512), Buffer.from('EncryptedPackage', 'utf16le')]);
    refused(encrypted, /^这是设置了打开密码的 Office 文档/);
    const xls = Buffer.concat([oldDoc().subarray(0, 512), Buffer.from('Workbook', 'utf16le')]);
    refused(xls, /旧版 Excel（\.xls）/);
    refused(xlsxZip(), /^这是 Excel（\.xlsx）文件/);
    refused(makeZip([{ name: 'a.txt', data: 'x' }]), /^这是 zip 压缩文件，不是 Word 文档/);
    refused(makeZip([{ name: 'OFD.xml', data: '<ofd/>' }]), /^不支持 OFD 版式文件/);
    refused(makeZip([{ name: 'word/styles.xml', data: '<x/>' }]), /缺少正文部分 word\/document\.xml/);
    refused(Buffer.from('PK\x03\x04rest-of-zip'), /已损坏.*zip/);
    refused(Buffer.from('PK\x03\x04rest-of-zip'), /^Word 文档（\.docx）已损坏/, '年报.docx');
    refused(tinyPng(), /^这是图片（PNG）/);
    refused(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), /^这是图片（JPEG）/);
    refused(Buffer.from('{\\rtf1\\ansi 报告}'), /^不支持 RTF 文件/);
    refused(Buffer.from([0x1f, 0x8b, 8, 0]), /gzip/);
    refused(randomBytes(1000, 3), /^这是二进制文件，不是年度报告文档/);
  });
});
