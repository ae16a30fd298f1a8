/**
 * The public 政府信息公开 column (条例第24条; 国办公开办函〔2019〕61号), server-rendered, no script:
 *
 *   GET  /xxgk                          the platform: every column, search box
 *   GET  /xxgk/search?q=&column=&page=  search (public items only, newest first)
 *   GET  /xxgk/items/:id                an item: catalogue data, body, attachments, history, rating form
 *   POST /xxgk/items/:id/feedback       rating 有用/没用 + 意见 (CSRF, rate-limited) → 303 back
 *   GET  /xxgk/items/:id/files/:fileId  an attachment of the published version (download)
 *   GET  /xxgk/:agency                  a column's home (a village → its town's catalogue, 301)
 *   GET  /xxgk/:agency/guide            政府信息公开指南, generated from the agency's records
 *   GET  /xxgk/:agency/rules            政府信息公开制度
 *   GET  /xxgk/:agency/catalogue?category=&year=&dept=&page=   法定主动公开内容 (目录)
 *   GET  /xxgk/:agency/feed.atom[?category=]                    Atom feed of the column / a category
 *   GET  /xxgk/:agency/complaint, POST  意见和投诉 (CSRF, rate-limited) → 303 ?sent=1
 *   GET  /sitemap.xml, /sitemaps/:part  the sitemap (an index of parts beyond 50,000 URLs)
 *
 * The platform, a column's home and its catalogue pages are kept rendered in memory (bounded LRU,
 * GONGKAI_PAGE_CACHE=0 turns it off), each valid for the data versions it was rendered under: the
 * agencies' counter and the sum of the column's agencies' catalogue counters (migration
 * 2026112812, db/versions.ts catalogueVersion), read with one query before anything else, so a
 * publication, a withdrawal or a renamed agency shows at the next request on every node. The
 * counts a list shows (per category, year, agency; the pages) come from PublicCountCache, which
 * recounts only the agencies whose catalogue changed; the rows of a page are an index range scan,
 * and the catalogue can be paged through to MAX_LIST_PAGE.
 *
 * Every catalogue read goes through the visibility checkpoint (portal/public-catalogue.ts, built on
 * catalogue/visibility.ts): an item that is not public — unknown, draft, in review, returned,
 * withdrawn, on request — answers the same 404 everywhere. Bad query strings (a page that is not a
 * whole number, an unknown category, a year or agency that does not exist) answer a Chinese 4xx
 * page. The back office of the column (feedback, 制度) is registered from here too.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { lawCategory, type LawCategory } from '../../catalogue/categories.js';
import { openPublicFile } from '../../catalogue/files.js';
import { NotFoundError } from '../../errors.js';
import { type AgencyRow, type AgencyTree, loadAgencyTree, parseUrlId } from '../../portal/columns.js';
import { chinaMidnight, FEED_SIZE, renderAtom } from '../../portal/feed.js';
import { complaintSchema, FEEDBACK_LIMITS, ratingSchema, submitComplaint, submitRating } from '../../portal/feedback.js';
import { buildGuide } from '../../portal/guide.js';
import { feedEntries, listPlan, listPublicItems, PublicCountCache, publicItemPage, sitemapItems, type ListFilter } from '../../portal/public-catalogue.js';
import { catalogueVersion, VersionedCache, type CatalogueVersion } from '../../db/versions.js';
import { listRuleItems } from '../../portal/rules.js';
import { MAX_SEARCH_OFFSET, searchPublic, searchWords } from '../../portal/search.js';
import { renderIndex, renderUrlset, SITEMAP_MAX_URLS, sitemapPlan, type SitemapUrl } from '../../portal/sitemap.js';
import { fieldErrors, ValidationError } from '../../validation.js';
import { sendPage } from '../app.js';
import { page as renderPage } from '../views/layout.js';
import { HttpError } from '../errors.js';
import { sendFile } from '../uploads.js';
import { formValues, type FormErrors } from '../views/public/fields.js';
import { CataloguePage, type CatalogueFilters } from '../views/portal/catalogue.js';
import { ColumnHomePage, PlatformPage, type CategoryGroup, type ColumnTreeNode } from '../views/portal/column.js';
import { columnUrl, itemUrl, XXGK } from '../views/portal/common.js';
import { COMPLAINT_FIELDS, ComplaintPage } from '../views/portal/complaint.js';
import { GuidePage } from '../views/portal/guide.js';
import { ItemPage, RATING_FIELDS } from '../views/portal/item.js';
import { RulesPage } from '../views/portal/rules.js';
import { SearchPage } from '../views/portal/search.js';
import { registerPortalAdmin } from './portal-admin.js';
import { reportSitemapUrls } from './portal-reports.js';
import { rateLimit, refuseMultipart } from './public-desk.js';
import { LIMITS } from '../../security/rate-limit.js';

/** Items per list page. */
export const PORTAL_PAGE_SIZE = 20;
/** Pages beyond this are refused (400): nobody reads page 10,001 of a catalogue; scripts do. */
export const MAX_PAGE = 10_000;
/**
 * The deepest page of a catalogue list (the first 10,000 items of any filter): a page is an
 * index range scan whose cost grows with its offset. Older items are found by year or search.
 */
export const MAX_LIST_PAGE = 500;
/** Rendered platform, column and catalogue pages kept in memory (each 10–40 kB). */
const PAGE_CACHE_ENTRIES = 500;
const CONFIRM_RATING = '您的浏览器未说明这次提交来自本网站。为防止跨站伪造，请核对后再点一次“提交评价”。';

const ITEM_NOT_FOUND = '未找到该信息。它可能尚未发布、已被撤回，或者地址有误。';
const COLUMN_NOT_FOUND = '未找到该专栏，请从政府信息公开首页选择行政机关。';

// ---------------------------------------------------------------------------------------------
// Query strings

type Query = Record<string, unknown>;

/** One value of a query parameter ('' when absent); a repeated parameter is refused. */
function param(query: unknown, name: string): string {
  const v = (query as Query | undefined)?.[name];
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new HttpError(400, `参数“${name}”重复或格式有误。`);
  return v.trim();
}

export function parsePage(raw: string): number {
  if (raw === '') return 1;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) throw new HttpError(400, `页码应为1到${MAX_PAGE}之间的整数。`);
  return Number(raw);
}

function parseYear(raw: string): number | undefined {
  if (raw === '') return undefined;
  if (!/^\d{4}$/.test(raw) || Number(raw) < 1949 || Number(raw) > 2100) throw new HttpError(400, '年度应为四位数字，例如 2026。');
  return Number(raw);
}

function parseCategory(raw: string, allowed: { own: LawCategory[]; others: LawCategory[] }): LawCategory | undefined {
  if (raw === '') return undefined;
  const c = lawCategory(raw);
  if (!c || ![...allowed.own, ...allowed.others].some((x) => x.id === c.id)) throw new NotFoundError('本专栏没有该信息类别，请从类别列表中选择。');
  return c;
}

/** A list page past MAX_LIST_PAGE: refused with the ways to find older items. */
function checkListPage(page: number): void {
  if (page > MAX_LIST_PAGE) {
    throw new HttpError(400, `目录最多可翻阅到第 ${MAX_LIST_PAGE} 页（最新的 ${(MAX_LIST_PAGE * PORTAL_PAGE_SIZE).toLocaleString('en-US')} 条）。查找更早的信息，请按年度、类别或发布机关筛选，或使用检索。`);
  }
}

/** The pages of a list, and a page past the last refused (404) unless it is the first. */
function pagesOf(total: number, page: number): number {
  const pages = Math.max(1, Math.ceil(total / PORTAL_PAGE_SIZE));
  if (page > pages) throw new NotFoundError(`没有第 ${page} 页（共 ${pages} 页）。`);
  return pages;
}

/**
 * The site's address for absolute URLs (feeds and sitemaps): GONGKAI_PUBLIC_URL when set (a
 * request's Host header then changes nothing), else the address as the client used it.
 */
function baseUrl(req: FastifyRequest): string {
  const configured = req.server.deps.publicUrl;
  if (configured) return configured;
  const host = req.host;
  if (!/^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/.test(host)) throw new HttpError(400, '请求的主机名无效。');
  return `${req.protocol}://${host}`;
}

/**
 * Route options of the responses shared caches may keep (feeds, sitemaps, downloads): the same for
 * everyone, so the anonymous CSRF cookie the app hands out with every first response is left off
 * (a cached Set-Cookie would give many visitors one token). Route-level onSend hooks run after
 * the cookie plugin's, which has written the header by then.
 */
const SHARED: RouteShorthandOptions = {
  onSend: async (_req, reply, payload) => {
    reply.removeHeader('set-cookie');
    return payload;
  },
};

function sendXml(reply: FastifyReply, type: string, body: string): FastifyReply {
  return reply.header('cache-control', 'public, max-age=300').type(`${type}; charset=utf-8`).send(Buffer.from(body));
}

// ---------------------------------------------------------------------------------------------
// Columns

export function columnTree(tree: AgencyTree): ColumnTreeNode[] {
  const node = (a: AgencyRow): ColumnTreeNode => {
    const members: string[] = [];
    const children: ColumnTreeNode[] = [];
    const visit = (x: AgencyRow) => {
      for (const c of tree.childrenOf(x.id)) {
        if (tree.isColumn(c)) children.push(node(c));
        else {
          members.push(c.name);
          visit(c);
        }
      }
    };
    visit(a);
    return { column: a, members, children };
  };
  return tree.roots.map(node);
}

function categoryGroups(tree: AgencyTree, column: AgencyRow, counts: Map<string, number>): CategoryGroup[] {
  const { own, others } = categoriesOf(tree, column.id);
  const withCount = (cs: LawCategory[]) => cs.map((category) => ({ category, count: counts.get(category.id) ?? 0 }));
  const groups: CategoryGroup[] = [
    { heading: '条例第二十条规定的主动公开内容', categories: withCount(own.filter((c) => c.id.startsWith('art20.'))) },
    { heading: '条例第二十一条规定的主动公开内容', categories: withCount(own.filter((c) => c.id.startsWith('art21.'))) },
    // Other kinds' categories below the column (a government's towns): only those in use.
    { heading: '下属机关（单位）的其他类别', categories: withCount(others).filter((c) => c.count > 0) },
  ];
  return groups.filter((g) => g.categories.length > 0);
}

/** What is derived from a tree, computed once per tree (a tree is replaced, never changed, when the agencies change). */
const derived = new WeakMap<AgencyTree, Map<string, unknown>>();
function once<T>(tree: AgencyTree, key: string, compute: () => T): T {
  let m = derived.get(tree);
  if (!m) derived.set(tree, (m = new Map()));
  if (!m.has(key)) m.set(key, compute());
  return m.get(key) as T;
}
const subtreeOf = (tree: AgencyTree, id: number) => once(tree, `subtree ${id}`, () => tree.subtree(id));
const subtreeIds = (tree: AgencyTree, id: number) => once(tree, `ids ${id}`, () => subtreeOf(tree, id).map((a) => a.id));
const categoriesOf = (tree: AgencyTree, id: number) => once(tree, `categories ${id}`, () => tree.categoriesOf(id));

/** A column as a request found it: the tree it was resolved on, the column's agencies and their data version. */
interface ColumnHit {
  tree: AgencyTree;
  column: AgencyRow;
  /** The column's agencies (its subtree). */
  ids: number[];
  /** Null when the agencies changed while it was read (the page is then not cached). */
  version: CatalogueVersion | null;
}

export function register(app: FastifyInstance): void {
  const { db, files } = app.deps;
  registerPortalAdmin(app);

  // In-memory state, each part checked against the data versions on every request.
  const pageCache = new VersionedCache<Buffer>(PAGE_CACHE_ENTRIES);
  const counts = new PublicCountCache();
  let trees: { version: number; tree: AgencyTree } | null = null;
  const cachePages = app.deps.pageCache !== false;

  /** The agency tree as of now (its version read first). */
  async function freshTree(): Promise<{ version: number; tree: AgencyTree }> {
    const { agencies } = await catalogueVersion(db.kysely, []);
    trees = { version: agencies, tree: await loadAgencyTree(db.kysely) };
    return trees;
  }

  /**
   * The column named by the URL and the data version of its pages, in one query when the tree in
   * memory is current; an agency without a column sends the reader to its column's catalogue.
   */
  async function resolveColumn(req: FastifyRequest, reply: FastifyReply): Promise<ColumnHit | null> {
    const id = parseUrlId((req.params as { agency?: string }).agency);
    if (id === null) throw new NotFoundError(COLUMN_NOT_FOUND);
    let t = trees ?? (await freshTree());
    for (let attempt = 0; ; attempt++) {
      const agency = t.tree.get(id);
      const column = agency ? t.tree.columnOf(id) : undefined;
      const own = agency !== undefined && column?.id === agency.id;
      const ids = own ? subtreeIds(t.tree, column.id) : [];
      const version = await catalogueVersion(db.kysely, ids);
      if (version.agencies !== t.version && attempt < 2) {
        t = await freshTree();
        continue;
      }
      if (!agency || !column) throw new NotFoundError(COLUMN_NOT_FOUND);
      if (!own) {
        void reply.redirect(`${columnUrl(column.id)}/catalogue?dept=${agency.id}`, 301);
        return null;
      }
      return { tree: t.tree, column, ids, version: version.agencies === t.version ? version : null };
    }
  }

  /** The current tree (one query when the tree in memory is current). */
  async function currentTree(): Promise<{ version: number; tree: AgencyTree }> {
    const t = trees;
    if (t && (await catalogueVersion(db.kysely, [])).agencies === t.version) return t;
    return freshTree();
  }

  /** A page from the cache, or rendered by `render` and kept under the version read before it. */
  async function cachedPage(reply: FastifyReply, key: string, version: string | null, render: () => Promise<preact.VNode>): Promise<FastifyReply> {
    const hit = cachePages && version !== null ? pageCache.get(key, version) : undefined;
    if (hit) return reply.type('text/html; charset=utf-8').send(hit);
    const html = Buffer.from(renderPage(await render()));
    if (cachePages && version !== null) pageCache.set(key, version, html);
    return reply.type('text/html; charset=utf-8').send(html);
  }

  const versionKey = (v: CatalogueVersion | null) => (v ? `${v.agencies}:${v.catalogue}` : null);

  /**
   * The cheaper way to read rows [0, end) of a list of `matching` items (public-catalogue.ts
   * listPlan): that needs how many items match the category and year in all agencies, from the
   * same count cache.
   */
  async function planFor(tree: AgencyTree, f: ListFilter, matching: number, end: number) {
    let everywhere = matching;
    if (f.agencyIds.length < tree.byId.size) everywhere = (await counts.counts(db.kysely, [...tree.byId.keys()])).total({ category: f.category, year: f.year });
    return listPlan(matching, everywhere, end);
  }

  /** Rows [offset, offset + limit) of a column's list of `matching` items. */
  async function listRows(tree: AgencyTree, f: ListFilter, matching: number, page: { limit: number; offset: number }) {
    if (matching === 0 || page.offset >= matching) return [];
    return listPublicItems(db.kysely, f, page, await planFor(tree, f, matching, page.offset + page.limit));
  }

  app.get(XXGK, async (_req, reply) => {
    const t = await currentTree();
    return cachedPage(reply, 'platform', String(t.version), async () => <PlatformPage tree={columnTree(t.tree)} />);
  });

  // -------------------------------------------------------------------------------------------
  // A column

  app.get(`${XXGK}/:agency`, async (req, reply) => {
    const r = await resolveColumn(req, reply);
    if (!r) return reply;
    const { tree, column, ids, version } = r;
    return cachedPage(reply, `home:${column.id}`, versionKey(version), async () => {
      const [counted, rules] = await Promise.all([counts.counts(db.kysely, ids, version?.catalogue), listRuleItems(db.kysely, column.id)]);
      const latest = await listRows(tree, { agencyIds: ids }, counted.total(), { limit: 10, offset: 0 });
      return (
        <ColumnHomePage
          column={column}
          groups={categoryGroups(tree, column, counted.byCategory())}
          latest={latest}
          total={counted.total()}
          ruleCount={rules.length}
          takesApplications={tree.isColumn(column)}
        />
      );
    });
  });

  app.get(`${XXGK}/:agency/guide`, async (req, reply) => {
    const r = await resolveColumn(req, reply);
    if (!r) return reply;
    // Made from the agency records alone (the tree): kept while the agencies' counter stands.
    return cachedPage(reply, `guide:${r.column.id}`, r.version ? String(r.version.agencies) : null, async () => {
      const guide = buildGuide(r.tree, r.column, r.tree.isColumn(r.column));
      return <GuidePage guide={guide} urls={{ apply: `/apply?agency=${r.column.id}`, track: '/track' }} />;
    });
  });

  app.get(`${XXGK}/:agency/rules`, async (req, reply) => {
    const r = await resolveColumn(req, reply);
    if (!r) return reply;
    return sendPage(reply, <RulesPage column={r.column} items={await listRuleItems(db.kysely, r.column.id)} />);
  });

  app.get(`${XXGK}/:agency/catalogue`, async (req, reply) => {
    const r = await resolveColumn(req, reply);
    if (!r) return reply;
    const { tree, column, ids, version } = r;
    const categories = categoriesOf(tree, column.id);
    const page = parsePage(param(req.query, 'page'));
    checkListPage(page);
    const year = parseYear(param(req.query, 'year'));
    const category = parseCategory(param(req.query, 'category'), categories);
    const deptRaw = param(req.query, 'dept');
    const subtree = subtreeOf(tree, column.id);
    let dept: AgencyRow | undefined;
    if (deptRaw !== '') {
      const deptId = parseUrlId(deptRaw);
      if (deptId === null) throw new HttpError(400, '发布机关参数有误。');
      dept = subtree.find((a) => a.id === deptId);
      if (!dept) throw new NotFoundError('本专栏没有该发布机关，请从列表中选择。');
    }
    const filters: CatalogueFilters = { category, year, dept };
    const key = `catalogue:${column.id}:${category?.id ?? ''}:${year ?? ''}:${dept?.id ?? ''}:${page}`;
    return cachedPage(reply, key, versionKey(version), async () => {
      const listed: ListFilter = { agencyIds: dept ? [dept.id] : ids, category: category?.id, year };
      const counted = await counts.counts(db.kysely, ids, version?.catalogue);
      const total = counted.total(listed);
      // A page past the last is refused before its rows are read.
      const pages = pagesOf(total, page);
      const rows = await listRows(tree, listed, total, { limit: PORTAL_PAGE_SIZE, offset: (page - 1) * PORTAL_PAGE_SIZE });
      const perAgency = counted.byAgency();
      return (
        <CataloguePage
          column={column}
          filters={filters}
          categories={categories}
          years={counted.years()}
          agencies={subtree.map((agency) => ({ agency, count: perAgency.get(agency.id) ?? 0 }))}
          rows={rows}
          total={total}
          page={page}
          pages={pages}
          lastPage={MAX_LIST_PAGE}
        />
      );
    });
  });

  app.get(`${XXGK}/:agency/feed.atom`, SHARED, async (req, reply) => {
    const r = await resolveColumn(req, reply);
    if (!r) return reply;
    const { tree, column } = r;
    const category = parseCategory(param(req.query, 'category'), categoriesOf(tree, column.id));
    const base = baseUrl(req);
    const listed: ListFilter = { agencyIds: r.ids, category: category?.id };
    const matching = (await counts.counts(db.kysely, r.ids, r.version?.catalogue)).total(listed);
    const rows = matching ? await feedEntries(db.kysely, listed, FEED_SIZE, await planFor(tree, listed, matching, FEED_SIZE)) : [];
    const self = `${base}${columnUrl(column.id)}/feed.atom${category ? `?category=${encodeURIComponent(category.id)}` : ''}`;
    const xml = renderAtom({
      selfUrl: self,
      htmlUrl: `${base}${columnUrl(column.id)}${category ? `/catalogue?category=${encodeURIComponent(category.id)}` : ''}`,
      title: category ? `${column.name} · ${category.label}` : `${column.name} · 政府信息公开`,
      subtitle: category ? `${column.name}政府信息公开专栏：${category.label}（${category.basis}）` : `${column.name}政府信息公开专栏的最新信息`,
      author: column.name,
      // Atom requires <updated> even without entries: the 条例's date of effect (any fixed date would do).
      emptyUpdated: chinaMidnight('2019-05-15'),
      entries: rows.map((e) => {
        const c = lawCategory(e.category);
        return {
          url: `${base}${itemUrl(e.id)}`,
          title: e.title,
          summary: e.summary,
          updated: e.publishedAt ?? chinaMidnight(e.publishedOn ?? '2019-05-15'),
          published: e.firstPublishedOn,
          author: e.publisher,
          category: { term: e.category, label: c?.label ?? e.category },
          meta: [
            ['索引号', e.indexNumber],
            ['发布机构', e.publisher],
            ['文号', e.docNumber],
            ['成文日期', e.writtenOn],
            ['发布日期', e.publishedOn],
            ['主题分类', e.subject],
          ],
        };
      }),
    });
    return sendXml(reply, 'application/atom+xml', xml);
  });

  // -------------------------------------------------------------------------------------------
  // Complaints

  app.get(`${XXGK}/:agency/complaint`, async (req, reply) => {
    const r = await resolveColumn(req, reply);
    if (!r) return reply;
    reply.header('cache-control', 'private, no-cache');
    return sendPage(reply, <ComplaintPage column={r.column} csrfToken={req.csrfToken} values={{}} errors={{}} sent={param(req.query, 'sent') === '1'} />);
  });

  app.post(`${XXGK}/:agency/complaint`, async (req, reply) => {
    refuseMultipart(req);
    const r = await resolveColumn(req, reply);
    if (!r) return reply;
    reply.header('cache-control', 'private, no-cache');
    const values = formValues(req.body, COMPLAINT_FIELDS);
    const again = (errors: FormErrors, status: number) => {
      reply.code(status);
      return sendPage(reply, <ComplaintPage column={r.column} csrfToken={req.csrfToken} values={values} errors={errors} sent={false} />);
    };
    // Invalid forms do not count against the limit: a citizen correcting mistakes is not locked out.
    const parsed = complaintSchema.safeParse(req.body ?? {});
    if (!parsed.success) return again(fieldErrors(parsed.error), 422);
    const limited = await rateLimit(req, reply, FEEDBACK_LIMITS.complaint);
    if (limited) return again({ _form: limited }, 429);
    await submitComplaint(db, r.column.id, req.body);
    return reply.redirect(`${columnUrl(r.column.id)}/complaint?sent=1`, 303);
  });

  // -------------------------------------------------------------------------------------------
  // Items

  const itemId = (req: FastifyRequest) => {
    const id = parseUrlId((req.params as { id?: string }).id);
    if (id === null) throw new NotFoundError(ITEM_NOT_FOUND);
    return id;
  };

  /** The item page's markup, or null when the item is not public (404). */
  async function renderItem(id: number, form: { values: Record<string, string>; errors: FormErrors; thanks: boolean; csrfToken?: string }) {
    const found = await publicItemPage(db.kysely, id);
    if (!found) return null;
    const { tree } = await currentTree();
    const column = tree.columnOf(found.item.agencyId);
    if (!column) return null;
    return { agencyId: found.item.agencyId, html: Buffer.from(renderPage(<ItemPage column={column} item={found.item} files={found.files} history={found.history} {...form} />)) };
  }

  /**
   * An item page as answered to a GET: the same for every visitor (its rating form carries no
   * token), so the deployment's micro-cache may keep it, and kept here per data version. The
   * version is that of the item's agency, read before the item: an item's agency is learnt by its
   * first rendering, which is not kept; from the second on, the version read first guards the
   * page (an item moved to another agency moves the old agency's counter too).
   */
  const itemPages = new VersionedCache<Buffer>(PAGE_CACHE_ENTRIES);
  const itemAgencies = new Map<number, number>();
  app.get(`${XXGK}/items/:id`, async (req, reply) => {
    const id = itemId(req);
    const thanks = param(req.query, 'feedback') === 'thanks';
    const agencyId = cachePages && !thanks ? itemAgencies.get(id) : undefined;
    const version = agencyId === undefined ? null : versionKey(await catalogueVersion(db.kysely, [agencyId]));
    const hit = version === null ? undefined : itemPages.get(`${id}`, version);
    if (hit) return reply.type('text/html; charset=utf-8').send(hit);
    const page = await renderItem(id, { values: {}, errors: {}, thanks });
    if (!page) {
      itemAgencies.delete(id);
      throw new NotFoundError(ITEM_NOT_FOUND);
    }
    if (cachePages && !thanks) {
      if (version !== null && page.agencyId === agencyId) itemPages.set(`${id}`, version, page.html);
      else {
        if (itemAgencies.size >= PAGE_CACHE_ENTRIES * 4) itemAgencies.clear();
        itemAgencies.set(id, page.agencyId);
      }
    }
    return reply.type('text/html; charset=utf-8').send(page.html);
  });

  app.post(`${XXGK}/items/:id/feedback`, { config: { csrf: 'same-origin' } }, async (req, reply) => {
    refuseMultipart(req);
    const id = itemId(req);
    const values = formValues(req.body, RATING_FIELDS);
    // The answer to a POST is this visitor's own: its form carries the token.
    const again = async (errors: FormErrors, status: number) => {
      const page = await renderItem(id, { values, errors, thanks: false, csrfToken: req.csrfToken });
      if (!page) throw new NotFoundError(ITEM_NOT_FOUND);
      reply.header('cache-control', 'private, no-cache');
      return reply.code(status).type('text/html; charset=utf-8').send(page.html);
    };
    // A browser that said nothing of where the form came from (csrf.ts): once more, with a token.
    if (req.csrfConfirm) return again({ _form: CONFIRM_RATING }, 403);
    const parsed = ratingSchema.safeParse(req.body ?? {});
    if (!parsed.success) return again(fieldErrors(parsed.error), 422);
    // Only a public item can be rated: anything else is the item page's own 404.
    if (!(await publicItemPage(db.kysely, id))) throw new NotFoundError(ITEM_NOT_FOUND);
    const limited = await rateLimit(req, reply, FEEDBACK_LIMITS.rating);
    if (limited) return again({ _form: limited }, 429);
    try {
      await submitRating(db, id, req.body);
    } catch (e) {
      if (e instanceof NotFoundError) throw new NotFoundError(ITEM_NOT_FOUND);
      if (e instanceof ValidationError) return again(e.fields, 422);
      throw e;
    }
    return reply.redirect(`${itemUrl(id)}?feedback=thanks#feedback`, 303);
  });

  app.get(`${XXGK}/items/:id/files/:fileId`, SHARED, async (req, reply) => {
    const id = itemId(req);
    const fileId = parseUrlId((req.params as { fileId?: string }).fileId);
    if (fileId === null) throw new NotFoundError('未找到该附件');
    // Only the published version's files of a public item (visibility.ts publicFiles); nothing counted.
    const { file, stream } = await openPublicFile(db, files, id, fileId);
    return sendFile(reply, file, stream, 'public');
  });

  // -------------------------------------------------------------------------------------------
  // Search

  app.get(`${XXGK}/search`, async (req, reply) => {
    const { tree } = await currentTree();
    const columnRaw = param(req.query, 'column');
    let column: AgencyRow | null = null;
    if (columnRaw !== '') {
      const cid = parseUrlId(columnRaw);
      if (cid === null) throw new HttpError(400, '检索范围参数有误。');
      const a = tree.get(cid);
      if (!a || tree.columnOf(cid)?.id !== cid) throw new NotFoundError(COLUMN_NOT_FOUND);
      column = a;
    }
    const page = parsePage(param(req.query, 'page'));
    const columns = tree.columns();
    const rawQ = (req.query as Query | undefined)?.q;
    if (rawQ === undefined) return sendPage(reply, <SearchPage column={column} columns={columns} q="" error={null} result={null} />);
    const q = param(req.query, 'q');
    let words: string[];
    try {
      words = searchWords(q);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      reply.code(400);
      return sendPage(reply, <SearchPage column={column} columns={columns} q={q.slice(0, 200)} error={e.fields.q ?? e.message} result={null} />);
    }
    const offset = (page - 1) * PORTAL_PAGE_SIZE;
    if (offset > MAX_SEARCH_OFFSET) throw new HttpError(400, `翻页过深，请缩小检索范围（最多查看前 ${MAX_SEARCH_OFFSET} 条结果）。`);
    if (await rateLimit(req, reply, LIMITS.search)) {
      return sendPage(reply, <SearchPage column={column} columns={columns} q={q} error={`检索过于频繁，请${reply.getHeader('retry-after')}秒后再试。`} result={null} />);
    }
    const found = await searchPublic(db, { query: q, words, columnId: column?.id ?? null, limit: PORTAL_PAGE_SIZE, offset });
    // Past the counted hits ("1000 余") there may be more pages, up to the deepest the index serves.
    const deepest = Math.floor(MAX_SEARCH_OFFSET / PORTAL_PAGE_SIZE) + 1;
    const pages = found.totalCapped ? Math.min(Math.max(Math.ceil(found.total / PORTAL_PAGE_SIZE), page) + (found.rows.length === PORTAL_PAGE_SIZE ? 1 : 0), deepest) : pagesOf(found.total, page);
    return sendPage(reply, <SearchPage column={column} columns={columns} q={q} error={null} result={{ rows: found.rows, total: found.total, totalCapped: found.totalCapped, page, pages }} />);
  });

  // -------------------------------------------------------------------------------------------
  // Sitemap

  /** The columns' pages, and the annual reports (the list of all, and each published one). */
  async function columnUrls(base: string): Promise<SitemapUrl[]> {
    const { tree } = await currentTree();
    return [
      { loc: `${base}${XXGK}` },
      ...tree.columns().flatMap((c) => ['', '/guide', '/rules', '/catalogue', '/reports'].map((s) => ({ loc: `${base}${columnUrl(c.id)}${s}` }))),
      ...(await reportSitemapUrls(db, base)),
    ];
  }

  /** Public items in all (the count cache over every agency). */
  const countAll = async () => {
    const { tree } = await currentTree();
    return (await counts.counts(db.kysely, [...tree.byId.keys()])).total();
  };

  const itemUrls = async (base: string, part: number) =>
    (await sitemapItems(db.kysely, { limit: SITEMAP_MAX_URLS, offset: (part - 1) * SITEMAP_MAX_URLS })).map((r) => ({ loc: `${base}${itemUrl(r.id)}`, lastmod: r.publishedOn }));

  app.get('/sitemap.xml', SHARED, async (req, reply) => {
    const base = baseUrl(req);
    const [cols, count] = await Promise.all([columnUrls(base), countAll()]);
    const plan = sitemapPlan(cols.length, count);
    if (plan.single) return sendXml(reply, 'application/xml', renderUrlset([...cols, ...(await itemUrls(base, 1))]));
    const parts = [`${base}/sitemaps/columns.xml`, ...Array.from({ length: plan.itemParts }, (_, i) => `${base}/sitemaps/items-${i + 1}.xml`)];
    return sendXml(reply, 'application/xml', renderIndex(parts));
  });

  app.get('/sitemaps/:part', SHARED, async (req, reply) => {
    const base = baseUrl(req);
    const part = (req.params as { part?: string }).part ?? '';
    if (part === 'columns.xml') return sendXml(reply, 'application/xml', renderUrlset(await columnUrls(base)));
    const m = /^items-([1-9]\d{0,4})\.xml$/.exec(part);
    const n = m ? Number(m[1]) : 0;
    if (!n || (n - 1) * SITEMAP_MAX_URLS >= Math.max(1, await countAll())) throw new NotFoundError('没有这个站点地图文件。');
    return sendXml(reply, 'application/xml', renderUrlset(await itemUrls(base, n)));
  });
}
