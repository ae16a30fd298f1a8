import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ValidationError } from '../validation.js';
import { documentTokens, fieldContainsWord, GAP, isBigram, keyToken, MAX_QUERY_CHARS, MAX_QUERY_WORDS, normalize, parseQuery, scopeToken, type QueryWord } from './tokenize.js';

const HEAD = '\uE003';
const TAIL = '\uE004';
const SEP = '\uE001';

/** Where a query word occurs in a token stream, by the definition of the index (no database). */
function occursIn(tokens: readonly string[], w: QueryWord): boolean {
  if (w.kind === 'char') return tokens.some((t) => t === w.tail || ([...t].length === 2 && t.startsWith(w.prefix) && t[0] !== '\uE000'));
  for (let p = 0; p + w.tokens.length <= tokens.length; p++) {
    if (w.tokens.every((t, k) => tokens[p + k] === t)) return true;
  }
  return false;
}

/**
 * Text with many collisions: a few CJK characters (one astral), Latin letters and digits, their
 * full-width forms, punctuation, spaces, a zero-width space and a combining mark.
 */
const ALPHABET = [...'政府信息公开年度报告政府', '𠮷', ...'abAB12', ...'ＡＢ１２', ...'，。/-、“”（）', ' ', ' ', '\u3000', '\u200b', 'e\u0301'];
const text = (max = 40) => fc.array(fc.constantFrom(...ALPHABET), { maxLength: max }).map((xs) => xs.join(''));

describe('normalize', () => {
  test('full-width and half-width forms are one; Latin is lower case; invisible characters go', () => {
    assert.equal(normalize('ＧＢ／Ｔ　７７１４－２０１５'), 'gb/t 7714-2015');
    assert.equal(normalize('２０２４年'), '2024年');
    assert.equal(normalize('政\u200b府\uFEFF'), '政府');
    assert.equal(normalize('Ⅻ'), 'xii');
    assert.equal(normalize('\uF900'), '豈'); // a compatibility ideograph is its unified form
  });

  test('is idempotent (property)', () => {
    fc.assert(fc.property(fc.oneof(text(), fc.string({ unit: 'binary' })), (s) => normalize(normalize(s)) === normalize(s)), { numRuns: 500 });
  });
});

describe('documentTokens', () => {
  test('a CJK run gives its head, its bigrams and its tail; words and separators one token each', () => {
    assert.deepEqual(documentTokens(['年度报告']), [`${HEAD}年`, '年度', '度报', '报告', `${TAIL}告`]);
    assert.deepEqual(documentTokens(['年']), [`${HEAD}年`, `${TAIL}年`]);
    assert.deepEqual(documentTokens(['GB/T 7714']), ['gb', `${SEP}2f`, 't', GAP, '7714']);
    assert.deepEqual(documentTokens(['2024年度']), ['2024', `${HEAD}年`, '年度', `${TAIL}度`]);
    assert.deepEqual(documentTokens(['政府', null, '', '公开']), [`${HEAD}政`, '政府', `${TAIL}府`, GAP, `${HEAD}公`, '公开', `${TAIL}开`]);
  });

  test('a CJK run of n characters gives n + 1 tokens (the cost of heads and tails: one per run)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'政府信息公开年度报告'), { minLength: 1, maxLength: 60 }), (cs) => documentTokens([cs.join('')]).length === cs.length + 1),
    );
  });

  test('long words are cut into pieces; a later piece never equals a word of its own', () => {
    const word = 'a'.repeat(40);
    const [first, second] = documentTokens([word]);
    assert.equal(first, 'a'.repeat(32));
    assert.notEqual(second, 'a'.repeat(8));
    assert.equal(occursIn(documentTokens([word]), parseQuery('a'.repeat(8)).words[0]!), false);
  });

  test('isBigram: two CJK characters, nothing else (the vocabulary of one-character queries)', () => {
    assert.deepEqual(['政府', '𠮷野', '野𠮷', 'gb', '政', `${HEAD}政`, '政1', ''].map(isBigram), [true, true, true, false, false, false, false, false]);
    fc.assert(fc.property(text(30), (t) => documentTokens([t]).every((tok) => isBigram(tok) === ([...tok].length === 2 && /^\p{Script=Han}+$/u.test(tok)))));
  });

  test('keys and scopes are tokens of their own, never equal to each other or to text tokens', () => {
    assert.notEqual(keyToken('catalogue'), scopeToken('catalogue'));
    assert.ok(!documentTokens([keyToken('x')]).includes(keyToken('x')));
  });
});

describe('parseQuery', () => {
  const tokens = (q: string) => parseQuery(q).words.map((w) => (w.kind === 'phrase' ? w.tokens : `char ${w.prefix}`));

  test('2…10 CJK characters are a phrase of adjacent bigrams; one character is a word of its own kind', () => {
    assert.deepEqual(tokens('政'), ['char 政']);
    assert.deepEqual(tokens('政府'), [['政府']]);
    assert.deepEqual(tokens('政府信'), [['政府', '府信']]);
    assert.deepEqual(tokens('政府信息'), [['政府', '府信', '信息']]);
    assert.deepEqual(tokens('政府信息公开年度报告'), [['政府', '府信', '信息', '息公', '公开', '开年', '年度', '度报', '报告']]);
  });

  test('mixed words: a CJK run inside a word is pinned by its head or tail', () => {
    assert.deepEqual(tokens('2024年'), [['2024', `${HEAD}年`]]);
    assert.deepEqual(tokens('年2024'), [[`${TAIL}年`, '2024']]);
    assert.deepEqual(tokens('第20条'), [[`${TAIL}第`, '20', `${HEAD}条`]]);
    assert.deepEqual(tokens('GB/T 7714'), [['gb', `${SEP}2f`, 't'], ['7714']]);
    assert.deepEqual(tokens('ＧＢ／Ｔ　７７１４'), tokens('GB/T 7714'));
  });

  test('spaces separate words (ANDed); punctuation around a word is dropped; repeated words once', () => {
    assert.deepEqual(tokens('  “政府”  《公开》 政府 '), [['政府'], ['公开']]);
    assert.deepEqual(parseQuery('').words, []);
    assert.deepEqual(parseQuery('！？。 ，、 ""').words, []);
  });

  test('operators and quotes typed by users become literal separators, never syntax', () => {
    const attempts = ['"', '*', 'NEAR(', 'a NEAR(b c)', ':', '&', '|', '!', '<->', '\\', "'", "'; DROP TABLE search_documents; --", '"政府" OR "公开"', '政府*', 'title:政府', '政府 & !公开', '政府 <-> 公开', '\\x00', '政府\\'];
    for (const q of attempts) {
      for (const w of parseQuery(q).words) {
        const ts = w.kind === 'phrase' ? w.tokens : [w.prefix, w.tail];
        for (const t of ts) assert.match(t, /^[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+$/u, `${JSON.stringify(q)} → ${JSON.stringify(t)}`);
      }
    }
    assert.deepEqual(tokens('"政府" OR "公开"'), [['政府'], ['or'], ['公开']]);
  });

  test('no token ever holds ASCII punctuation or spaces, whatever is typed (property)', () => {
    fc.assert(
      fc.property(fc.oneof(text(), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 })), (q) => {
        let words: QueryWord[];
        try {
          words = parseQuery(q).words;
        } catch (e) {
          return e instanceof ValidationError;
        }
        return words.every((w) => (w.kind === 'phrase' ? w.tokens : [w.prefix, w.tail]).every((t) => t.length > 0 && !/[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/.test(t)));
      }),
      { numRuns: 1000 },
    );
  });

  test('too long, or too many words: a Chinese message', () => {
    assert.equal(parseQuery('政'.repeat(MAX_QUERY_CHARS)).words.length, 1);
    assert.throws(() => parseQuery('政'.repeat(MAX_QUERY_CHARS + 1)), (e: unknown) => e instanceof ValidationError && /检索词过长/.test(e.message));
    assert.throws(() => parseQuery('政府'.repeat(500)), ValidationError);
    const many = Array.from({ length: MAX_QUERY_WORDS + 1 }, (_, i) => `词${i}`).join(' ');
    assert.throws(() => parseQuery(many), (e: unknown) => e instanceof ValidationError && /最多/.test(e.message));
  });
});

describe('the index finds a word exactly where the text contains it (property, no database)', () => {
  test('token-level matching equals substring search with whole Latin words', () => {
    const wordOf = (doc: string) =>
      fc.oneof(
        // a piece of the document (it often occurs), or any short text (it often does not)
        fc.tuple(fc.nat(), fc.integer({ min: 1, max: 12 })).map(([start, len]) => {
          const cs = [...doc];
          const s = cs.length ? start % cs.length : 0;
          return cs.slice(s, s + len).join('');
        }),
        text(6),
      );
    fc.assert(
      fc.property(
        text(60).chain((doc) => fc.tuple(fc.constant(doc), wordOf(doc))),
        ([doc, q]) => {
          const tokens = documentTokens([doc]);
          for (const w of parseQuery(q.replace(/\s+/g, '')).words) {
            const expected = fieldContainsWord(normalize(doc), w.text);
            if (occursIn(tokens, w) !== expected) return false;
          }
          return true;
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('examples', () => {
    const has = (doc: string, q: string) => parseQuery(q).words.every((w) => occursIn(documentTokens([doc]), w));
    assert.equal(has('2024年度报告', '2024年'), true);
    assert.equal(has('12024年度报告', '2024年'), false);
    assert.equal(has('2024 年度报告', '2024年'), false);
    assert.equal(has('report', 'port'), false);
    assert.equal(has('依据GB/T 7714规定', 'GB/T 7714'), true);
    assert.equal(has('依据GB-T 7714规定', 'GB/T'), false);
    assert.equal(has('市政府信访局', '政府信息'), false);
    assert.equal(has('市政府信访局', '府'), true);
    assert.equal(has('政府，信息', '政府信息'), false);
    assert.equal(has('𠮷野家', '𠮷野'), true);
  });
});
