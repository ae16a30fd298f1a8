/**
 * Public catalogue benchmark: requests/s and latency of the 政府信息公开 column's list pages with
 * BENCH_PORTAL_ITEMS (default 1,000,000) public catalogue items in the database, on SQLite and on
 * PostgreSQL, measured with wrk against the real server process (`gongkai serve`), each with its
 * ratio to a static file of the same size served by the same process (GONGKAI_STATIC_DIR):
 *
 *   column home          /xxgk/<government>                                (counts per category, newest 10)
 *   category list        /xxgk/<government>/catalogue?category=art20.1
 *   category + year      /xxgk/<government>/catalogue?category=art20.13&year=2020
 *   page 5               /xxgk/<government>/catalogue?page=5
 *
 * Each as served (the page cache keeps the rendered page while the column's data versions are
 * unchanged) and from a server started with GONGKAI_PAGE_CACHE=0, where every request reads the
 * version, queries the page's rows and renders (the per-agency counts stay cached by version:
 * without them every request would count a million rows). Also reported: load time, database
 * size, the first request after start (the counts of every agency computed once), the first
 * request after a change to the largest agency's catalogue (its counts recomputed), server peak
 * RSS. Every wrk measurement follows an unmeasured warm-up (BENCH_WARMUP, BENCH_DURATION as in
 * web.bench.ts).
 *
 * The items: titles, summaries and bodies from the search benchmark's generator (search.bench.ts
 * benchItem), spread over a government, 20 departments and 6 towns with villages (Zipf), the
 * 条例 categories of each agency's kind (Zipf) and the years 2015–2026; plus 1 in 50 withdrawn
 * (not public) on top. Loaded by multi-row batches in transactions (SQLite: prepared statements;
 * PostgreSQL: INSERT … SELECT FROM unnest(arrays)), indexes in place, then ANALYZE.
 *
 * Needs: `wrk`, the build (npm run build), PostgreSQL for the second half (BENCH_DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/postgres — a database gongkai_bench_portal is
 * created and dropped there). BENCH_PORTAL_DB=sqlite|postgres runs one.
 */
import SQLite from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { categoriesFor, SUBJECTS, type LawCategory } from '../src/catalogue/categories.js';
import { openDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { AgencyKind } from '../src/db/schema.js';
import { seedDemo } from '../src/demo/seed.js';
import { rng, type Rng } from '../test/support/reports.js';
import { benchItem } from './search.bench.js';
import type { BenchResult } from './util.js';
import { fmt } from './util.js';
import { peakRssMb, startServer, stop, wrk } from './web.bench.js';

const ITEMS = Number(process.env.BENCH_PORTAL_ITEMS ?? 1_000_000);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_DB = 'gongkai_bench_portal';
const BATCH = 5000;
const SEED = 11;
/** 1 in WITHDRAWN_EVERY items is added withdrawn (not public), on top of ITEMS. */
const WITHDRAWN_EVERY = 50;

interface BenchAgency {
  id: number;
  name: string;
  kind: AgencyKind;
  code: string | null;
  categories: LawCategory[];
}

const DEPARTMENTS = [
  '市中区财政局', '市中区卫生健康局', '市中区自然资源局', '市中区住房和城乡建设局', '市中区农业农村局', '市中区市场监督管理局',
  '市中区应急管理局', '市中区人力资源和社会保障局', '市中区司法局', '市中区交通运输局', '市中区水利局', '市中区文化和旅游局',
  '市中区统计局', '市中区医疗保障局', '市中区退役军人事务局', '市中区审计局', '市中区商务局',
];
const TOWNS = ['青山镇人民政府', '石门镇人民政府', '龙泉镇人民政府', '河东街道办事处', '城北街道办事处'];

/** The demo tree (a government, 3 departments, a town with villages) plus 17 departments and 5 towns with 2 villages each. */
async function seedAgencies(db: Db): Promise<{ agencies: BenchAgency[]; adminId: number; gov: number }> {
  await seedDemo(db.kysely);
  const k = db.kysely;
  const gov = (await k.selectFrom('agencies').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow()).id;
  const at = new Date('2026-01-05T09:00:00+08:00').toISOString();
  const add = async (parent: number, name: string, kind: AgencyKind, n: number) =>
    (
      await k
        .insertInto('agencies')
        .values({ parent_id: parent, name, short_name: null, kind, code: `1137040200${String(500 + n).padStart(8, '0')}`, office_name: null, office_address: null, office_hours: null, office_phone: null, office_fax: null, office_email: null, postcode: null, created_at: at })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  let n = 0;
  for (const d of DEPARTMENTS) await add(gov, d, 'department', n++);
  for (const t of TOWNS) {
    const town = await add(gov, t, t.endsWith('街道办事处') ? 'street' : 'town', n++);
    await add(town, `${t.slice(0, 2)}一村民委员会`, 'village', n++);
    await add(town, `${t.slice(0, 2)}二村民委员会`, 'village', n++);
  }
  const rows = await k.selectFrom('agencies').select(['id', 'name', 'kind', 'code']).orderBy('id').execute();
  const adminId = (await k.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id;
  return { agencies: rows.map((r) => ({ ...r, categories: categoriesFor(r.kind) })), adminId, gov };
}

/** A draw from `xs` with weights 1/rank (the first entries are the frequent ones). */
function zipfPick<T>(r: Rng, xs: readonly T[]): T {
  let total = 0;
  for (let i = 1; i <= xs.length; i++) total += 1 / i;
  let x = r() * total;
  for (let i = 0; i < xs.length; i++) {
    x -= 1 / (i + 1);
    if (x <= 0) return xs[i]!;
  }
  return xs[xs.length - 1]!;
}

const DAY0 = Date.UTC(2015, 0, 1);
const isoDay = (day: number) => new Date(DAY0 + day * 86_400_000).toISOString().slice(0, 10);

/** The rows of items first..first+count-1 (ids from 1; item i has version i). */
function rowsOf(r: Rng, first: number, count: number, total: number, agencies: BenchAgency[], adminId: number) {
  const items: unknown[][] = [];
  const versions: unknown[][] = [];
  for (let id = first; id < first + count; id++) {
    const it = benchItem(r, id - 1, total);
    // The generator's agency (Zipf over 40 names) onto ours, so a few agencies hold most items.
    const agency = agencies[it.agency % agencies.length]!;
    const category = zipfPick(r, agency.categories);
    const day = it.day;
    const on = isoDay(day);
    const written = isoDay(Math.max(0, day - 3));
    const at = `${on}T02:00:00.000Z`;
    const withdrawn = id % WITHDRAWN_EVERY === 0 ? at : null;
    items.push([id, agency.id, `${agency.code ?? 'X'}-${category.code}-${on.slice(0, 4)}-${String(id).padStart(7, '0')}`, id, on, withdrawn, withdrawn ? '内容调整' : null, at, adminId, at]);
    versions.push([
      id, id, 1, 'published', it.title, it.summary, agency.name, r() < 0.4 ? `市中${agency.name.slice(3, 4)}发〔${on.slice(0, 4)}〕${(id % 97) + 1}号` : null, written,
      category.id, SUBJECTS[id % SUBJECTS.length], 'active', 'valid', it.body, written, on, at, at, at, on, at,
    ]);
  }
  return { items, versions };
}

const ITEM_COLUMNS = ['id', 'agency_id', 'index_number', 'published_version_id', 'first_published_on', 'withdrawn_at', 'withdrawn_reason', 'created_at', 'created_by', 'updated_at'];
const VERSION_COLUMNS = [
  'id', 'item_id', 'number', 'state', 'title', 'summary', 'publisher', 'doc_number', 'written_on',
  'category', 'subject', 'disclosure', 'validity', 'body', 'formed_on', 'due_on', 'created_at', 'updated_at', 'submitted_at', 'published_on', 'published_at',
];
const PG_TYPES: Record<string, string> = { id: 'int', agency_id: 'int', published_version_id: 'int', created_by: 'int', item_id: 'int', number: 'int', author_id: 'int' };

/** All rows, batch by batch (ITEMS public + 1 in WITHDRAWN_EVERY withdrawn: ids 1..total). */
function* batches(agencies: BenchAgency[], adminId: number, items = ITEMS) {
  const total = items + Math.floor(items / (WITHDRAWN_EVERY - 1));
  const r = rng(SEED);
  for (let first = 1; first <= total; first += BATCH) yield rowsOf(r, first, Math.min(BATCH, total - first + 1), total, agencies, adminId);
}

export async function loadSqlite(path: string): Promise<{ gov: number; seconds: number; largest: number }> {
  const db = await openDatabase({ sqlitePath: path });
  await migrateToLatest(db);
  const { agencies, adminId, gov } = await seedAgencies(db);
  await db.close();
  const raw = new SQLite(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -262144');
  const t0 = performance.now();
  const insItem = raw.prepare(`INSERT INTO catalogue_items (${ITEM_COLUMNS.join(', ')}) VALUES (${ITEM_COLUMNS.map(() => '?').join(', ')})`);
  const insVersion = raw.prepare(`INSERT INTO catalogue_versions (${[...VERSION_COLUMNS, 'author_id'].join(', ')}) VALUES (${[...VERSION_COLUMNS, 'author_id'].map(() => '?').join(', ')})`);
  const load = raw.transaction((b: { items: unknown[][]; versions: unknown[][] }) => {
    for (const row of b.items) insItem.run(row);
    for (const row of b.versions) insVersion.run([...row, adminId]);
  });
  let n = 0;
  for (const b of batches(agencies, adminId)) {
    load(b);
    n += b.items.length;
    if (n % 100_000 < BATCH) console.log(`    SQLite: ${n.toLocaleString('en-US')} items, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  raw.exec('ANALYZE');
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const largest = (raw.prepare('SELECT agency_id AS a FROM catalogue_items GROUP BY agency_id ORDER BY count(*) DESC LIMIT 1').get() as { a: number }).a;
  raw.close();
  return { gov, seconds: (performance.now() - t0) / 1000, largest };
}

/** The demo agencies and users, then `items` public items (and the withdrawn ones) on a migrated PostgreSQL database. */
export async function loadPostgres(url: string, items = ITEMS): Promise<{ gov: number; seconds: number; largest: number; bytes: number }> {
  const db = await openDatabase({ databaseUrl: url });
  await migrateToLatest(db);
  const { agencies, adminId, gov } = await seedAgencies(db);
  await db.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const insert = (table: string, columns: string[]) =>
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${columns.map((col, i) => `$${i + 1}::${PG_TYPES[col] ?? 'text'}[]`).join(', ')})`;
    const insItem = insert('catalogue_items', ITEM_COLUMNS);
    const insVersion = insert('catalogue_versions', [...VERSION_COLUMNS, 'author_id']);
    const columnsOf = (rows: unknown[][], width: number) => Array.from({ length: width }, (_, j) => rows.map((row) => row[j]));
    const t0 = performance.now();
    let n = 0;
    for (const b of batches(agencies, adminId, items)) {
      await c.query('BEGIN');
      await c.query(insItem, columnsOf(b.items, ITEM_COLUMNS.length));
      await c.query(insVersion, columnsOf(b.versions.map((v) => [...v, adminId]), VERSION_COLUMNS.length + 1));
      await c.query('COMMIT');
      n += b.items.length;
      if (n % 100_000 < BATCH) console.log(`    PostgreSQL: ${n.toLocaleString('en-US')} items, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    for (const t of ['catalogue_items', 'catalogue_versions']) await c.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT max(id) FROM ${t}))`);
    // What autovacuum does on a database in use: planner statistics and the visibility map.
    await c.query('VACUUM ANALYZE');
    const seconds = (performance.now() - t0) / 1000;
    const largest = (await c.query<{ a: number }>('SELECT agency_id AS a FROM catalogue_items GROUP BY agency_id ORDER BY count(*) DESC LIMIT 1')).rows[0]!.a;
    const bytes = Number((await c.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b')).rows[0]!.b);
    return { gov, seconds, largest, bytes };
  } finally {
    await c.end();
  }
}

const PAGES = (gov: number) =>
  [
    ['column home', `/xxgk/${gov}`],
    ['category list', `/xxgk/${gov}/catalogue?category=art20.1`],
    ['category + year', `/xxgk/${gov}/catalogue?category=art20.13&year=2020`],
    ['page 5', `/xxgk/${gov}/catalogue?page=5`],
  ] as const;

async function timed(url: string): Promise<{ ms: number; status: number; html: string }> {
  const t0 = performance.now();
  const r = await fetch(url);
  const html = await r.text();
  return { ms: performance.now() - t0, status: r.status, html };
}

/** Changes the largest agency's catalogue as another node would (a published version's title), so that its counts are recomputed. */
type Touch = () => Promise<void>;

async function benchOne(label: string, root: string, dbEnv: Record<string, string>, gov: number, touch: Touch, work: string): Promise<BenchResult[]> {
  const staticDir = join(work, `static-${label.replace(/\W+/g, '-')}`);
  mkdirSync(staticDir, { recursive: true });
  const out: BenchResult[] = [];
  const pages = PAGES(gov);
  const { child, base } = await startServer(root, { ...dbEnv, GONGKAI_STATIC_DIR: staticDir });
  const baselines: number[] = [];
  try {
    // The first requests after start: the counts of every agency of the column are computed once.
    const first: number[] = [];
    for (let i = 0; i < pages.length; i++) {
      const [, path] = pages[i]!;
      const r = await timed(`${base}${path}`);
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.html.slice(0, 300)}`);
      first.push(r.ms);
      writeFileSync(join(staticDir, `${i}.html`), r.html);
    }
    out.push({
      name: `${label}: first request after start, column home (every agency's counts computed)`,
      value: first[0]!,
      unit: 'ms',
      extra: `then ${pages
        .slice(1)
        .map(([name], i) => `${name} ${fmt(first[i + 1]!)} ms`)
        .join(', ')}`,
    });
    // After a change to the largest agency's catalogue: its counts are recomputed, the pages re-rendered.
    await touch();
    const again = await timed(`${base}${pages[0][1]}`);
    out.push({ name: `${label}: column home after a change in the largest agency (its counts recomputed)`, value: again.ms, unit: 'ms' });
    for (let i = 0; i < pages.length; i++) {
      const [name, path] = pages[i]!;
      const size = statSync(join(staticDir, `${i}.html`)).size;
      const s = wrk(`${base}/assets/${i}.html`, []);
      const p = wrk(`${base}${path}`, []);
      baselines.push(s.rps);
      out.push({ name: `${label}: static file of the same size (${size} bytes), same process (baseline)`, value: s.rps, unit: 'req/s', extra: `p50 ${s.p50} ms, p99 ${s.p99} ms, errors ${s.errors}` });
      out.push({
        name: `${label}: ${name} (GET ${path.replace(/^\/xxgk\/\d+/, '/xxgk/:gov')})`,
        value: p.rps,
        unit: 'req/s',
        ratio: p.rps / s.rps,
        ratioLabel: '× static baseline',
        target: '≥ 0.5× static',
        ok: p.rps / s.rps >= 0.5 && p.errors === 0 && p.non2xx === 0,
        extra: `p50 ${p.p50} ms, p99 ${p.p99} ms, socket errors ${p.errors}, non-2xx ${p.non2xx}`,
      });
    }
    const rss = peakRssMb(child.pid!);
    out.push({ name: `${label}: server peak RSS during the runs`, value: rss, unit: 'MB', target: '< 300 MB', ok: rss < 300 });
  } finally {
    await stop(child);
  }
  // The same pages from a server without the page cache: every request reads the data version,
  // queries the page's rows and renders (the counts stay cached per agency and version).
  const uncached = await startServer(root, { ...dbEnv, GONGKAI_STATIC_DIR: staticDir, GONGKAI_PAGE_CACHE: '0' });
  try {
    // The counts are computed by the first request after start, as on the cached server (a
    // request stalled behind them must not land in the measured window).
    const first = await timed(`${uncached.base}${pages[0][1]}`);
    if (first.status !== 200) throw new Error(`${pages[0][1]}: ${first.status}`);
    out.push({ name: `${label}: first request after start without the page cache, column home (counts computed)`, value: first.ms, unit: 'ms' });
    for (let i = 0; i < pages.length; i++) {
      const [name, path] = pages[i]!;
      const p = wrk(`${uncached.base}${path}`, []);
      out.push({
        name: `${label}: ${name} without the page cache (every request queries and renders)`,
        value: p.rps,
        unit: 'req/s',
        ratio: p.rps / baselines[i]!,
        ratioLabel: '× static baseline',
        extra: `p50 ${p.p50} ms, p99 ${p.p99} ms, socket errors ${p.errors}, non-2xx ${p.non2xx}`,
      });
    }
    const rss = peakRssMb(uncached.child.pid!);
    out.push({ name: `${label}: server peak RSS without the page cache`, value: rss, unit: 'MB' });
  } finally {
    await stop(uncached.child);
  }
  return out;
}

const loadLine = (label: string, seconds: number, bytes: number): BenchResult => ({
  name: `${label}: bulk load of ${ITEMS.toLocaleString('en-US')} public + ${Math.floor(ITEMS / (WITHDRAWN_EVERY - 1)).toLocaleString('en-US')} withdrawn items (triggers and indexes in place, ANALYZE)`,
  value: seconds,
  unit: 's',
  extra: `database ${(bytes / 1024 / 1024).toFixed(0)} MB`,
});

export async function benchPortal(root: string): Promise<BenchResult[]> {
  if (spawnSync('wrk', ['--version']).error) return [{ name: 'portal benchmarks skipped: wrk is not installed (apt-get install -y wrk)', value: NaN, unit: '' }];
  const only = process.env.BENCH_PORTAL_DB;
  const work = mkdtempSync(join(tmpdir(), 'gongkai-bench-portal-'));
  const results: BenchResult[] = [];
  const items = ITEMS.toLocaleString('en-US');
  try {
    if (!only || only === 'sqlite') {
      const dataDir = join(work, 'data');
      mkdirSync(dataDir, { recursive: true });
      const path = join(dataDir, 'gongkai.sqlite');
      const { gov, seconds, largest } = await loadSqlite(path);
      const label = `SQLite, ${items} items`;
      results.push(loadLine(label, seconds, statSync(path).size));
      let n = 0;
      const touch = async () => {
        const raw = new SQLite(path);
        raw.prepare(`UPDATE catalogue_versions SET title = title || ? WHERE id = (SELECT published_version_id FROM catalogue_items WHERE agency_id = ? AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1)`).run(`（${++n}）`, largest);
        raw.close();
      };
      results.push(...(await benchOne(label, root, { GONGKAI_DATA: dataDir }, gov, touch, work)));
      rmSync(dataDir, { recursive: true, force: true });
    }
    if (!only || only === 'postgres') {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      try {
        await admin.connect();
      } catch (e) {
        results.push({ name: `PostgreSQL portal benchmarks skipped: ${(e as Error).message}`, value: NaN, unit: '' });
        return results;
      }
      await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${BENCH_DB}`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${BENCH_DB}`;
      try {
        const { gov, seconds, largest, bytes } = await loadPostgres(url.toString());
        const label = `PostgreSQL, ${items} items`;
        results.push(loadLine(label, seconds, bytes));
        let n = 0;
        const touch = async () => {
          const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 1 });
          await sql`UPDATE catalogue_versions SET title = title || ${`（${++n}）`} WHERE id = (SELECT published_version_id FROM catalogue_items WHERE agency_id = ${largest} AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1)`.execute(db.kysely);
          await db.close();
        };
        results.push(...(await benchOne(label, root, { DATABASE_URL: url.toString() }, gov, touch, work)));
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
        await admin.end();
      }
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
