/**
 * The tokenizer of the search index, shared by indexing and queries (pure, no I/O).
 *
 * Chinese has no spaces between words and dictionary segmentation loses recall on names it does
 * not know, so CJK text is indexed as overlapping character bigrams (政府信息 → 政府 府信 信息);
 * a query of n ≥ 2 CJK characters is then the phrase of its n−1 bigrams, which occurs exactly
 * where the query string does. Both databases index the same tokens (SQLite FTS5 with the ascii
 * tokenizer, which splits them on the spaces we put between them; PostgreSQL in our own posting
 * lists), so neither database's own word rules ever apply.
 *
 * Text is first normalized (NFKC, lower case, invisible format characters removed: full-width
 * ＧＢ／Ｔ７７１４ is gb/t7714, an ideographic space is a space) and cut into units, each giving
 * tokens at consecutive positions:
 *
 *   CJK run     maximal run of Han / kana / Hangul → HEAD+first character, its bigrams,
 *               TAIL+last character (L + 1 tokens for L characters: 年度报告 → ^年 年度 度报 报告 告$).
 *               The head and tail let a query word start or end inside a run on one character
 *               (「2024年」 is 2024 followed by a run starting with 年) without indexing every
 *               character a second time.
 *   word        maximal run of other letters, digits and marks (Latin, digits, Cyrillic …) → one
 *               token, whole words only; longer than WORD_PIECE characters → pieces, the later
 *               ones marked so that a word's tail never matches as a word of its own.
 *   separators  whitespace, punctuation, symbols between units → one token naming the run
 *               exactly (〔 is not 【), or GAP when the run holds whitespace (which no query word
 *               contains). Fields are separated by a GAP too.
 *
 * A query of one CJK character alone matches it anywhere: any bigram starting with it (the
 * engines keep a vocabulary of the bigrams), or its tail (indexing every character once more, or
 * an FTS5 prefix index, would cost +50–70 % of index size: see docs/architecture.md).
 *
 * Tokens carrying a private-use mark (GAP, separators, heads, tails, scopes, keys) never collide
 * with text tokens: private-use characters in the text are separators and end up hex-encoded.
 *
 * What a query word matches (the exact contract, checked against a brute-force substring search
 * in the tests): the normalized document field contains the normalized word (leading and trailing
 * punctuation removed), and a Latin word or number at either end of the word is a whole word in
 * the document (检索 "2024年" finds 2024年度 but not 12024年; "port" does not find report).
 * Space-separated query words are ANDed.
 */
import { ValidationError } from '../validation.js';

/** Separator run containing whitespace, and the boundary between fields. */
export const GAP = '\uE000';
/** Prefix of a separator-run token: \uE001 + hex code points joined by 'x' (or 'h' + hash). */
const SEP = '\uE001';
/** Prefix of the second and later pieces of a long word. */
const WORD_CONT = '\uE002';
/** HEAD + c: a CJK run starts with c. */
const HEAD = '\uE003';
/** TAIL + c: a CJK run ends with c. */
const TAIL = '\uE004';
/** Prefix of a scope's token: \uE00E + hex of the scope's UTF-8. */
const SCOPE = '\uE00E';
/** Prefix of a filter key's token: \uE00F + hex of the key's UTF-8. */
const KEY = '\uE00F';

/** Longest word token; longer words are cut into pieces of this many characters. */
export const WORD_PIECE = 32;
/** Separator runs longer than this are named by a hash of the run rather than spelled out. */
const SEP_SPELLED = 8;

/** Longest query accepted, in characters after normalization (spaces not counted). */
export const MAX_QUERY_CHARS = 100;
/** Most words (space-separated parts) in one query. */
export const MAX_QUERY_WORDS = 10;

// Character classes. Code points are classified once and cached (the text is mostly a few
// thousand distinct characters); the common ranges are decided without a regular expression.
const CJK = 0;
const WORD = 1;
const SPACE = 2;
const PUNCT = 3;
type Kind = typeof CJK | typeof WORD | typeof SPACE | typeof PUNCT;

const RE_CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]$/u;
const RE_WORD = /^[\p{L}\p{N}\p{M}]$/u;
const RE_SPACE = /^[\s\p{Z}\p{Cc}]$/u;
const kindCache = new Map<number, Kind>();

function kindOf(cp: number): Kind {
  if (cp < 0x80) {
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a)) return WORD;
    return cp <= 0x20 || cp === 0x7f ? SPACE : PUNCT;
  }
  if (cp >= 0x4e00 && cp <= 0x9fff) return CJK;
  // Private use (filter keys and our own marks live there): always a separator.
  if ((cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000) return PUNCT;
  let k = kindCache.get(cp);
  if (k === undefined) {
    const ch = String.fromCodePoint(cp);
    k = RE_CJK.test(ch) ? CJK : RE_WORD.test(ch) ? WORD : RE_SPACE.test(ch) ? SPACE : PUNCT;
    if (kindCache.size < 100_000) kindCache.set(cp, k);
  }
  return k;
}

/** True when the character is part of a word (letters, digits, marks other than CJK). */
export function isWordChar(ch: string): boolean {
  return kindOf(ch.codePointAt(0)!) === WORD;
}

const RE_IGNORABLE = /[\p{Cf}\p{Variation_Selector}]/gu;
const RE_ASCII = /^[\x00-\x7f]*$/;

/**
 * The normalized form searched: NFKC (full-width → half-width, compatibility ideographs → unified
 * ones), lower case, invisible format characters and variation selectors removed.
 */
export function normalize(text: string): string {
  if (RE_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKC').toLowerCase().normalize('NFKC').replace(RE_IGNORABLE, '');
}

/** A unit of normalized text: a CJK run, a word, or a run of separators. */
interface Unit {
  kind: Kind;
  /** The unit's code points as one-character strings (astral characters are one element). */
  chars: string[];
}

function units(norm: string): Unit[] {
  const out: Unit[] = [];
  let cur: Unit | null = null;
  for (const ch of norm) {
    let k = kindOf(ch.codePointAt(0)!);
    if (k === SPACE) k = PUNCT; // one separator run; whitespace is remembered by the run's token
    if (cur && cur.kind === k) cur.chars.push(ch);
    else {
      cur = { kind: k, chars: [ch] };
      out.push(cur);
    }
  }
  return out;
}

function separatorToken(chars: string[]): string {
  for (const ch of chars) if (kindOf(ch.codePointAt(0)!) === SPACE) return GAP;
  if (chars.length <= SEP_SPELLED) return SEP + chars.map((c) => c.codePointAt(0)!.toString(16)).join('x');
  return `${SEP}h${fnv1a64(chars.join(''))}`;
}

/** FNV-1a, 64 bits, as 16 hex digits (names long separator runs; not a security hash). */
function fnv1a64(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** Tokens of a CJK run; `head`/`tail`: with its HEAD / TAIL token. */
function pushCjk(out: string[], chars: string[], head: boolean, tail: boolean): void {
  if (head) out.push(HEAD + chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  if (tail) out.push(TAIL + chars[chars.length - 1]!);
}

function pushWord(out: string[], chars: string[]): void {
  if (chars.length <= WORD_PIECE) {
    out.push(chars.join(''));
    return;
  }
  for (let i = 0; i < chars.length; i += WORD_PIECE) out.push((i ? WORD_CONT : '') + chars.slice(i, i + WORD_PIECE).join(''));
}

/**
 * Tokens of a document's fields (each normalized here), in order: a token's position is its
 * index. A GAP separates two fields, so that no phrase spans fields; empty fields are skipped.
 */
export function documentTokens(fields: readonly (string | null | undefined)[]): string[] {
  const out: string[] = [];
  for (const f of fields) {
    if (!f) continue;
    const us = units(normalize(f));
    if (!us.length) continue;
    if (out.length) out.push(GAP);
    for (const u of us) {
      if (u.kind === CJK) pushCjk(out, u.chars, true, true);
      else if (u.kind === WORD) pushWord(out, u.chars);
      else out.push(separatorToken(u.chars));
    }
  }
  return out;
}

/**
 * One word of a query. `phrase`: tokens at adjacent positions, occurring exactly where the word
 * does. `char`: a word of one CJK character, which occurs anywhere: as the first character of a
 * bigram (a bigram starting with `prefix`) or as the last of a run (the token `tail`).
 */
export type QueryWord =
  | { kind: 'phrase'; /** the normalized word */ text: string; tokens: string[] }
  | { kind: 'char'; text: string; prefix: string; tail: string };

export interface ParsedQuery {
  words: QueryWord[];
}

/**
 * Parses what a user typed. Whitespace separates words (ANDed); quotes, operators and other
 * punctuation at the ends of a word are dropped and inside a word are matched literally, so
 * nothing typed ever reaches the database's query syntax. No words means nothing searchable was
 * typed (empty, or only punctuation). Throws ValidationError (field `query`) with a Chinese
 * message when the query is too long or has too many words.
 */
export function parseQuery(input: string): ParsedQuery {
  const norm = normalize(typeof input === 'string' ? input : '');
  const words: QueryWord[] = [];
  let chars = 0;
  for (const raw of norm.split(/[\s\p{Z}\p{Cc}]+/u)) {
    const us = units(raw);
    // Drop separators at either end: 「“政府”」 is 政府, 「GB/T」 keeps its slash.
    while (us.length && us[0]!.kind === PUNCT) us.shift();
    while (us.length && us[us.length - 1]!.kind === PUNCT) us.pop();
    if (!us.length) continue;
    for (const u of us) chars += u.chars.length;
    const text = us.map((u) => u.chars.join('')).join('');
    if (words.some((w) => w.text === text)) continue;
    const only = us[0]!;
    if (us.length === 1 && only.kind === CJK && only.chars.length === 1) {
      words.push({ kind: 'char', text, prefix: text, tail: TAIL + text });
      continue;
    }
    // A CJK run inside the word is complete (HEAD and TAIL); the first run may begin earlier in
    // the document (no HEAD), the last may continue (no TAIL).
    const tokens: string[] = [];
    us.forEach((u, i) => {
      if (u.kind === CJK) pushCjk(tokens, u.chars, i > 0, i < us.length - 1);
      else if (u.kind === WORD) pushWord(tokens, u.chars);
      else tokens.push(separatorToken(u.chars));
    });
    words.push({ kind: 'phrase', text, tokens });
  }
  if (chars > MAX_QUERY_CHARS) throw new ValidationError({ query: `检索词过长，请不超过 ${MAX_QUERY_CHARS} 个字` });
  if (words.length > MAX_QUERY_WORDS) throw new ValidationError({ query: `检索词最多 ${MAX_QUERY_WORDS} 个（以空格分隔）` });
  return { words };
}

/**
 * The brute-force definition of a match, used by the tests to check the index: the normalized
 * field contains the query word, and a word character at either end of the query word is not
 * continued by a word character in the field.
 */
export function fieldContainsWord(normalizedField: string, word: string): boolean {
  if (!word) return false;
  const first = word.codePointAt(0)!;
  const lastCh = String.fromCodePoint(word.codePointAt(word.length - 1 - (isLowSurrogate(word, word.length - 1) ? 1 : 0))!);
  const checkStart = kindOf(first) === WORD;
  const checkEnd = isWordChar(lastCh);
  for (let at = normalizedField.indexOf(word); at >= 0; at = normalizedField.indexOf(word, at + 1)) {
    if (checkStart && at > 0) {
      const before = charBefore(normalizedField, at);
      if (isWordChar(before)) continue;
    }
    const end = at + word.length;
    if (checkEnd && end < normalizedField.length && isWordChar(String.fromCodePoint(normalizedField.codePointAt(end)!))) continue;
    return true;
  }
  return false;
}

function isLowSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff && i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff;
}

function charBefore(s: string, at: number): string {
  return isLowSurrogate(s, at - 1) ? s.slice(at - 2, at) : s.slice(at - 1, at);
}

/** True for a bigram token (two CJK characters): what a one-character query expands to. */
export function isBigram(token: string): boolean {
  const a = token.codePointAt(0)!;
  const b = token.codePointAt(a > 0xffff ? 2 : 1);
  return b !== undefined && token.length === (a > 0xffff ? 2 : 1) + (b > 0xffff ? 2 : 1) && kindOf(a) === CJK && kindOf(b) === CJK;
}

/** The token of a filter key (any string). */
export function keyToken(key: string): string {
  return KEY + Buffer.from(key, 'utf8').toString('hex');
}

/** The token of a scope (any string; never equal to a filter key's token). */
export function scopeToken(scope: string): string {
  return SCOPE + Buffer.from(scope, 'utf8').toString('hex');
}
