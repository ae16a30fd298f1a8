import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LetterError } from './errors.js';
import { formatDocNumber, parseDocNumber, prefixProblem } from './doc-number.js';

describe('formatDocNumber', () => {
  it('formats prefix, year and serial', () => {
    assert.equal(formatDocNumber({ prefix: '永政公开', year: 2026, serial: 12 }), '永政公开〔2026〕第12号');
    assert.equal(formatDocNumber({ prefix: '永政公开', year: 2026, serial: 12 }, { ordinal: false }), '永政公开〔2026〕12号');
    assert.equal(formatDocNumber({ prefix: '市中政信', year: 2025, serial: 1 }), '市中政信〔2025〕第1号');
  });

  it('refuses a bad prefix, year or serial, in Chinese, listing all', () => {
    const cases: [Parameters<typeof formatDocNumber>[0], RegExp][] = [
      [{ prefix: '', year: 2026, serial: 1 }, /文号前缀（机关代字）不能为空/],
      [{ prefix: '永政 公开', year: 2026, serial: 1 }, /不能含空格/],
      [{ prefix: '永政〔公开', year: 2026, serial: 1 }, /不能含括号/],
      [{ prefix: '永'.repeat(21), year: 2026, serial: 1 }, /最多20个字/],
      [{ prefix: '永政\u0007', year: 2026, serial: 1 }, /控制字符/],
      [{ prefix: '永政公开', year: 26, serial: 1 }, /文号年份应为1949至2200之间的整数，收到「26」/],
      [{ prefix: '永政公开', year: 2026, serial: 0 }, /文号序号应为1至999999之间的整数，收到「0」/],
      [{ prefix: '永政公开', year: 2026, serial: 1.5 }, /文号序号/],
    ];
    for (const [input, re] of cases) {
      assert.throws(() => formatDocNumber(input), (e: unknown) => e instanceof LetterError && re.test(e.message), JSON.stringify(input));
    }
    const e = (() => {
      try {
        formatDocNumber({ prefix: '', year: 0, serial: -1 });
      } catch (err) {
        return err as LetterError;
      }
      return null;
    })();
    assert.equal(e?.problems.length, 3);
  });

  it('prefixProblem accepts ordinary prefixes', () => {
    for (const p of ['永政公开', '市中政信公开', '永安镇依申请', 'YA政公开']) assert.equal(prefixProblem(p), null, p);
    assert.match(prefixProblem(42) ?? '', /应为文字/);
  });
});

describe('parseDocNumber', () => {
  it('reads canonical and commonly mistyped forms', () => {
    assert.deepEqual(parseDocNumber('永政公开〔2026〕第12号'), { prefix: '永政公开', year: 2026, serial: 12, ordinal: true });
    assert.deepEqual(parseDocNumber('永政公开〔2026〕12号'), { prefix: '永政公开', year: 2026, serial: 12, ordinal: false });
    for (const s of ['永政公开[2026]第12号', '永政公开［2026］第12号', '永政公开【2026】第12号', '永政公开（2026）第12号', ' 永政公开 〔 2026 〕 第 012 号\u3000']) {
      assert.deepEqual(parseDocNumber(s), { prefix: '永政公开', year: 2026, serial: 12, ordinal: true }, s);
    }
  });

  it('returns null for what is not a document number', () => {
    for (const s of ['', '永政公开', '〔2026〕第12号', '永政公开〔26〕第12号', '永政公开〔2026〕第0号', '永政公开〔2026〕第12', '永政公开〔1800〕第1号', '永 政〔2026〕第1号']) {
      assert.equal(parseDocNumber(s), null, s);
    }
    assert.equal(parseDocNumber(undefined as unknown as string), null);
  });

  it('round-trips: parse(format(x)) = x', () => {
    const prefix = fc
      .array(fc.constantFrom('永', '政', '公', '开', '市', '中', '信', '镇', '办', 'A', '1', '-'), { minLength: 1, maxLength: 20 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(prefix, fc.integer({ min: 1949, max: 2200 }), fc.integer({ min: 1, max: 999_999 }), fc.boolean(), (p, year, serial, ordinal) => {
        assert.deepEqual(parseDocNumber(formatDocNumber({ prefix: p, year, serial }, { ordinal })), { prefix: p, year, serial, ordinal });
      }),
    );
  });
});
