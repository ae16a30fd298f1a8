/**
 * Health, readiness, metrics and request logs of the app, on SQLite or PostgreSQL
 * (TEST_DATABASE_URL): /healthz without the database; /readyz 200 when everything answers and 503
 * with the failing check named (database closed, migrations behind, files folder unwritable,
 * shutting down — also through startServer's close); /metrics parsed by a small parser of the
 * text format here, counters moving with requests, labels bounded (a 404 is 'unmatched', never its
 * path), loopback-or-token access; JSON log lines with request id, route, status, duration and user
 * id, and without cookies, passwords, CSRF tokens, query strings or what an applicant typed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Migrator } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { createFileStore } from '../../attachments/store.js';
import { WorkCalendar } from '../../calendar/calendar.js';
import { loadConfig } from '../../config.js';
import type { Db } from '../../db/database.js';
import { MIGRATIONS } from '../../db/migrate.js';
import { seedDemo } from '../../demo/seed.js';
import { Client, DEMO_PASSWORD } from '../../../test/support/app.js';
import { openTestDb, TEST_DATABASE_URL, testDialect } from '../../../test/support/db.js';
import { freePort } from '../../../test/support/nodes.js';
import { buildApp, type AppDeps } from '../app.js';
import { startServer } from '../main.js';

const TOKEN = 'metrics-token-0123456789abcdef';

interface Built {
  app: FastifyInstance;
  db: Db;
  lines: string[];
  /** Closes the database (once: closing a PostgreSQL test database twice would leave a client open). */
  closeDb(): Promise<void>;
  close(): Promise<void>;
}

async function build(extra: Partial<AppDeps> = {}, opts: { db?: Db; seed?: boolean; routes?: (app: FastifyInstance) => void } = {}): Promise<Built> {
  const db = opts.db ?? (await openTestDb());
  if (opts.seed !== false) await seedDemo(db.kysely);
  const filesDir = mkdtempSync(join(tmpdir(), 'gongkai-obs-'));
  const lines: string[] = [];
  const app = await buildApp({
    db,
    calendar: WorkCalendar.builtin(),
    files: createFileStore(filesDir),
    maxUploadBytes: 1024 * 1024,
    logger: { level: 'info', stream: { write: (l: string) => void lines.push(l) } },
    ...extra,
  });
  opts.routes?.(app);
  await app.ready();
  let dbClosed: Promise<void> | null = null;
  const closeDb = () => (dbClosed ??= db.close());
  return {
    app,
    db,
    lines,
    closeDb,
    close: async () => {
      await app.close();
      await closeDb();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A parser of the Prometheus text format (0.0.4), strict enough to catch malformed output.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sampleRe = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (-?[0-9.e+-]+|NaN|\\+Inf|-Inf)$`);
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line))) {
      assert.ok(!helps.has(m[1]!), `one HELP for ${m[1]}`);
      helps.add(m[1]!);
    } else if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      assert.ok(!types.has(m[1]!), `one TYPE for ${m[1]}`);
      types.set(m[1]!, m[2]!);
    } else if ((m = sampleRe.exec(line))) {
      const name = m[1]!;
      const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
      assert.ok(types.has(family), `sample ${name} after its TYPE`);
      const labels: Record<string, string> = {};
      const body = m[2] ?? '';
      const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
      let pos = 0;
      while (pos < body.length) {
        labelRe.lastIndex = pos;
        const l = labelRe.exec(body);
        assert.ok(l, `label syntax in ${line}`);
        assert.ok(!(l[1]! in labels), `label ${l[1]} once in ${line}`);
        labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        pos = labelRe.lastIndex;
      }
      const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
      assert.ok(m[3] === 'NaN' || !Number.isNaN(value), `value of ${line}`);
      samples.push({ name, labels, value });
    } else {
      assert.fail(`not a line of the format: ${JSON.stringify(line)}`);
    }
  }
  // Histograms: cumulative buckets ending in +Inf = _count.
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const groups = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le: _le, ...rest } = s.labels;
      const k = JSON.stringify(rest);
      groups.set(k, [...(groups.get(k) ?? []), s]);
    }
    for (const [k, buckets] of groups) {
      for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, `${family} buckets cumulative`);
      assert.equal(buckets.at(-1)!.labels.le, '+Inf');
      const count = samples.find((x) => x.name === `${family}_count` && JSON.stringify(x.labels) === k);
      assert.equal(count?.value, buckets.at(-1)!.value, `${family} +Inf = count`);
    }
  }
  return { types, samples };
}

const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0;

async function scrape(app: FastifyInstance) {
  const r = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(r.statusCode, 200);
  assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parseExposition(r.body);
}

describe(`health and readiness (${testDialect})`, () => {
  test('/healthz: 200, not cached, no cookie, even with the database closed', async () => {
    const b = await build();
    try {
      await b.closeDb();
      const r = await b.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.json(), { status: 'ok' });
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.equal(r.headers['set-cookie'], undefined);
    } finally {
      await b.close();
    }
  });

  test('/readyz: 200 with every check ok; 503 naming the database when it is down, and nothing else about it', async () => {
    const b = await build();
    try {
      const ok = await b.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), { status: 'ready', checks: { database: 'ok', migrations: 'ok', files: 'ok', shutdown: 'ok' } });
      assert.equal(ok.headers['cache-control'], 'no-store');
      await b.closeDb();
      const down = await b.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(down.statusCode, 503);
      assert.deepEqual(down.json(), { status: 'not_ready', checks: { database: 'fail', migrations: 'fail', files: 'ok', shutdown: 'ok' } });
      // The reason is in the log, not in the answer.
      assert.ok(b.lines.some((l) => JSON.parse(l).check === 'database' && JSON.parse(l).state === 'fail'));
    } finally {
      await b.close();
    }
  });

  test('/readyz: 503 when the files folder cannot take a file; the path is not in the answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-obs-file-'));
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const b = await build({ files: createFileStore(join(blocker, 'files')) });
    try {
      const r = await b.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(r.statusCode, 503);
      assert.deepEqual(r.json().checks, { database: 'ok', migrations: 'ok', files: 'fail', shutdown: 'ok' });
      assert.ok(!r.body.includes(dir));
    } finally {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('/readyz: 503 while migrations this program knows are not applied', async () => {
    const db = await openTestDb({ migrate: false });
    const names = Object.keys(MIGRATIONS);
    const migrator = new Migrator({
      db: db.kysely,
      provider: { getMigrations: async () => MIGRATIONS },
      migrationTableName: 'schema_migrations',
      migrationLockTableName: 'schema_migrations_lock',
      allowUnorderedMigrations: true,
      ...(db.pgSchema ? { migrationTableSchema: db.pgSchema } : {}),
    });
    assert.equal((await migrator.migrateTo(names.at(-2)!)).error, undefined);
    const b = await build({}, { db, seed: false });
    try {
      const r = await b.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(r.statusCode, 503);
      assert.deepEqual(r.json().checks, { database: 'ok', migrations: 'pending', files: 'ok', shutdown: 'ok' });
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      assert.equal((await b.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    } finally {
      await b.close();
    }
  });

  test('/readyz: 503 at once when the node is shutting down', async () => {
    const b = await build();
    try {
      b.app.readiness.drain();
      const r = await b.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(r.statusCode, 503);
      assert.equal(r.json().checks.shutdown, 'draining');
      assert.equal((await b.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'still alive');
    } finally {
      await b.close();
    }
  });

  test('startServer: after close() begins, /readyz answers 503 while the node still serves, then it stops', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gongkai-obs-serve-'));
    const port = await freePort();
    let dbUrl: string | undefined;
    let dropDb: (() => Promise<void>) | undefined;
    if (TEST_DATABASE_URL) {
      // A database of its own (startServer takes a URL, which names no schema).
      const pg = (await import('pg')).default;
      const name = `obs_${randomBytes(6).toString('hex')}`;
      const admin = async (q: string) => {
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
        await c.query(q).finally(() => c.end());
      };
      await admin(`CREATE DATABASE ${name}`);
      const u = new URL(TEST_DATABASE_URL);
      u.pathname = `/${name}`;
      dbUrl = u.toString();
      dropDb = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    const config = loadConfig({
      PORT: String(port),
      GONGKAI_DATA: dataDir,
      GONGKAI_DEMO: '0',
      GONGKAI_DRAIN_SECONDS: '1',
      GONGKAI_LOG_LEVEL: 'silent',
      GONGKAI_REMINDER_TIME: 'off',
      ...(dbUrl ? { DATABASE_URL: dbUrl, GONGKAI_DATA_KEYS: `k1:${randomBytes(32).toString('base64')}` } : {}),
    });
    const running = await startServer(config, () => undefined);
    try {
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      const closing = running.close();
      const during = await fetch(`${base}/readyz`);
      assert.equal(during.status, 503);
      assert.equal(((await during.json()) as { checks: { shutdown: string } }).checks.shutdown, 'draining');
      assert.equal((await fetch(`${base}/healthz`)).status, 200, 'still serving while the balancer drains it');
      await closing;
      await assert.rejects(fetch(`${base}/healthz`));
    } finally {
      await dropDb?.();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe(`metrics (${testDialect})`, () => {
  let b: Built;
  before(async () => {
    b = await build({ metricsToken: TOKEN });
  });
  after(async () => {
    await b?.close();
  });

  test('the text format parses; requests are counted by route pattern and status class, timed, and in flight', async () => {
    const first = await scrape(b.app);
    assert.equal(first.types.get('gongkai_http_requests_total'), 'counter');
    assert.equal(first.types.get('gongkai_http_request_duration_seconds'), 'histogram');
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_used_bytes', 'nodejs_eventloop_utilization_ratio', 'process_uptime_seconds', 'gongkai_http_requests_in_flight', 'gongkai_sessions_active']) {
      assert.equal(first.types.get(name), 'gauge', name);
    }
    assert.ok(value(first.samples, 'process_resident_memory_bytes', {}) > 0);
    // PostgreSQL: the connection pool (none on SQLite).
    if (testDialect === 'postgres') {
      for (const name of ['gongkai_db_pool_connections', 'gongkai_db_pool_max_connections', 'gongkai_db_pool_waiting']) assert.equal(first.types.get(name), 'gauge', name);
      const inUse = value(first.samples, 'gongkai_db_pool_connections', { state: 'in_use' });
      const idle = value(first.samples, 'gongkai_db_pool_connections', { state: 'idle' });
      assert.ok(inUse >= 0 && idle >= 0 && inUse + idle >= 1 && inUse + idle <= value(first.samples, 'gongkai_db_pool_max_connections', {}), `${inUse} in use, ${idle} idle`);
      assert.equal(value(first.samples, 'gongkai_db_pool_waiting', {}), 0);
    } else assert.equal(first.types.get('gongkai_db_pool_connections'), undefined);
    const key = { method: 'GET', route: '/', status_class: '2xx' };
    const before = value(first.samples, 'gongkai_http_requests_total', key);
    const countBefore = value(first.samples, 'gongkai_http_request_duration_seconds_count', { method: 'GET', route: '/' });
    for (let i = 0; i < 3; i++) assert.equal((await b.app.inject({ method: 'GET', url: '/' })).statusCode, 200);
    const xxgk = await b.app.inject({ method: 'GET', url: '/xxgk/no-such-column/guide' });
    const second = await scrape(b.app);
    assert.equal(value(second.samples, 'gongkai_http_requests_total', key) - before, 3);
    assert.equal(value(second.samples, 'gongkai_http_request_duration_seconds_count', { method: 'GET', route: '/' }) - countBefore, 3);
    // The scrape itself is in flight while it is rendered.
    assert.equal(value(second.samples, 'gongkai_http_requests_in_flight', {}), 1);
    // A route with parameters is labelled with its pattern.
    const patterned = second.samples.filter((s) => s.name === 'gongkai_http_requests_total' && s.labels.status_class === `${Math.floor(xxgk.statusCode / 100)}xx` && s.labels.route?.includes(':'));
    assert.ok(patterned.length >= 1, 'a :param route pattern');
    assert.ok(!second.samples.some((s) => Object.values(s.labels).some((v) => v.includes('no-such-column'))));
  });

  test('labels stay bounded: 404s to random paths are one series, and no path appears', async () => {
    const series = async () => (await scrape(b.app)).samples.filter((s) => s.name === 'gongkai_http_requests_total').length;
    await b.app.inject({ method: 'GET', url: `/nowhere-${randomBytes(4).toString('hex')}` });
    const n = await series();
    const paths = Array.from({ length: 5 }, () => `/nowhere-${randomBytes(8).toString('hex')}?q=${randomBytes(4).toString('hex')}`);
    for (const p of paths) assert.equal((await b.app.inject({ method: 'GET', url: p })).statusCode, 404);
    await b.app.inject({ method: 'PROPFIND' as 'GET', url: '/' }).catch(() => undefined);
    const r = await b.app.inject({ method: 'GET', url: '/metrics' });
    const parsed = parseExposition(r.body);
    assert.equal(await series(), n + (parsed.samples.some((s) => s.labels.method === 'OTHER') ? 1 : 0));
    assert.ok(value(parsed.samples, 'gongkai_http_requests_total', { method: 'GET', route: 'unmatched', status_class: '4xx' }) >= 6);
    for (const p of paths) assert.ok(!r.body.includes(p.slice(1, 20)), 'no path in the exposition');
  });

  test('access: loopback straight to the node, or the bearer token; not through a proxy, not from elsewhere', async () => {
    const get = (remoteAddress: string, headers: Record<string, string> = {}) => b.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers }).then((r) => r.statusCode);
    assert.equal(await get('127.0.0.1'), 200);
    assert.equal(await get('::1'), 200);
    assert.equal(await get('::ffff:127.0.0.1'), 200);
    assert.equal(await get('10.1.2.3'), 403);
    assert.equal(await get('127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }), 403, 'a local reverse proxy forwards the public');
    assert.equal(await get('127.0.0.1', { forwarded: 'for=127.0.0.1' }), 403);
    assert.equal(await get('10.1.2.3', { authorization: `Bearer ${TOKEN}` }), 200);
    assert.equal(await get('10.1.2.3', { authorization: `bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.9' }), 200);
    assert.equal(await get('10.1.2.3', { authorization: `Bearer ${TOKEN}x` }), 403);
    assert.equal(await get('10.1.2.3', { authorization: `Basic ${Buffer.from(`a:${TOKEN}`).toString('base64')}` }), 403);
    const refused = await b.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
    assert.ok(!refused.body.includes('gongkai_http'), 'no figures in the refusal');
    // Without a configured token, no bearer opens it.
    const noToken = await build();
    try {
      assert.equal((await noToken.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 403);
      assert.equal((await noToken.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode, 200);
    } finally {
      await noToken.close();
    }
  });
});

describe(`request logs (${testDialect})`, () => {
  test('one JSON line per request: request id (given or made, echoed), method, route, status, duration, user id; no secrets or personal data', async () => {
    const b = await build();
    try {
      const c = new Client(b.app, '10.9.8.7');
      const login = await c.login('clerk');
      assert.equal(login.status, 303);
      const session = c.cookies.get('gk_session')!;
      const csrf = await c.csrf();
      const given = await b.app.inject({ method: 'GET', url: '/admin', headers: { cookie: `gk_session=${session}`, 'x-request-id': 'lb-7f3a.42:1' }, remoteAddress: '10.9.8.7' });
      assert.equal(given.headers['x-request-id'], 'lb-7f3a.42:1');
      const bad = await b.app.inject({ method: 'GET', url: '/', headers: { 'x-request-id': 'evil id\n{"injected":true}' } });
      const made = String(bad.headers['x-request-id']);
      assert.match(made, /^[0-9a-f-]{36}$/);
      const tooLong = await b.app.inject({ method: 'GET', url: '/', headers: { 'x-request-id': 'a'.repeat(65) } });
      assert.notEqual(tooLong.headers['x-request-id'], 'a'.repeat(65));
      // What an applicant types, and what travels in query strings.
      const personal = { name: '欧阳秘密', phone: '13987654321', idNumber: '110101199003071234', address: '幸福路秘密小区8号' };
      const anon = new Client(b.app, '10.9.8.6');
      await anon.post('/apply', { applicantType: 'person', applicantName: personal.name, phone: personal.phone, idNumber: personal.idNumber, address: personal.address, description: '申请公开秘密文件' });
      await anon.get(`/xxgk/search?q=${encodeURIComponent(personal.name)}`);
      await anon.get(`/track?number=X-2026-1&code=SECRETCODE123`);

      const entries = b.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const requests = entries.filter((e) => e.msg === 'request completed');
      const adminLine = requests.find((e) => e.reqId === 'lb-7f3a.42:1');
      assert.ok(adminLine, 'the given id is the log line\'s reqId');
      assert.deepEqual(
        { method: adminLine.method, route: adminLine.route, status: adminLine.status, userId: typeof adminLine.userId },
        { method: 'GET', route: '/admin', status: 200, userId: 'number' },
      );
      assert.equal(typeof adminLine.durationMs, 'number');
      assert.ok(requests.some((e) => e.reqId === made && e.route === '/'));
      assert.ok(requests.some((e) => e.method === 'POST' && e.route === '/login' && e.status === 303 && e.userId === undefined));
      assert.ok(requests.some((e) => e.method === 'POST' && e.route === '/apply'));
      assert.ok(requests.every((e) => typeof e.reqId === 'string' && typeof e.status === 'number'));

      const all = b.lines.join('\n');
      for (const secret of [session, csrf, DEMO_PASSWORD, personal.name, personal.phone, personal.idNumber, personal.address, 'SECRETCODE123', 'injected', encodeURIComponent(personal.name)]) {
        assert.ok(!all.includes(secret), `the log does not contain ${secret.slice(0, 12)}…`);
      }
      assert.ok(!/cookie|authorization|\?q=|\?number=/i.test(all));
    } finally {
      await b.close();
    }
  });

  test('a server error is logged at error level with the error, and the answer says nothing of it', async () => {
    const b = await build(
      {},
      {
        routes: (app) =>
          app.get('/boom-test', async () => {
            throw Object.assign(new Error('duplicate key value violates unique constraint "x"'), { detail: 'Key (email)=(secret@example.cn) already exists.', code: '23505' });
          }),
      },
    );
    try {
      const r = await b.app.inject({ method: 'GET', url: '/boom-test' });
      assert.equal(r.statusCode, 500);
      assert.ok(!r.body.includes('duplicate key'));
      const entries = b.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const err = entries.find((e) => (e.err as { code?: string } | undefined)?.code === '23505');
      assert.ok(err, 'the error is logged');
      assert.equal(err.level, 50);
      assert.ok(!b.lines.join('\n').includes('secret@example.cn'), "a database error's detail is not logged");
      assert.ok(entries.some((e) => e.msg === 'request completed' && e.status === 500 && e.level === 50));
    } finally {
      await b.close();
    }
  });
});
