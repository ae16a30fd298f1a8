/**
 * XML text for the feeds and the sitemap, which are built as strings (no XML library needed for
 * two fixed formats). `xmlText` makes any string safe inside an element or an attribute value:
 * the five special characters are escaped, and characters XML 1.0 does not allow at all (C0
 * control characters other than tab, line feed and carriage return; U+FFFE, U+FFFF; unpaired
 * surrogates) are dropped — escaping cannot represent them, and a single one makes a feed
 * unreadable.
 */

/** Characters outside XML 1.0's Char production (with the `u` flag, a lone surrogate is one code point). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlText(s: string): string {
  return s.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** An element with escaped text content: <name>text</name>. */
export function el(name: string, text: string, attrs: Record<string, string> = {}): string {
  return `<${name}${attributes(attrs)}>${xmlText(text)}</${name}>`;
}

export function attributes(attrs: Record<string, string>): string {
  return Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${xmlText(v)}"`)
    .join('');
}
