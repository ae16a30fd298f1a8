import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LetterError } from './errors.js';
import { TEMPLATE_KEYS, type TemplateKey } from './kinds.js';
import { chineseNumeral, cleanText, renderTemplate, usedFields, validateTemplate } from './template.js';
import { DEFAULT_TEMPLATES, REMEDY_LINE, feeLetterFields } from './templates.js';
import { feeByItems, feeByPages } from '../applications/fee.js';

function messages(key: TemplateKey | string, text: string): string[] {
  return validateTemplate(key, text).map((p) => (p.line === null ? p.message : `${p.line}:${p.message}`));
}

function renderError(fn: () => unknown): LetterError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LetterError, `expected LetterError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a LetterError');
}

const CORRECTION = { key: 'correction' as const, text: DEFAULT_TEMPLATES.correction };
const CORRECTION_FIELDS = {
  tracking_number: 'YA-1',
  received_date: '2026-11-02',
  correction_items: ['写明信息名称', '提供身份证明'],
  correction_deadline: '2026-11-20',
};

describe('default templates', () => {
  for (const key of TEMPLATE_KEYS) {
    it(`${key} passes validateTemplate`, () => {
      assert.deepEqual(validateTemplate(key, DEFAULT_TEMPLATES[key]), []);
    });
  }
  it('every reply template carries the remedy sentence', () => {
    for (const key of TEMPLATE_KEYS.filter((k) => k.startsWith('reply.'))) {
      assert.ok(DEFAULT_TEMPLATES[key].includes(REMEDY_LINE), key);
    }
  });
});

describe('validateTemplate', () => {
  it('rejects an unknown placeholder, naming it and its line', () => {
    const text = DEFAULT_TEMPLATES.correction + '\n请携带{{applicant_id_number}}到窗口办理。';
    const line = text.split('\n').length;
    assert.deepEqual(messages('correction', text), [`${line}:未知字段「{{applicant_id_number}}」`]);
  });

  it('rejects a field that belongs to another letter', () => {
    const problems = messages('correction', DEFAULT_TEMPLATES.correction + '\n查询码：{{query_code}}');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /字段「\{\{query_code\}\}」（查询码）不能用于政府信息公开申请补正告知书/);
  });

  it('rejects malformed placeholders', () => {
    const base = DEFAULT_TEMPLATES.acceptance;
    assert.match(messages('acceptance', `${base}\n编号：{{ Tracking }}`).join(), /写法不对/);
    assert.match(messages('acceptance', `${base}\n编号：{{tracking_number`).join(), /不完整的占位符/);
    assert.match(messages('acceptance', `${base}\n编号：tracking_number}}`).join(), /不完整的占位符/);
    assert.match(messages('acceptance', `${base}\n编号：｛｛tracking_number｝｝`).join(), /半角花括号/);
    // Spaces inside the braces are fine.
    assert.deepEqual(messages('acceptance', `${base}\n编号：{{ tracking_number }}`), []);
  });

  it('requires exactly one title, first', () => {
    const body = DEFAULT_TEMPLATES.acceptance.split('\n').slice(1).join('\n');
    assert.match(messages('acceptance', body).join(), /缺少标题行/);
    assert.match(messages('acceptance', `${DEFAULT_TEMPLATES.acceptance}\n# 又一个标题`).join(), /只能有一个标题行/);
    assert.match(messages('acceptance', `${body}\n# 标题在后`).join(), /标题行应为模板的第一行/);
    assert.match(messages('acceptance', '# 只有标题').join(), /没有正文/);
    assert.match(messages('acceptance', '#\n正文{{received_date}}').join(), /标题为空/);
  });

  it('keeps the remedy sentence in every reply, on a line always printed', () => {
    const without = DEFAULT_TEMPLATES['reply.withheld'].replace(REMEDY_LINE, '');
    const problems = messages('reply.withheld', without).join('\n');
    assert.match(problems, /缺少必备字段「\{\{review_body\}\}」（行政复议机关）/);
    assert.match(problems, /缺少必备字段「\{\{court\}\}」（人民法院）/);
    assert.match(problems, /缺少必备内容「行政复议」/);
    assert.match(problems, /缺少必备内容「行政诉讼」/);
    const optional = DEFAULT_TEMPLATES['reply.withheld'].replace(REMEDY_LINE, `? ${REMEDY_LINE}`);
    assert.ok(messages('reply.withheld', optional).length >= 2);
  });

  it('keeps the article cited by each notice', () => {
    const cases: [TemplateKey, string][] = [
      ['correction', '第三十条'],
      ['extension', '第三十三条'],
      ['third_party', '第三十二条'],
      ['third_party', '15个工作日'],
      ['fee', '109号'],
    ];
    for (const [key, text] of cases) {
      const edited = DEFAULT_TEMPLATES[key].split(text).join('有关规定');
      assert.ok(messages(key, edited).includes(`缺少必备内容「${text}」（不能放在可省略行中）`), `${key} ${text}`);
    }
  });

  it('requires the decision or its legal basis in replies', () => {
    const text = DEFAULT_TEMPLATES['reply.unavailable'].replace('{{decision}}', '经审查，本机关无法提供。');
    assert.match(messages('reply.unavailable', text).join(), /须包含「\{\{decision\}\}」（答复决定）或「\{\{legal_basis\}\}」（法律依据）之一/);
    const own = DEFAULT_TEMPLATES['reply.unavailable'].replace('{{decision}}', '根据{{legal_basis}}的规定，本机关无法提供。');
    assert.deepEqual(messages('reply.unavailable', own), []);
  });

  it('list fields stand alone on their line; optional lines need a field', () => {
    const listInline = DEFAULT_TEMPLATES.correction.replace('\n{{correction_items}}', '\n补正事项：{{correction_items}}');
    assert.match(messages('correction', listInline).join(), /列表字段「\{\{correction_items\}\}」（需要补正的事项）须单独占一行/);
    assert.match(messages('correction', `${DEFAULT_TEMPLATES.correction}\n? 没有字段的可省略行`).join(), /须包含至少一个占位符/);
  });

  it('rejects an unknown template key, oversized and non-text templates', () => {
    assert.deepEqual(messages('reply', 'x'), ['未知的模板种类「reply」']);
    assert.match(messages('acceptance', 'x'.repeat(20_001)).join(), /模板过长/);
    assert.match(messages('acceptance', '\n'.repeat(400)).join(), /行数过多/);
    assert.match(messages('acceptance', 42 as unknown as string).join(), /模板应为文字/);
  });
});

describe('renderTemplate', () => {
  it('fills a template; list items become numbered paragraphs', () => {
    const r = renderTemplate(CORRECTION, CORRECTION_FIELDS);
    assert.equal(r.title, '政府信息公开申请补正告知书');
    assert.ok(r.paragraphs[0]!.startsWith('本机关于2026年11月2日收到您提出的政府信息公开申请（申请编号：YA-1）'));
    assert.equal(r.paragraphs[1], '（一）写明信息名称');
    assert.equal(r.paragraphs[2], '（二）提供身份证明');
    assert.match(r.paragraphs[3]!, /^请您于2026年11月20日前/);
    assert.ok(!r.paragraphs.some((p) => p.includes('联系方式')), 'the optional contact line is left out');
    assert.ok(!JSON.stringify(r).includes('{{'));
  });

  it('accepts a list as text with one item per line', () => {
    const r = renderTemplate(CORRECTION, { ...CORRECTION_FIELDS, correction_items: '写明信息名称\r\n\n提供身份证明\n' });
    assert.deepEqual(r.paragraphs.slice(1, 3), ['（一）写明信息名称', '（二）提供身份证明']);
  });

  it('prints an optional line when its field is given', () => {
    const r = renderTemplate(CORRECTION, { ...CORRECTION_FIELDS, contact: '0632-5551234' });
    assert.equal(r.paragraphs.at(-1), '联系方式：0632-5551234');
  });

  it('names a missing field in Chinese, and never prints a placeholder', () => {
    const { correction_deadline: _omit, ...rest } = CORRECTION_FIELDS;
    const e = renderError(() => renderTemplate(CORRECTION, rest));
    assert.equal(e.message, '无法生成政府信息公开申请补正告知书：缺少字段「{{correction_deadline}}」（补正期限）');
    // Empty and blank values count as missing.
    const blank = renderError(() => renderTemplate(CORRECTION, { ...CORRECTION_FIELDS, correction_deadline: ' \u3000', correction_items: [] }));
    assert.deepEqual(blank.problems, ['缺少字段「{{correction_items}}」（需要补正的事项）', '缺少字段「{{correction_deadline}}」（补正期限）']);
  });

  it('names an unknown field, together with every other problem', () => {
    const e = renderError(() =>
      renderTemplate(CORRECTION, { ...CORRECTION_FIELDS, correction_deadline: '2026-02-30', reveiw_body: 'x', query_code: 'Q' }),
    );
    assert.equal(e.problems.length, 3);
    assert.ok(e.problems.includes('未知字段「reveiw_body」（政府信息公开申请补正告知书没有这个字段）'));
    assert.ok(e.problems.includes('未知字段「query_code」（政府信息公开申请补正告知书没有这个字段）'));
    assert.ok(e.problems.some((p) => p.startsWith('字段「{{correction_deadline}}」（补正期限）日期无效')));
  });

  it('refuses a template with an unknown placeholder', () => {
    const e = renderError(() => renderTemplate({ key: 'correction', text: `${CORRECTION.text}\n身份证号：{{id_number}}` }, CORRECTION_FIELDS));
    assert.match(e.message, /模板第\d+行未知字段「\{\{id_number\}\}」/);
  });

  it('checks values: integers, money, fee method, lengths, types', () => {
    const ext = { key: 'extension' as const, text: DEFAULT_TEMPLATES.extension };
    const fields = { received_date: '2026-11-02', tracking_number: 'A', request_summary: 'x', extension_reason: '信息较多', new_due_date: '2026-12-29' };
    assert.match(renderError(() => renderTemplate(ext, { ...fields, extension_days: 25 })).message, /「\{\{extension_days\}\}」（延长的工作日数）应为1至20之间的整数，收到「25」/);
    assert.match(renderError(() => renderTemplate(ext, { ...fields, extension_days: '1.5' })).message, /应为1至20之间的整数/);
    assert.ok(renderTemplate(ext, { ...fields, extension_days: '20' }).paragraphs[1]!.includes('延长20个工作日'));
    assert.match(renderError(() => renderTemplate(ext, { ...fields, extension_days: 20, request_summary: '长'.repeat(2001) })).message, /过长（2001字，最多2000字）/);
    assert.match(renderError(() => renderTemplate(ext, { ...fields, extension_days: 20, extension_reason: ['a'] })).message, /应为一项文字，不能是列表/);
    const fee = { key: 'fee' as const, text: DEFAULT_TEMPLATES.fee };
    const feeFields = { received_date: '2026-11-02', tracking_number: 'A', payment_deadline: '2026-12-25', payment_method: '窗口缴纳' };
    assert.match(renderError(() => renderTemplate(fee, { ...feeFields, fee_method: 'both', fee_amount: 100 })).message, /应为“按件计收”（items）或“按量计收”（pages）/);
    assert.match(renderError(() => renderTemplate(fee, { ...feeFields, fee_method: 'pages', fee_amount: -1 })).message, /应缴金额）应为不小于0的整数（元）/);
    const ok = renderTemplate(fee, { ...feeFields, fee_method: '按量计收', fee_amount: 700 });
    assert.ok(ok.paragraphs.includes('计费方式：按量计收。'));
    assert.ok(ok.paragraphs.includes('应缴金额：700元。'));
  });

  it('keeps values as text: markup stays literal, controls and bidi overrides go, placeholders in values are not expanded', () => {
    const r = renderTemplate(CORRECTION, {
      ...CORRECTION_FIELDS,
      tracking_number: '<b>YA-1</b>&amp;\u0000\u0007\u202E{{court}}\u200B',
      correction_items: ['<script>alert("x")</script>', '第二项\t带\n换行'],
    });
    assert.ok(r.paragraphs[0]!.includes('（申请编号：<b>YA-1</b>&amp;{{court}}）'));
    assert.equal(r.paragraphs[1], '（一）<script>alert("x")</script>');
    assert.equal(r.paragraphs[2], '（二）第二项 带 换行');
  });
});

describe('cleanText', () => {
  it('removes what Word cannot store or what hides text', () => {
    assert.equal(cleanText('  a\u0001b\u0085c\uFFFEd\uD800e\u2066f '), 'ab cdef');
    assert.equal(cleanText('甲\r\n乙\t丙  丁'), '甲 乙 丙 丁');
    assert.equal(cleanText('\u3000\u3000正文'), '正文');
    assert.equal(cleanText('😀 emoji'), '😀 emoji', 'a valid surrogate pair is kept');
  });
});

describe('usedFields and chineseNumeral', () => {
  it('lists the fields a template uses, in order', () => {
    assert.deepEqual(usedFields('# {{agency_name}}告知书\n{{addressee}}，{{received_date}}{{addressee}}\n? {{contact}}'), [
      'agency_name',
      'addressee',
      'received_date',
      'contact',
    ]);
    assert.ok(!usedFields(DEFAULT_TEMPLATES['reply.disclosed']).includes('applicant_address'));
  });

  it('numbers 1–99 in Chinese', () => {
    const cases: [number, string][] = [[1, '一'], [9, '九'], [10, '十'], [11, '十一'], [20, '二十'], [42, '四十二'], [99, '九十九']];
    for (const [n, s] of cases) assert.equal(chineseNumeral(n), s);
    assert.throws(() => chineseNumeral(0), RangeError);
    assert.throws(() => chineseNumeral(100), RangeError);
  });
});

describe('feeLetterFields', () => {
  it('turns a fee computation into the notice fields (45 items: 5500元)', () => {
    const f = feeLetterFields(feeByItems(45));
    assert.equal(f.fee_method, 'items');
    assert.equal(f.fee_amount, 5500);
    assert.equal(f.fee_quantity, '本自然月内累计申请45件');
    assert.deepEqual(f.fee_bands, [
      '第1—10件：10件，不收费；',
      '第11—30件：20件×100元/件＝2000元；',
      '第31—40件：10件×200元/件＝2000元；',
      '第41—45件：5件×300元/件＝1500元。',
    ]);
  });

  it('by pages, with a single-page band', () => {
    const f = feeLetterFields(feeByPages(101));
    assert.equal(f.fee_quantity, '共101页');
    assert.deepEqual(f.fee_bands, ['第1—30页：30页，不收费；', '第31—100页：70页×10元/页＝700元；', '第101页：1页×20元/页＝20元。']);
    assert.equal(f.fee_amount, 720);
  });
});
