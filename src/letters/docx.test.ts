import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { buildLetterDocx, displayWidth, renderLetter, type LetterInput } from './docx.js';
import { LetterError } from './errors.js';
import { REPLY_GROUNDS, REPLY_GROUND_IDS, groundsForRow, type LetterKind, type OutcomeRowId, type ReplyGroundId } from './kinds.js';
import { DEFAULT_TEMPLATES } from './templates.js';
import {
  AGENCY,
  APPLICANT,
  DOC_NUMBER,
  LETTER_DATE_CN,
  docxText,
  sampleLetter,
  unzip,
  zipText,
} from './test-helpers.js';

const REMEDY =
  '如对本答复不服，可以在收到本答复之日起60日内向市中区人民政府申请行政复议，或者在6个月内向市中区人民法院提起行政诉讼。';

/** The letter's text must show all of these (titles, articles, dates, amounts …). */
const NOTICE_CASES: { kind: Exclude<LetterKind, 'reply'>; title: string; expect: string[] }[] = [
  {
    kind: 'acceptance',
    title: '政府信息公开申请登记回执',
    expect: ['第三十三条', '2026年11月2日', '2026年12月1日', '申请编号：YA-2026-0042', '查询码：K7Q2-M9XP', '20个工作日内予以答复'],
  },
  {
    kind: 'correction',
    title: '政府信息公开申请补正告知书',
    expect: ['第二十九条、第三十条', '2026年11月2日', '请您于2026年11月20日前', '（一）请写明所需信息的名称', '（二）请提供有效的身份证明', '视为放弃申请'],
  },
  {
    kind: 'extension',
    title: '政府信息公开申请延期答复告知书',
    expect: ['第三十三条第一款', '2026年11月2日', '延长20个工作日', '将于2026年12月29日前作出答复', '政府信息公开工作机构负责人同意'],
  },
  {
    kind: 'third_party',
    title: '政府信息公开征求第三方意见书',
    expect: ['第三十二条', '15个工作日', '2026年11月2日', '请于2026年12月18日前', '你公司的投标报价等商业信息', '永安路桥建设有限公司：'],
  },
  {
    kind: 'fee',
    title: '政府信息公开信息处理费收费通知书',
    expect: [
      '第四十二条',
      '国办函〔2020〕109号',
      '计费方式：按件计收。',
      '本自然月内累计申请45件',
      '第41—45件：5件×300元/件＝1500元。',
      '应缴金额：5500元。',
      '请您于2026年12月25日前缴纳',
    ],
  },
];

/** The article each ground must cite: DOMAIN §3's outcome table, written out independently of kinds.ts. */
const GROUND_CASES: Record<ReplyGroundId, { row: OutcomeRowId; cites: string | null }> = {
  already_public: { row: '3.1', cites: '第三十六条第（一）项' },
  provided: { row: '3.1', cites: '第三十六条第（二）项' },
  partial: { row: '3.2', cites: '第三十七条' },
  state_secret: { row: '3.3.1', cites: '第十四条' },
  prohibited_by_law: { row: '3.3.2', cites: '第十四条' },
  security_stability: { row: '3.3.3', cites: '第十四条' },
  third_party_rights: { row: '3.3.4', cites: '第十五条' },
  internal_affairs: { row: '3.3.5', cites: '第十六条第一款' },
  process_information: { row: '3.3.6', cites: '第十六条第二款' },
  enforcement_file: { row: '3.3.7', cites: '第十六条第二款' },
  administrative_query: { row: '3.3.8', cites: '第三十六条第（七）项' },
  not_held: { row: '3.4.1', cites: '第三十六条第（四）项' },
  not_responsible: { row: '3.4.1', cites: '第三十六条第（五）项' },
  needs_processing: { row: '3.4.2', cites: '第三十八条' },
  still_unclear: { row: '3.4.3', cites: '第三十条' },
  petition: { row: '3.5.1', cites: '第三十九条第一款' },
  repeated: { row: '3.5.2', cites: '第三十六条第（六）项' },
  publication: { row: '3.5.3', cites: '第三十九条第二款' },
  excessive: { row: '3.5.4', cites: '第三十五条' },
  confirm_or_reissue: { row: '3.5.5', cites: null },
  correction_lapsed: { row: '3.6.1', cites: '第三十条' },
  fee_unpaid: { row: '3.6.2', cites: '国办函〔2020〕109号' },
  other: { row: '3.6.3', cites: null },
};

const REGULATION = '《中华人民共和国政府信息公开条例》';

async function letterError(letter: LetterInput): Promise<LetterError> {
  try {
    await buildLetterDocx(letter);
  } catch (e) {
    assert.ok(e instanceof LetterError, `expected LetterError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a LetterError');
}

/** What every letter shows, in order: title, number, salutation, …, agency, date; never a placeholder. */
function assertFrame(text: string, title: string, addressee: string): void {
  assert.ok(text.startsWith(`${title}\n\n${DOC_NUMBER}\n\n`), `title then number:\n${text.slice(0, 80)}`);
  assert.ok(text.includes(`\n\n${addressee}：\n\n`), 'salutation');
  assert.ok(text.trimEnd().endsWith(`${AGENCY}\n\n${LETTER_DATE_CN}`), 'agency and date at the end');
  assert.ok(!text.includes('{{') && !text.includes('}}'), 'no placeholder left');
}

describe('buildLetterDocx: every notice', () => {
  for (const c of NOTICE_CASES) {
    it(`${c.kind}: ${c.title}`, async () => {
      const letter = sampleLetter(c.kind);
      const text = await docxText(await buildLetterDocx(letter));
      assertFrame(text, c.title, letter.addressee);
      for (const s of c.expect) assert.ok(text.includes(s), `「${s}」 missing from:\n${text}`);
      assert.ok(!text.includes('如对本答复不服'), 'the remedy sentence belongs to replies');
    });
  }

  it('the third party never sees the applicant', async () => {
    const text = await docxText(await buildLetterDocx(sampleLetter('third_party')));
    assert.ok(!text.includes(APPLICANT));
    assert.ok(!text.includes('YA-2026-0042'), 'nor the tracking number');
  });
});

describe('buildLetterDocx: every reply ground', () => {
  it('the grounds cover every outcome row of DOMAIN §3, each in the right row', () => {
    assert.deepEqual([...REPLY_GROUND_IDS].sort(), Object.keys(GROUND_CASES).sort());
    for (const id of REPLY_GROUND_IDS) assert.equal(REPLY_GROUNDS[id].row, GROUND_CASES[id].row, id);
    const rows = new Set(Object.values(GROUND_CASES).map((g) => g.row));
    assert.equal(rows.size, 21);
    assert.deepEqual(groundsForRow('3.4.1').map((g) => g.id), ['not_held', 'not_responsible']);
  });

  for (const id of REPLY_GROUND_IDS) {
    const g = REPLY_GROUNDS[id];
    const { cites } = GROUND_CASES[id];
    it(`${g.family} / ${id} (${g.row}) cites ${cites ?? 'no article'} and the remedy`, async () => {
      const letter = sampleLetter('reply', id);
      const text = await docxText(await buildLetterDocx(letter));
      assertFrame(text, '政府信息公开申请答复书', APPLICANT);
      if (cites) {
        const citation = cites.includes('109号') ? `《政府信息公开信息处理费管理办法》（${cites}）` : `${REGULATION}${cites}`;
        assert.ok(text.includes(`根据${citation}`), `cites ${citation}:\n${text}`);
      }
      if (g.decision) assert.ok(text.includes(g.decision), 'decision paragraph');
      assert.ok(text.includes(REMEDY), `remedy sentence:\n${text}`);
      assert.ok(text.includes('本机关于2026年11月2日收到您提出的政府信息公开申请（申请编号：YA-2026-0042）'));
      if (g.family === 'disclosed' || g.family === 'partially_disclosed') assert.ok(text.includes('获取方式、途径：随本答复书附送'));
      if (g.family === 'partially_disclosed') assert.ok(text.includes('不予公开部分的理由：'));
      assert.equal(text.split(APPLICANT).length - 1, 1, 'the applicant is named once, in the salutation');
    });
  }

  it('其他: staff must write the decision', async () => {
    const e = await letterError({ ...sampleLetter('reply', 'correction_lapsed'), ground: 'other' });
    assert.deepEqual(e.problems, ['缺少字段「{{decision}}」（答复决定）']);
  });

  it('staff may replace the decision paragraph of a ground', async () => {
    const decision = '经审查，您申请获取的会议纪要属于过程性信息。根据《中华人民共和国政府信息公开条例》第十六条第二款的规定，本机关决定不予公开。';
    const text = await docxText(await buildLetterDocx(sampleLetter('reply', 'process_information', { decision })));
    assert.ok(text.includes(decision));
    assert.ok(!text.includes(REPLY_GROUNDS.process_information.decision!));
  });

  it('a reply names its ground; only replies do', async () => {
    assert.match((await letterError({ ...sampleLetter('reply', 'provided'), ground: undefined })).message, /答复书须指明答复依据/);
    assert.match((await letterError({ ...sampleLetter('reply'), ground: 'secret' as ReplyGroundId })).message, /未知的答复依据「secret」/);
    assert.match((await letterError({ ...sampleLetter('correction'), ground: 'provided' })).message, /只有答复书需要答复依据/);
    assert.match((await letterError({ ...sampleLetter('correction'), kind: 'memo' as LetterKind })).message, /未知的文书种类「memo」/);
  });
});

describe('buildLetterDocx: fields and safety', () => {
  it('a missing or unknown field is a Chinese error naming it', async () => {
    const { review_body: _r, ...fields } = sampleLetter('reply', 'provided').fields!;
    const e = await letterError({ ...sampleLetter('reply', 'provided'), fields: { ...fields, reviewing_body: '市中区人民政府' } });
    assert.equal(
      e.message,
      '无法生成政府信息公开申请答复书（予以公开）：未知字段「reviewing_body」（政府信息公开申请答复书（予以公开）没有这个字段）；缺少字段「{{review_body}}」（行政复议机关）',
    );
  });

  it('the letter head is checked: agency, addressee, date; system fields cannot be passed', async () => {
    const e = await letterError({ ...sampleLetter('acceptance'), agencyName: ' ', addressee: '', date: '2026/11/28' });
    assert.deepEqual(e.problems.slice(0, 2), ['缺少机关名称', '缺少收件人']);
    assert.match(e.problems[2]!, /^成文日期日期无效：「2026\/11\/28」/);
    const sys = await letterError(sampleLetter('acceptance', undefined, { agency_name: '别的机关' }));
    assert.match(sys.message, /字段「agency_name」（机关名称）由系统填写/);
  });

  it('HTML and control characters in a field come out as literal, inert text', async () => {
    const summary = '<script>alert("x")</script> & <b>粗体</b>\u0000\u001B[31m\u202E';
    const buf = await buildLetterDocx(sampleLetter('acceptance', undefined, { request_summary: summary }));
    const text = await docxText(buf);
    assert.ok(text.includes('申请获取“<script>alert("x")</script> & <b>粗体</b>[31m”'), text);
    const xml = zipText(buf, 'word/document.xml');
    assert.ok(xml.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;粗体&lt;/b&gt;') || xml.includes('&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;b&gt;'));
    assert.ok(!xml.includes('<script>') && !xml.includes('<b>'));
    assert.ok(!/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml), 'no control characters in the XML');
  });

  it('personal data appears only when the template asks for it', async () => {
    const address = '永安镇幸福村12号';
    const plain = await buildLetterDocx(sampleLetter('acceptance', undefined, { applicant_address: address }));
    assert.ok(!(await docxText(plain)).includes(address));
    const template = DEFAULT_TEMPLATES.acceptance + '\n? 送达地址：{{applicant_address}}';
    const asked = await buildLetterDocx({ ...sampleLetter('acceptance', undefined, { applicant_address: address }), template });
    assert.ok((await docxText(asked)).includes(`送达地址：${address}`));
    // The addressee is not in the document's properties.
    for (const [name, data] of unzip(plain)) {
      if (name !== 'word/document.xml') assert.ok(!data.toString('utf8').includes(APPLICANT), name);
    }
  });

  it("uses the agency's own template, and refuses one with an unknown placeholder", async () => {
    const template = '# {{agency_name}}政府信息公开申请登记回执\n您于{{received_date}}提交的申请已收到。';
    const text = await docxText(await buildLetterDocx({ ...sampleLetter('acceptance'), template }));
    assert.ok(text.startsWith(`${AGENCY}政府信息公开申请登记回执`));
    assert.ok(text.includes('您于2026年11月2日提交的申请已收到。'));
    const bad = await letterError({ ...sampleLetter('acceptance'), template: `${template}\n身份证号：{{id_card}}` });
    assert.match(bad.message, /模板第3行未知字段「\{\{id_card\}\}」/);
  });

  it('a letter without a document number has no number line', async () => {
    const { docNumber: _d, ...letter } = sampleLetter('acceptance');
    const text = await docxText(await buildLetterDocx(letter));
    assert.ok(text.startsWith('政府信息公开申请登记回执\n\n\n\n张三丰：'), text.slice(0, 40));
    assert.equal(renderLetter(letter).docNumber, null);
  });
});

describe('buildLetterDocx: the Word file', () => {
  it('is a zip with word/document.xml, GB/T 9704 page and East-Asian fonts on every run', async () => {
    const buf = await buildLetterDocx(sampleLetter('reply', 'third_party_rights'));
    const parts = unzip(buf);
    for (const p of ['[Content_Types].xml', 'word/document.xml', 'word/styles.xml', 'word/settings.xml']) assert.ok(parts.has(p), p);
    const xml = zipText(buf, 'word/document.xml');

    const runs = [...xml.matchAll(/<w:r>(.*?)<\/w:r>/gs)].map((m) => m[1]!);
    assert.ok(runs.length >= 8);
    for (const r of runs) assert.match(r, /<w:rFonts [^>]*w:eastAsia="(仿宋_GB2312|方正小标宋简体)"/);
    assert.match(runs[0]!, /w:eastAsia="方正小标宋简体"/);
    assert.match(runs[0]!, /<w:sz w:val="44"\/>/, 'title 2号 = 22pt');
    assert.match(runs[1]!, /w:eastAsia="仿宋_GB2312"/);
    assert.match(runs[1]!, /<w:sz w:val="32"\/>/, 'body 3号 = 16pt');

    assert.match(xml, /<w:pgSz w:w="11906" w:h="16838"/, 'A4');
    assert.match(xml, /<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/, '37/26/35/28 mm');
    assert.match(xml, /<w:ind w:firstLine="640" w:firstLineChars="200"\/>/, 'two-character indent');
    assert.match(xml, /<w:spacing w:after="0" w:before="0" w:line="560" w:lineRule="exact"\/>/, '28pt line pitch');
    const paragraphs = [...xml.matchAll(/<w:p>(.*?)<\/w:p>/gs)].map((m) => m[1]!);
    for (const p of paragraphs.slice(-2)) assert.match(p, /<w:jc w:val="right"\/>/, 'agency and date right-aligned');
    assert.match(paragraphs.at(-1)!, /<w:ind w:right="1280"\/>/, 'date four characters in');

    const styles = zipText(buf, 'word/styles.xml');
    assert.match(styles, /<w:rPrDefault><w:rPr><w:rFonts [^>]*w:eastAsia="宋体"/, '宋体 fallback');
    assert.match(zipText(buf, 'word/settings.xml'), /<w:evenAndOddHeaders\/>/);
    const footers = [...parts.keys()].filter((n) => /^word\/footer\d+\.xml$/.test(n));
    assert.equal(footers.length, 2, 'odd and even footers');
    for (const f of footers) {
      const fx = zipText(buf, f);
      assert.match(fx, /<w:instrText xml:space="preserve">PAGE<\/w:instrText>/);
      assert.ok(fx.includes('>— <') && fx.includes('> —<'), '— 1 —');
      assert.match(fx, /w:eastAsia="宋体"/);
    }
  });

  it('the title font can be 黑体', async () => {
    const buf = await buildLetterDocx(sampleLetter('extension'), { titleFont: '黑体' });
    const first = /<w:r>(.*?)<\/w:r>/s.exec(zipText(buf, 'word/document.xml'))![1]!;
    assert.match(first, /w:eastAsia="黑体"/);
  });

  it('centres the agency over the date (seal layout)', async () => {
    // Digits are half-width: 2026 (2) 年 (1) 11 (1) 月 (1) 28 (1) 日 (1).
    assert.equal(displayWidth('2026年11月28日'), 7);
    assert.equal(displayWidth('市中区人民政府办公室'), 10);
    const buf = await buildLetterDocx({ ...sampleLetter('acceptance'), agencyName: '市中区人民政府办公室' });
    const paragraphs = [...zipText(buf, 'word/document.xml').matchAll(/<w:p>(.*?)<\/w:p>/gs)].map((m) => m[1]!);
    // Date: 4 characters (4 × 320 twips) from the right; agency: 1280 + (7 − 10) / 2 × 320 = 800.
    assert.match(paragraphs.at(-2)!, /<w:ind w:right="800"\/>/);
    assert.match(paragraphs.at(-1)!, /<w:ind w:right="1280"\/>/);
  });
});

function findOnPath(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

const soffice = findOnPath('soffice') ?? findOnPath('libreoffice');

describe('LibreOffice', () => {
  it(
    'converts a reply letter to PDF',
    { skip: soffice ? false : 'LibreOffice (soffice) is not installed on this machine: PDF conversion not checked', timeout: 180_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gongkai-letter-'));
      try {
        const docx = join(dir, 'reply.docx');
        writeFileSync(docx, await buildLetterDocx(sampleLetter('reply', 'partial')));
        const r = spawnSync(soffice!, ['--headless', '--norestore', `-env:UserInstallation=file://${join(dir, 'profile')}`, '--convert-to', 'pdf', '--outdir', dir, docx], {
          encoding: 'utf8',
          timeout: 170_000,
          env: { ...process.env, HOME: dir },
        });
        assert.equal(r.status, 0, `soffice failed: ${r.stderr}`);
        const pdf = readFileSync(join(dir, 'reply.pdf'));
        assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
        assert.ok(pdf.length > 1000);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
