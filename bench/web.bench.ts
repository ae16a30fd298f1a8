/**
 * Web benchmarks (issue 3): requests/s and latency of the staff case list and the public tracking
 * page with 100,000 cases in the database, on SQLite and on PostgreSQL, measured with wrk against
 * the real server process (`gongkai serve`), and the ratio to a static file of the same size
 * served by the same process (GONGKAI_STATIC_DIR). Peak RSS of the server is read from
 * /proc/<pid>/status (VmHWM) after the run. Every measurement follows an unmeasured warm-up
 * (BENCH_WARMUP, default 3s). The case list is measured twice: as served (its page cache holds
 * the rendered table while the agencies' data version is unchanged) and from a server started
 * with GONGKAI_PAGE_CACHE=0, where every request queries and renders.
 *
 * Needs: `wrk` (apt-get install -y wrk), the build (npm run build), PostgreSQL for the second half
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres — a database
 * gongkai_bench is created and dropped there).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { loadActor } from '../src/accounts/user.repository.js';
import { registerByStaff, reply, requestCorrection, type ServiceDeps } from '../src/applications/application.service.js';
import { WorkCalendar } from '../src/calendar/calendar.js';
import { formatIsoDate, parseIsoDate } from '../src/calendar/date.js';
import { openDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js';
import { openColumns, sealColumns } from '../src/crypto/columns.js';
import { DataKeys } from '../src/crypto/field-cipher.js';
import { generateKeyItem, installDataKeys, parseDataKeys } from '../src/crypto/keys.js';
import type { BenchResult } from './util.js';

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const DURATION = process.env.BENCH_DURATION ?? '10s';
const WARMUP = process.env.BENCH_WARMUP ?? '3s';
const CONNECTIONS = 32;
const TEMPLATES = 400;

const addDays = (iso: string, n: number) => formatIsoDate(parseIsoDate(iso) + n);

interface Seeded {
  trackingNumber: string;
  secret: string;
}

/** The benchmarks' data key (src/crypto): the seeding process seals with it, the servers get it as GONGKAI_DATA_KEYS. */
export const BENCH_DATA_KEYS = generateKeyItem({ id: 'bench' });
const benchKeys = new DataKeys(parseDataKeys(BENCH_DATA_KEYS, 'bench'));

/** Makes this process seal personal data with the benchmarks' key (before seeding). */
export function installBenchKeys(): void {
  installDataKeys(benchKeys);
}

/** Creates TEMPLATES cases through the service (varied dates and states), then clones them up to CASES. */
export async function seedCases(db: Db): Promise<Seeded> {
  installBenchKeys();
  await seedDemo(db.kysely);
  const calendar = WorkCalendar.builtin();
  const deps: ServiceDeps = { calendar, now: () => new Date('2026-11-20T10:00:00+08:00') };
  const agencies = await db.kysely.selectFrom('agencies').select(['id', 'name', 'kind']).where('kind', 'in', ['government', 'department', 'town']).execute();
  const admin = await db.kysely.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
  // Handling needs a clerk/head of each agency: grant the admin user clerk and head everywhere.
  for (const a of agencies) {
    await db.kysely.insertInto('user_roles').values([{ user_id: admin.id, agency_id: a.id, role: 'clerk' }, { user_id: admin.id, agency_id: a.id, role: 'head' }]).onConflict((oc) => oc.doNothing()).execute();
  }
  const actor = (await loadActor(db.kysely, admin.id))!;
  let first: Seeded | null = null;
  for (let i = 0; i < TEMPLATES; i++) {
    const agency = agencies[i % agencies.length]!;
    const submittedOn = addDays('2025-06-02', (i * 7) % 530);
    const r = await registerByStaff(db, deps, actor, {
      agencyId: agency.id,
      applicantType: ['natural_person', 'natural_person', 'commercial', 'other'][i % 4],
      applicantName: `申请人${i}`,
      idType: 'other',
      idNumber: `ID${100000 + i}`,
      contactPhone: '13800000000',
      contactEmail: `a${i}@example.com`,
      contactPerson: '联系人',
      description: `请公开第${i}号项目的审批文件和实施情况，包括立项批复、环评批复及验收材料。`,
      provisionForm: 'electronic',
      delivery: 'email',
      channel: 'in_person',
      submittedOn,
    });
    first ??= { trackingNumber: r.trackingNumber, secret: r.secret };
    if (i % 5 === 1) {
      // Not every date suits every step (e.g. a weekend): a refused step leaves the case as it is.
      await requestCorrection(db, deps, actor, { applicationId: r.applicationId, version: 1, date: addDays(submittedOn, 2), items: '请说明所需信息的文号或形成时间', deadline: addDays(submittedOn, 20) }).catch(() => undefined);
    } else if (i % 5 === 2) {
      await reply(db, deps, actor, { applicationId: r.applicationId, version: 1, date: addDays(submittedOn, 10), outcomeRow: '3.1', basis: '条例第三十六条第（二）项' }).catch(() => undefined);
    }
  }
  // Clone the templates (rows and their events) up to CASES, in batches.
  const templates = await db.kysely.selectFrom('applications').selectAll().execute();
  // A clone's personal data is sealed again for its own row id (the ciphertext's associated data).
  const personal = new Map(
    templates.map((t) => {
      const p = openColumns(benchKeys, 'applications', t);
      return [t.id, { id_number: p.id_number, contact_person: p.contact_person, contact_phone: p.contact_phone, contact_email: p.contact_email, contact_address: p.contact_address, postcode: p.postcode }];
    }),
  );
  const events = await db.kysely.selectFrom('application_events').selectAll().execute();
  const byApp = new Map<number, typeof events>();
  for (const e of events) (byApp.get(e.application_id) ?? byApp.set(e.application_id, []).get(e.application_id)!).push(e);
  let made = templates.length;
  let round = 1;
  while (made < CASES) {
    await db.kysely.transaction().execute(async (trx) => {
      for (const t of templates) {
        if (made >= CASES) break;
        const { id: _id, ...row } = t;
        const ins = await trx
          .insertInto('applications')
          .values({ ...row, tracking_number: `${t.tracking_number}-${round}` })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.updateTable('applications').set(sealColumns(benchKeys, 'applications', ins.id, personal.get(t.id)!)).where('id', '=', ins.id).execute();
        const evs = byApp.get(t.id) ?? [];
        if (evs.length)
          await trx
            .insertInto('application_events')
            .values(evs.map(({ id: _eid, ...e }) => ({ ...e, application_id: ins.id })))
            .execute();
        made++;
      }
    });
    round++;
  }
  // Planner statistics, as a database in use has them (PostgreSQL's autovacuum, SQLite's ANALYZE).
  await sql`analyze`.execute(db.kysely);
  return first!;
}

/** Runs wrk against the URL: first WARMUP unmeasured (JIT, caches, connections), then DURATION measured. */
export function wrk(url: string, headers: string[], luaScript?: string): { rps: number; p50: number; p99: number; errors: number; non2xx: number; raw: string } {
  const warm = ['-t2', `-c${CONNECTIONS}`, `-d${WARMUP}`, ...headers.flatMap((h) => ['-H', h]), ...(luaScript ? ['-s', luaScript] : []), url];
  spawnSync('wrk', warm, { encoding: 'utf8' });
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${DURATION}`, '--latency', ...headers.flatMap((h) => ['-H', h])];
  if (luaScript) args.push('-s', luaScript);
  args.push(url);
  const r = spawnSync('wrk', args, { encoding: 'utf8' });
  const raw = r.stdout + r.stderr;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(raw)?.[1] ?? NaN);
  const ms = (label: string) => {
    const m = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(raw);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  const errors = [...raw.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((s, m) => s + Number(m[2]), 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(raw)?.[1] ?? 0);
  return { rps, p50: ms('50'), p99: ms('99'), errors, non2xx, raw };
}

export function peakRssMb(pid: number): number {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(s)?.[1] ?? NaN) / 1024;
}

export async function startServer(root: string, env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const child = spawn(process.execPath, [join(root, 'dist/cli/bin.js'), 'serve'], {
    // Request logs off (warnings and errors only): the benchmarks measure serving, and this
    // process would otherwise buffer every log line it reads.
    env: { ...process.env, GONGKAI_DATA_KEYS: BENCH_DATA_KEYS, GONGKAI_LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1', GONGKAI_DEMO: '0', GONGKAI_RATE_LIMITS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('已启动')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

export async function login(base: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const csrfCookie = /gk_csrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const r = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `gk_csrf=${csrfCookie}` },
    body: new URLSearchParams({ username: 'admin', password: DEMO_PASSWORD, _csrf: token, next: '/admin' }),
  });
  const session = /gk_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
  if (!session) throw new Error(`login failed: ${r.status}`);
  return `gk_session=${session}`;
}

async function benchOne(label: string, root: string, dbEnv: Record<string, string>, seeded: Seeded, work: string): Promise<BenchResult[]> {
  const staticDir = join(work, `static-${label}`);
  mkdirSync(staticDir, { recursive: true });
  const { child, base } = await startServer(root, { ...dbEnv, GONGKAI_STATIC_DIR: staticDir });
  try {
    const cookie = await login(base);
    // The public tracking page: POST /track with the anonymous CSRF cookie and token.
    const trackPage = await fetch(`${base}/track`);
    const anon = /gk_csrf=([^;]+)/.exec(trackPage.headers.get('set-cookie') ?? '')![1]!;
    const trackToken = /name="_csrf" value="([^"]+)"/.exec(await trackPage.text())![1]!;
    const trackBody = new URLSearchParams({ _csrf: trackToken, trackingNumber: seeded.trackingNumber, secret: seeded.secret }).toString();
    const lua = join(work, `track-${label}.lua`);
    writeFileSync(lua, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(trackBody)}\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.headers["Cookie"] = "gk_csrf=${anon}"\n`);
    const check = await fetch(`${base}/track`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `gk_csrf=${anon}` }, body: trackBody });
    const trackHtml = await check.text();
    if (check.status !== 200 || !trackHtml.includes(seeded.trackingNumber)) throw new Error(`tracking page check failed: ${check.status}`);
    const list = await fetch(`${base}/admin/applications`, { headers: { cookie } });
    const listHtml = await list.text();
    if (list.status !== 200) throw new Error(`case list check failed: ${list.status}`);
    writeFileSync(join(staticDir, 'list.html'), listHtml);
    writeFileSync(join(staticDir, 'track.html'), trackHtml);

    const out: BenchResult[] = [];
    const pairs: [string, () => ReturnType<typeof wrk>, () => ReturnType<typeof wrk>, number][] = [
      ['case list (GET /admin/applications)', () => wrk(`${base}/admin/applications`, [`Cookie: ${cookie}`]), () => wrk(`${base}/assets/list.html`, []), listHtml.length],
      ['tracking page (POST /track)', () => wrk(`${base}/track`, [], lua), () => wrk(`${base}/assets/track.html`, []), trackHtml.length],
    ];
    for (const [name, page, stat, size] of pairs) {
      const s = stat();
      const p = page();
      out.push({ name: `${label}: static file of the same size (${size} chars), same process (baseline)`, value: s.rps, unit: 'req/s', extra: `p50 ${s.p50} ms, p99 ${s.p99} ms, errors ${s.errors}` });
      out.push({
        name: `${label}: ${name}`,
        value: p.rps,
        unit: 'req/s',
        ratio: p.rps / s.rps,
        ratioLabel: '× static baseline',
        target: '≥ 0.5× static, p99 ≤ 25 ms at 32 connections',
        ok: p.rps / s.rps >= 0.5 && p.p99 <= 25 && p.errors === 0 && p.non2xx === 0,
        extra: `p50 ${p.p50} ms, p99 ${p.p99} ms, socket errors ${p.errors}, non-2xx ${p.non2xx}`,
      });
    }
    const rss = peakRssMb(child.pid!);
    out.push({ name: `${label}: server peak RSS during the runs`, value: rss, unit: 'MB', target: '< 300 MB', ok: rss < 300 });
    const listBaseline = out[0]!.value;
    await stop(child);
    // The same case list from a server without the page cache (GONGKAI_PAGE_CACHE=0): every
    // request queries and renders the page, as after every change to the agency's cases.
    const uncached = await startServer(root, { ...dbEnv, GONGKAI_STATIC_DIR: staticDir, GONGKAI_PAGE_CACHE: '0' });
    try {
      const p = wrk(`${uncached.base}/admin/applications`, [`Cookie: ${await login(uncached.base)}`]);
      out.push({
        name: `${label}: case list without the page cache (every request queries and renders)`,
        value: p.rps,
        unit: 'req/s',
        ratio: p.rps / listBaseline,
        ratioLabel: '× static baseline',
        extra: `p50 ${p.p50} ms, p99 ${p.p99} ms, socket errors ${p.errors}, non-2xx ${p.non2xx}`,
      });
    } finally {
      await stop(uncached.child);
    }
    return out;
  } finally {
    await stop(child);
  }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

export async function benchWeb(root: string): Promise<BenchResult[]> {
  if (spawnSync('wrk', ['--version']).error) return [{ name: 'web benchmarks skipped: wrk is not installed (apt-get install -y wrk)', value: NaN, unit: '' }];
  const work = mkdtempSync(join(tmpdir(), 'gongkai-bench-web-'));
  const results: BenchResult[] = [];
  try {
    // SQLite
    const dataDir = join(work, 'data');
    const sqlite = await openDatabase({ sqlitePath: join(dataDir, 'gongkai.sqlite') });
    await migrateToLatest(sqlite);
    const seeded = await seedCases(sqlite);
    await sqlite.close();
    results.push(...(await benchOne(`SQLite, ${CASES.toLocaleString('en-US')} cases`, root, { GONGKAI_DATA: dataDir }, seeded, work)));

    // PostgreSQL
    const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const admin = new pg.Client({ connectionString: adminUrl });
    try {
      await admin.connect();
    } catch (e) {
      results.push({ name: `PostgreSQL web benchmarks skipped: ${(e as Error).message}`, value: NaN, unit: '' });
      return results;
    }
    await admin.query('DROP DATABASE IF EXISTS gongkai_bench');
    await admin.query('CREATE DATABASE gongkai_bench');
    const url = new URL(adminUrl);
    url.pathname = '/gongkai_bench';
    try {
      const pgDb = await openDatabase({ databaseUrl: url.toString() });
      await migrateToLatest(pgDb);
      const seededPg = await seedCases(pgDb);
      await pgDb.close();
      results.push(...(await benchOne(`PostgreSQL, ${CASES.toLocaleString('en-US')} cases`, root, { DATABASE_URL: url.toString() }, seededPg, work)));
    } finally {
      await admin.query('DROP DATABASE IF EXISTS gongkai_bench WITH (FORCE)');
      await admin.end();
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
