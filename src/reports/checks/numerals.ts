/**
 * Numbers as written in report prose: Arabic digits (half- or full-width) and Chinese numerals
 * 零〇一二两三四五六七八九十百千 (up to 9999, the range of application counts).
 */

const DIGIT: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNIT: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

/** Parses 15, １５, 十五, 二十, 一百零五, 两千, 二〇二〇 …; null when the text is not such a number. */
export function parseNumeral(s: string): number | null {
  if (s.length === 0) return null;
  const c0 = s.charCodeAt(0);
  if ((c0 >= 0x30 && c0 <= 0x39) || (c0 >= 0xff10 && c0 <= 0xff19)) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const d = c >= 0xff10 ? c - 0xff10 : c - 0x30;
      if (d < 0 || d > 9) return null;
      n = n * 10 + d;
    }
    return n;
  }
  let hasUnit = false;
  for (const ch of s) {
    if (UNIT[ch] !== undefined) hasUnit = true;
    else if (DIGIT[ch] === undefined) return null;
  }
  if (!hasUnit) {
    // Digit by digit: 二〇二〇 → 2020; a single digit is itself.
    let n = 0;
    for (const ch of s) n = n * 10 + DIGIT[ch]!;
    return n;
  }
  let total = 0;
  let cur: number | null = null;
  let lastUnit = Infinity;
  for (const ch of s) {
    const u = UNIT[ch];
    if (u !== undefined) {
      if (u >= lastUnit) return null; // 十百, 百百: not a number
      total += (cur ?? 1) * u;
      cur = null;
      lastUnit = u;
    } else {
      const d = DIGIT[ch]!;
      if (cur !== null && cur !== 0 && d !== 0) return null; // 五五十: not a number
      cur = d;
    }
  }
  return total + (cur ?? 0);
}
