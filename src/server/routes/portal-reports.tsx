/**
 * The public 政府信息公开年报 (annual reports, 条例第49条–第50条), server-rendered, no login:
 *
 *   GET /xxgk/reports                              every published report, newest year first
 *   GET /xxgk/:agency/reports                      a column's (the agency and those below it);
 *                                                  an agency without a column → its column's (301)
 *   GET /xxgk/reports/:agencyId/:year              the one canonical page of an agency's report for a
 *                                                  year: the report, publication date, version
 *                                                  history with change notes, downloads
 *   GET /xxgk/reports/:agencyId/:year/download/:format   docx | pdf | html | xlsx | json of the
 *                                                  published version
 *   GET /static/reports.css                        the report pages' stylesheet
 *
 * Only the published version of a report is ever shown or exported here (annual-report.service
 * publicReport): a report not yet published, a draft, a version in review or a revision not yet
 * approved answers the same 404 as an unknown agency or year. Downloads are cached per published
 * version (views/reports/downloads.ts ExportCache: a published version never changes); an export
 * that is not cached is counted against a per-address rate limit, since a PDF costs a Chromium
 * rendering. The JSON of a published report is also GET /api/v1/reports/:agencyId/:year
 * (api-public.ts).
 */
import type { FastifyInstance, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { NotFoundError } from '../../errors.js';
import { loadAgencyTree, parseUrlId } from '../../portal/columns.js';
import { closePdfRenderer, exportReport } from '../../reports/export/index.js';
import { FIRST_REPORT_YEAR } from '../../reports/store/annual-report.schema.js';
import { publicReport, publishedReports, type PublicReport } from '../../reports/store/annual-report.service.js';
import type { SitemapUrl } from '../../portal/sitemap.js';
import type { Db } from '../../db/database.js';
import type { Limit } from '../../security/rate-limit.js';
import { sendPage } from '../app.js';
import { HttpError } from '../errors.js';
import { columnReportsUrl, REPORTS, reportUrl, XXGK } from '../views/portal/common.js';
import { exportCacheOf, exportFailure, parseFormat, publishedKey, sendExport, type ExportFormat } from '../views/reports/downloads.js';
import { PublicReportPage, ReportsIndexPage } from '../views/reports/public.js';
import { REPORT_PAGES_CSS, REPORT_PAGES_CSS_URL } from '../views/reports/style.js';
import { rateLimit } from './public-desk.js';
import { globalVersion, VersionedCache } from '../../db/versions.js';
import { page as renderPage } from '../views/layout.js';

export const REPORT_NOT_FOUND = '未找到该年度报告。它可能尚未公布，或者地址有误。';

/** Exports made (not served from the cache) per address: generous for people, a brake on scripts walking every report. */
export const EXPORT_LIMIT: Limit = { bucket: 'report_export', max: 30, windowMs: 10 * 60_000 };

/** A report year from a URL (four digits, 2019 on), else null. */
export function parseReportYear(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^\d{4}$/.test(raw)) return null;
  const y = Number(raw);
  return y >= FIRST_REPORT_YEAR && y <= 2100 ? y : null;
}

/** Downloads shared caches may keep: the anonymous CSRF cookie is left off (as portal-catalogue's SHARED). */
const SHARED: RouteShorthandOptions = {
  onSend: async (_req, reply, payload) => {
    reply.removeHeader('set-cookie');
    return payload;
  },
};

/** The published report an URL names (agency id and year), or 404. */
async function found(app: FastifyInstance, req: FastifyRequest): Promise<PublicReport> {
  const params = req.params as { agencyId?: string; year?: string };
  const agencyId = parseUrlId(params.agencyId);
  const year = parseReportYear(params.year);
  if (agencyId === null || year === null) throw new NotFoundError(REPORT_NOT_FOUND);
  const r = await publicReport(app.deps.db.kysely, agencyId, year);
  if (!r) throw new NotFoundError(REPORT_NOT_FOUND);
  return r;
}

const REPORT_PAGE_ENTRIES = 200;

/** What a published report's page depends on, in one read; null when there is none to keep. */
async function reportPageVersion(app: FastifyInstance, params: { agencyId?: string; year?: string }): Promise<string | null> {
  const agencyId = parseUrlId(params.agencyId);
  const year = parseReportYear(params.year);
  if (agencyId === null || year === null) return null;
  const row = await app.deps.db.kysely
    .selectFrom('annual_reports')
    .select(['published_version_id', globalVersion('agencies').as('agencies')])
    .where('agency_id', '=', agencyId)
    .where('year', '=', year)
    .executeTakeFirst();
  return row?.published_version_id ? `${row.published_version_id}:${row.agencies}` : null;
}

/** The number of the published version (the cache key). */
export const currentNumber = (r: PublicReport): number => r.history.find((h) => h.current)?.number ?? 1;

/**
 * The export of a published report, from the cache or made now (and kept). `limited` is asked
 * before a new export is made; it returns a message when the caller must wait.
 */
export async function publishedExport(app: FastifyInstance, r: PublicReport, format: ExportFormat, limited?: () => Promise<string | null>) {
  const cache = exportCacheOf(app);
  const key = publishedKey(r.agencyId, r.year, currentNumber(r), format);
  const hit = cache.get(key);
  if (hit) return { file: hit, key };
  if (limited && !cache.has(key)) {
    const message = await limited();
    if (message) throw new HttpError(429, message);
  }
  return { file: await cache.getOrMake(key, () => exportReport(r.content, format)), key };
}

/** Renders the published report's PDF into the cache ahead of the first visitor (after publication). */
export function warmPublishedPdf(app: FastifyInstance, agencyId: number, year: number): void {
  void (async () => {
    const r = await publicReport(app.deps.db.kysely, agencyId, year);
    if (r) await publishedExport(app, r, 'pdf');
  })().catch((e: unknown) => app.log.warn({ err: e }, 'report PDF not pre-rendered'));
}

/**
 * The sitemap entries of the annual reports: the list of all reports, and each published report's
 * page (lastmod: its publication date). For the sitemap route (portal-catalogue.tsx); each column's
 * own list is `${columnUrl(id)}/reports`.
 */
export async function reportSitemapUrls(db: Db, base: string): Promise<SitemapUrl[]> {
  const rows = await publishedReports(db.kysely, (await db.kysely.selectFrom('agencies').select('id').execute()).map((a) => a.id));
  return [{ loc: `${base}${REPORTS}` }, ...rows.map((r) => ({ loc: `${base}${reportUrl(r.agencyId, r.year)}`, lastmod: r.publishedOn }))];
}

export function register(app: FastifyInstance): void {
  const { db } = app.deps;
  // The PDF export keeps one Chromium per process: closed with the app (a later PDF starts another).
  app.addHook('onClose', async () => {
    await closePdfRenderer();
  });

  app.get(REPORT_PAGES_CSS_URL, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8');
    return REPORT_PAGES_CSS;
  });

  app.get(REPORTS, async (_req, reply) => {
    const tree = await loadAgencyTree(db.kysely);
    const rows = await publishedReports(db.kysely, [...tree.byId.keys()]);
    return sendPage(reply, <ReportsIndexPage column={null} rows={rows} />);
  });

  app.get(`${XXGK}/:agency/reports`, async (req, reply) => {
    const id = parseUrlId((req.params as { agency?: string }).agency);
    const tree = await loadAgencyTree(db.kysely);
    const column = id === null ? undefined : tree.columnOf(id);
    if (id === null || !column) throw new NotFoundError('未找到该专栏，请从政府信息公开首页选择行政机关。');
    if (column.id !== id) return reply.redirect(columnReportsUrl(column.id), 301);
    const rows = await publishedReports(
      db.kysely,
      tree.subtree(column.id).map((a) => a.id),
    );
    return sendPage(reply, <ReportsIndexPage column={column} rows={rows} />);
  });

  // A published report's page, the page of the day reports are published: kept per version (the
  // published version's id, which a revision replaces, and the agencies' counter for the column),
  // read before the report.
  const reportPages = new VersionedCache<Buffer>(REPORT_PAGE_ENTRIES);
  const cachePages = app.deps.pageCache !== false;
  app.get(`${REPORTS}/:agencyId/:year`, async (req, reply) => {
    const params = req.params as { agencyId?: string; year?: string };
    const key = `${params.agencyId}/${params.year}`;
    const version = cachePages ? await reportPageVersion(app, params) : null;
    const hit = version === null ? undefined : reportPages.get(key, version);
    if (hit) return reply.type('text/html; charset=utf-8').send(hit);
    const r = await found(app, req);
    const tree = await loadAgencyTree(db.kysely);
    const column = tree.columnOf(r.agencyId);
    if (!column) throw new NotFoundError(REPORT_NOT_FOUND);
    const html = Buffer.from(renderPage(<PublicReportPage column={column} report={r} />));
    if (version !== null) reportPages.set(key, version, html);
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.get(`${REPORTS}/:agencyId/:year/download/:format`, SHARED, async (req, reply) => {
    const format = parseFormat((req.params as { format?: string }).format);
    const r = await found(app, req);
    const etag = `"nb-${r.agencyId}-${r.year}-v${currentNumber(r)}-${format}"`;
    if (req.headers['if-none-match'] === etag) return reply.code(304).header('etag', etag).header('cache-control', 'public, max-age=300').send();
    try {
      const { file } = await publishedExport(app, r, format, async () =>
        (await rateLimit(req, reply, EXPORT_LIMIT)) ? `下载过于频繁，请${String(reply.getHeader('retry-after'))}秒后再试。` : null,
      );
      return sendExport(reply, file, 'public', etag);
    } catch (e) {
      if (e instanceof HttpError) throw e;
      return exportFailure(e, reply);
    }
  });
}
