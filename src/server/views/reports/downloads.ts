/**
 * Downloads of annual reports, shared by the back office (drafts, audited) and the portal
 * (published versions only): the formats in the order pages list them, the answer with its
 * Content-Disposition, the export errors as HTTP statuses, and the portal's cache of exported
 * bytes.
 *
 * The cache: a published version never changes (a change is a new version), so its exported bytes
 * are kept in memory per (report, version, format) — a small LRU bounded by entries and bytes. A
 * PDF (Chromium printing the HTML document, about a second) is made once per published version and
 * process, not once per visitor; concurrent first requests share one rendering. What is not cached
 * (a miss) is rate-limited per address by the route (an address walking through many reports makes
 * a rendering each), and publication warms the PDF ahead of the first visitor.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONTENT_TYPES, EXPORT_FORMATS, isExportFormat, PdfBusyError, PdfUnavailableError, ReportExportError, type ExportedReport, type ExportFormat } from '../../../reports/export/index.js';
import { NotFoundError } from '../../../errors.js';
import { HttpError } from '../../errors.js';
import { contentDisposition } from '../../routes/attachments.js';

export { EXPORT_FORMATS, type ExportFormat };

/** The formats in the order the pages offer them, with what a reader calls them. */
export const DOWNLOADS: ReadonlyArray<{ format: ExportFormat; label: string; hint: string }> = [
  { format: 'docx', label: 'Word 文档（.docx）', hint: '可编辑的公文格式' },
  { format: 'pdf', label: 'PDF 文档（.pdf）', hint: '便于打印和存档' },
  { format: 'html', label: '网页文件（.html）', hint: '可用浏览器离线阅读' },
  { format: 'xlsx', label: 'Excel 表格（.xlsx）', hint: '第二、三、四部分的表格' },
  { format: 'json', label: '数据文件（.json）', hint: '机器可读的开放数据格式' },
];

if (DOWNLOADS.length !== EXPORT_FORMATS.length || !EXPORT_FORMATS.every((f) => DOWNLOADS.some((d) => d.format === f))) {
  throw new Error('DOWNLOADS must list every export format');
}

/** The format named in a URL; anything else is "not found". */
export function parseFormat(raw: unknown): ExportFormat {
  if (!isExportFormat(raw)) throw new NotFoundError(`不支持该下载格式，可选：${DOWNLOADS.map((d) => d.format).join('、')}`);
  return raw;
}

/** The export's failures as the HTTP errors the app renders (anything else is rethrown). */
export function exportFailure(e: unknown, reply: FastifyReply): never {
  if (e instanceof PdfBusyError) {
    reply.header('retry-after', '30');
    throw new HttpError(503, 'PDF 生成任务较多，请稍后再试；也可以先下载 Word 或网页格式。');
  }
  if (e instanceof PdfUnavailableError) throw new HttpError(503, '暂时无法生成 PDF 文件，请下载 Word 或网页格式。');
  if (e instanceof ReportExportError) throw new HttpError(422, `该报告暂时不能导出：${e.message}`);
  throw e;
}

/** Sends an exported report as a download. */
export function sendExport(reply: FastifyReply, file: Pick<ExportedReport, 'bytes' | 'contentType' | 'fileName'>, cache: 'private' | 'public', etag?: string): FastifyReply {
  reply
    .header('content-disposition', contentDisposition(file.fileName))
    .header('content-length', file.bytes.length)
    .header('cache-control', cache === 'private' ? 'private, no-store' : 'public, max-age=300')
    .type(file.contentType);
  if (etag) reply.header('etag', etag);
  return reply.send(file.bytes);
}

export const contentTypeOf = (format: ExportFormat): string => CONTENT_TYPES[format];

/** Exported bytes per key (LRU), bounded by entries and bytes; concurrent misses share one export. */
export class ExportCache {
  private readonly entries = new Map<string, ExportedReport>();
  private readonly pending = new Map<string, Promise<ExportedReport>>();
  private bytes = 0;

  constructor(
    readonly maxEntries = 64,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** The cached export, refreshed as most recently used, or undefined. */
  get(key: string): ExportedReport | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  has(key: string): boolean {
    return this.entries.has(key) || this.pending.has(key);
  }

  /** The cached export, or `make`'s (shared by concurrent callers, kept when it succeeds). */
  async getOrMake(key: string, make: () => Promise<ExportedReport>): Promise<ExportedReport> {
    const hit = this.get(key);
    if (hit) return hit;
    const running = this.pending.get(key);
    if (running) return running;
    const p = make().then(
      (file) => {
        this.pending.delete(key);
        this.set(key, file);
        return file;
      },
      (e: unknown) => {
        this.pending.delete(key);
        throw e;
      },
    );
    this.pending.set(key, p);
    return p;
  }

  private set(key: string, file: ExportedReport): void {
    if (file.bytes.length > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.bytes.length;
      this.entries.delete(key);
    }
    this.entries.set(key, file);
    this.bytes += file.bytes.length;
    for (const [k, v] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.bytes.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every kept export. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

const caches = new WeakMap<FastifyInstance, ExportCache>();

/** The app's cache of published exports (the portal serves from it; publication warms it). */
export function exportCacheOf(app: FastifyInstance): ExportCache {
  let c = caches.get(app);
  if (!c) caches.set(app, (c = new ExportCache()));
  return c;
}

/** The cache key of a published version's export (a published version never changes). */
export const publishedKey = (agencyId: number, year: number, versionNumber: number, format: ExportFormat) => `${agencyId}/${year}/v${versionNumber}/${format}`;
