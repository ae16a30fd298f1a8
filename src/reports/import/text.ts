/**
 * A text report or a report JSON from bytes (shared by importReportBytes and the older
 * parseReportBytes of input.ts): decoded by text/decode.ts (UTF-8, UTF-16, GB18030), then a JSON
 * object is validated as a report JSON (DOMAIN.md §4.4) and anything else is read by the text
 * importer.
 */
import { ReportInputError } from '../errors.js';
import { emptyParseInfo, type ParsedReport } from '../parse-info.js';
import { ReportJsonError, validateReportJson } from '../report.js';
import { decodeReportBytes } from '../text/decode.js';
import { parseReportText } from '../text/parse.js';

export interface TextImport extends ParsedReport {
  format: 'text' | 'json';
  /** The encoding the bytes were decoded from. */
  encoding: string;
}

function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) continue;
    return c === 0x7b; // '{'
  }
  return false;
}

/** UTF-16 text without a byte-order mark gets one, so that the decoder knows. */
function withBom(b: Uint8Array, utf16: 'utf-16le' | 'utf-16be' | null | undefined): Uint8Array {
  if (!utf16 || (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return b;
  const out = new Uint8Array(b.length + 2);
  out.set(utf16 === 'utf-16le' ? [0xff, 0xfe] : [0xfe, 0xff]);
  out.set(b, 2);
  return out;
}

/** Reads a text report or report JSON; every failure is a ReportInputError. */
export function parseTextBytes(bytes: Uint8Array, opts: { maxBytes: number; utf16?: 'utf-16le' | 'utf-16be' | null }): TextImport {
  const { text, encoding, notes } = decodeReportBytes(withBom(bytes, opts.utf16), { maxBytes: opts.maxBytes + (opts.utf16 ? 2 : 0) });
  if (looksLikeJson(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ReportInputError(`JSON 语法错误：${(e as Error).message}`);
    }
    try {
      const report = validateReportJson(value);
      const info = emptyParseInfo('json');
      info.notes.push(...notes);
      return { report, info, format: 'json', encoding };
    } catch (e) {
      if (e instanceof ReportJsonError) throw new ReportInputError(e.message);
      throw e;
    }
  }
  const parsed = parseReportText(text);
  parsed.info.notes.unshift(...notes);
  return { ...parsed, format: 'text', encoding };
}
