/**
 * A small well-formedness check of the XML the site writes (feeds, sitemaps), for tests: only
 * XML 1.0 characters; every `&` starts an entity; every `<` starts a tag, a declaration or an
 * end tag; tags nest and close; attribute values are quoted. Plus `texts(xml, name)`: the decoded
 * text of each <name> element. (The browser test also parses a feed with Chromium's DOMParser.)
 */
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const TAG = /^<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*(\/?)>/;

export function assertWellFormedXml(xml: string): void {
  if (!XML_CHAR.test(xml)) throw new Error('a character XML does not allow');
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let i = 0;
  let root = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch === '<') {
      const m = TAG.exec(body.slice(i));
      if (!m) throw new Error(`bad markup at ${i}: ${body.slice(i, i + 40)}`);
      const [whole, close, name, attrs, selfClose] = m;
      for (const a of attrs!.matchAll(/="([^"]*)"/g)) checkEntities(a[1]!, i);
      if (close) {
        if (stack.pop() !== name) throw new Error(`unbalanced </${name}> at ${i}`);
      } else if (!selfClose) {
        if (stack.length === 0) root++;
        stack.push(name!);
      } else if (stack.length === 0) root++;
      i += whole!.length;
      continue;
    }
    const next = body.indexOf('<', i);
    const text = body.slice(i, next < 0 ? body.length : next);
    if (stack.length === 0 && text.trim()) throw new Error(`text outside the root at ${i}`);
    if (text.includes('>')) throw new Error(`'>' in text at ${i}`);
    checkEntities(text, i);
    i = next < 0 ? body.length : next;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('><')}>`);
  if (root !== 1) throw new Error(`${root} root elements`);
}

function checkEntities(s: string, at: number): void {
  for (const m of s.matchAll(/&/g)) {
    if (!/^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/.test(s.slice(m.index))) throw new Error(`bare & at ${at + m.index}`);
  }
}

const decode = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e as 'amp']);

/** The decoded text of every <name>…</name> element (no nested elements). */
export function texts(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`, 'g'))].map((m) => decode(m[1]!));
}
