/**
 * Several app processes behind nginx (issue 7): the public portal's requests/s and latency at 64
 * connections for BENCH_CLUSTER_DURATION (default 60 s), through nginx as the reverse proxy, with
 * one and with two `gongkai serve` processes on one PostgreSQL database, against the baseline of
 * the same pages saved as static files and served by the same nginx (same bytes, same requests).
 *
 *   static            nginx serves the saved pages (the ceiling of this machine)
 *   one process       nginx → 1 × gongkai serve
 *   two processes     nginx → 2 × gongkai serve (round robin, keep-alive upstream)
 *   two + micro-cache two processes, with nginx keeping each anonymous portal page for 1 s
 *                     (deploy/nginx.conf: what the deployment guide recommends for the day the
 *                     annual reports are published; staff sessions and pages that set cookies
 *                     are never cached; every page of the mix is the same for every visitor)
 *   every item page   two processes + micro-cache, each request the next of BENCH_CLUSTER_ITEMS
 *                     (default 10,000) public item pages in turn: the long tail, where a
 *                     second-long cache hardly ever hits and every page is rendered by the app
 *
 *   back office       a staff session's pages (dashboard, queue, a case, the catalogue list) through
 *                     nginx with two processes, against the same pages as static files
 *
 * The request mix (a wrk Lua script, each connection walking the list in turn): the platform page
 * /xxgk, the government's column home, its guide, its catalogue list, two item pages and the annual
 * reports page, found by following the portal's own links on the demo data. Every run must end
 * with zero errors and zero non-2xx answers; the row says so (and the target is not met otherwise).
 *
 * wrk, nginx, PostgreSQL and the app share this machine's cores: the ratio is the honest
 * measure, not the absolute figure. Needs wrk and nginx (apt-get install -y wrk nginx-light), the
 * build (npm run build), PostgreSQL (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres; a database gongkai_bench_cluster is created and
 * dropped there).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { WorkCalendar } from '../src/calendar/calendar.js';
import { openDatabase } from '../src/db/database.js';
import { seedDemoCatalogue } from '../src/demo/catalogue.js';
import { sitemapItems } from '../src/portal/public-catalogue.js';
import { personInput } from '../test/support/application-fixtures.js';
import { freePort, HttpClient } from '../test/support/nodes.js';
import type { BenchResult } from './util.js';
import { loadPostgres } from './portal.bench.js';
import { installBenchKeys, login, startServer, stop } from './web.bench.js';

const DURATION = process.env.BENCH_CLUSTER_DURATION ?? '60s';
const WARMUP = process.env.BENCH_WARMUP ?? '5s';
const CONNECTIONS = 64;
const TARGET = 0.5;
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const BENCH_DB = 'gongkai_bench_cluster';
/** Public items added to the demo's for the long-tail row. */
const TAIL_ITEMS = Number(process.env.BENCH_CLUSTER_ITEMS ?? 10_000);

interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

function runWrk(base: string, script: string, duration: string): WrkResult {
  const r = spawnSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${duration}`, '--latency', '-s', script, base], { encoding: 'utf8' });
  const raw = r.stdout + r.stderr;
  const ms = (label: string) => {
    const m = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(raw);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(raw)?.[1] ?? NaN),
    p50: ms('50'),
    p99: ms('99'),
    requests: Number(/(\d+) requests in/.exec(raw)?.[1] ?? NaN),
    errors: [...raw.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((s, m) => s + Number(m[2]), 0),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(raw)?.[1] ?? 0),
  };
}

/** A wrk script: each request takes the next path of the list. */
function mixScript(path: string, paths: string[], cookie?: string): string {
  writeFileSync(
    path,
    `local paths = {${paths.map((p) => JSON.stringify(p)).join(', ')}}
local i = 0
${cookie ? `wrk.headers["Cookie"] = ${JSON.stringify(cookie)}\n` : ''}request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
`,
  );
  return path;
}

/** The portal pages of the mix, found by following links from /xxgk. */
async function portalPaths(base: string): Promise<string[]> {
  const get = async (p: string) => {
    const r = await fetch(base + p);
    if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
    return r.text();
  };
  const links = (html: string, re: RegExp) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')).filter((h) => re.test(h));
  const platform = await get('/xxgk');
  const columns = links(platform, /^\/xxgk\/\d+$/);
  if (!columns.length) throw new Error('no column on /xxgk');
  // The column with the most items on its home page: the government's, in the demo.
  let best = { path: columns[0]!, items: [] as string[] };
  for (const c of columns.slice(0, 12)) {
    const items = [...new Set(links(await get(c), /^\/xxgk\/items\/\d+$/))];
    if (items.length > best.items.length) best = { path: c, items };
  }
  if (best.items.length < 2) throw new Error('no column with two items');
  return ['/xxgk', best.path, `${best.path}/guide`, `${best.path}/catalogue`, best.items[0]!, best.items[1]!, '/xxgk/reports'];
}

function nginxConf(dir: string, ports: { static: number; one: number; two: number; cached: number }, app: [number, number], staticDir: string): string {
  const proxy = (upstream: string, cache: boolean) => `
    location / {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;${
        cache
          ? `
      proxy_cache portal;
      proxy_cache_valid 200 1s;
      proxy_cache_background_update on;
      proxy_cache_use_stale updating error timeout;
      proxy_cache_bypass $cookie_gk_session;
      proxy_no_cache $cookie_gk_session;`
          : ''
      }
    }`;
  return `worker_processes 2;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { text/html html; }
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=portal:10m max_size=100m inactive=10m use_temp_path=off;
  upstream gk_one { server 127.0.0.1:${app[0]}; keepalive 64; }
  upstream gk_two { server 127.0.0.1:${app[0]}; server 127.0.0.1:${app[1]}; keepalive 64; }
  server { listen 127.0.0.1:${ports.static}; root ${staticDir}; location / { try_files $uri =404; } }
  server { listen 127.0.0.1:${ports.one};${proxy('gk_one', false)}
  }
  server { listen 127.0.0.1:${ports.two};${proxy('gk_two', false)}
  }
  server { listen 127.0.0.1:${ports.cached};${proxy('gk_two', true)}
  }
}
`;
}

export async function benchCluster(root: string, extraEnv: Record<string, string> = {}): Promise<BenchResult[]> {
  if (spawnSync('wrk', ['--version']).error) return [{ name: 'cluster benchmark skipped: wrk is not installed (apt-get install -y wrk)', value: NaN, unit: '' }];
  if (!NGINX) return [{ name: 'cluster benchmark skipped: nginx is not installed (apt-get install -y nginx-light)', value: NaN, unit: '' }];
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (e) {
    return [{ name: `cluster benchmark skipped: PostgreSQL: ${(e as Error).message}`, value: NaN, unit: '' }];
  }
  const work = mkdtempSync(join(tmpdir(), 'gongkai-bench-cluster-'));
  // nginx's workers run as an unprivileged user: they must read the static pages and write the cache.
  chmodSync(work, 0o755);
  const children: ChildProcess[] = [];
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
    const url = new URL(adminUrl);
    url.pathname = `/${BENCH_DB}`;
    // The demo's agencies, users and catalogue, and TAIL_ITEMS public items more (the portal
    // benchmark's generator) for the long tail.
    installBenchKeys(); // the demo's applicants are encrypted with the key the servers get (startServer)
    await loadPostgres(url.toString(), TAIL_ITEMS);
    const db = await openDatabase({ databaseUrl: url.toString() });
    await seedDemoCatalogue(db, WorkCalendar.builtin());
    const town = await db.kysely.selectFrom('agencies').select('id').where('name', '=', '永安镇人民政府').executeTakeFirstOrThrow();
    const items = (await sitemapItems(db.kysely, { limit: 100_000, offset: 0 })).map((r) => `/xxgk/items/${r.id}`);
    await db.close();

    const env = {
      DATABASE_URL: url.toString(),
      GONGKAI_DATA: join(work, 'data'),
      GONGKAI_REMINDER_TIME: 'off',
      ...extraEnv,
    };
    const a = await startServer(root, env);
    children.push(a.child);
    const b = await startServer(root, env);
    children.push(b.child);
    const appPorts = [Number(new URL(a.base).port), Number(new URL(b.base).port)] as [number, number];

    const paths = await portalPaths(a.base);
    const staticDir = join(work, 'static');
    mkdirSync(staticDir);
    const staticPaths: string[] = [];
    let bytes = 0;
    for (const [i, p] of paths.entries()) {
      const html = await (await fetch(a.base + p)).text();
      bytes += Buffer.byteLength(html);
      writeFileSync(join(staticDir, `${i}.html`), html);
      staticPaths.push(`/${i}.html`);
    }
    const ports = { static: await freePort(), one: await freePort(), two: await freePort(), cached: await freePort() };
    const conf = join(work, 'nginx.conf');
    writeFileSync(conf, nginxConf(work, ports, appPorts, staticDir));
    const nginx = spawn(NGINX, ['-c', conf, '-p', work, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(nginx);
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${ports.static}/0.html`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const appScript = mixScript(join(work, 'app.lua'), paths);
    const itemScript = mixScript(join(work, 'items.lua'), items);
    const staticScript = mixScript(join(work, 'static.lua'), staticPaths);
    const measure = (port: number, script: string): WrkResult => {
      runWrk(`http://127.0.0.1:${port}`, script, WARMUP);
      return runWrk(`http://127.0.0.1:${port}`, script, DURATION);
    };

    // The back office: a staff member's pages (session cookie; never cached by nginx or the
    // browser), through nginx with two processes, against the same pages as static files.
    // A few open cases for the queue (the demo's are the closed cases of 2019–2021).
    const citizen = new HttpClient();
    for (let i = 0; i < 5; i++) {
      const r = await citizen.apiPost(a.base, '/api/v1/applications', personInput(town.id, { description: `负载测试申请 ${i + 1}：某项目的批复文件` }));
      if (r.status !== 200) throw new Error(`application: ${r.status} ${r.text}`);
    }
    const cookie = await login(a.base);
    const staffGet = async (p: string) => {
      const r = await fetch(a.base + p, { headers: { cookie } });
      if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
      return r.text();
    };
    const queue = await staffGet('/admin/applications');
    const firstCase = /href="(\/admin\/applications\/\d+)"/.exec(queue)?.[1];
    if (!firstCase) throw new Error('no case in the queue');
    const staffPaths = ['/admin', '/admin/applications', firstCase, '/admin/catalogue'];
    const staffStatic: string[] = [];
    let staffBytes = 0;
    for (const [i, p] of staffPaths.entries()) {
      const html = await staffGet(p);
      staffBytes += Buffer.byteLength(html);
      writeFileSync(join(staticDir, `staff-${i}.html`), html);
      staffStatic.push(`/staff-${i}.html`);
    }
    const staffScript = mixScript(join(work, 'staff.lua'), staffPaths, cookie);
    const staffStaticScript = mixScript(join(work, 'staff-static.lua'), staffStatic);

    const baseline = measure(ports.static, staticScript);
    const rows: [string, WrkResult][] = [
      ['one app process', measure(ports.one, appScript)],
      ['two app processes', measure(ports.two, appScript)],
      ['two app processes, nginx micro-cache 1 s', measure(ports.cached, appScript)],
    ];
    const tailRow = measure(ports.cached, itemScript);
    const clean = (w: WrkResult) => w.errors === 0 && w.non2xx === 0;
    const tail = (w: WrkResult) => `p50 ${w.p50.toFixed(2)} ms, p99 ${w.p99.toFixed(2)} ms; ${w.requests.toLocaleString('en-US')} requests, ${w.errors} socket errors, ${w.non2xx} non-2xx`;
    const out: BenchResult[] = [
      {
        name: `static files through nginx (the baseline: the same ${paths.length} pages, ${Math.round(bytes / paths.length / 1024)} kB on average)`,
        value: baseline.rps,
        unit: 'req/s',
        extra: tail(baseline),
      },
    ];
    for (const [name, w] of rows) {
      const ratio = w.rps / baseline.rps;
      out.push({
        name: `portal mix through nginx, ${name}`,
        value: w.rps,
        unit: 'req/s',
        ratio,
        ratioLabel: 'vs static files through nginx',
        // The issue's target, read both ways: the app processes alone, and as deployed (deploy/nginx.conf).
        ...(name.startsWith('two app processes') ? { target: `≥ ${TARGET}× static, zero errors`, ok: ratio >= TARGET && clean(w) } : {}),
        extra: `${tail(w)}; ${CONNECTIONS} connections, ${DURATION}`,
      });
    }
    out.push({
      name: `the long tail: ${items.length.toLocaleString('en-US')} public item pages in turn, two app processes, nginx micro-cache 1 s`,
      value: tailRow.rps,
      unit: 'req/s',
      ratio: tailRow.rps / baseline.rps,
      ratioLabel: 'vs static files through nginx (the mix\'s pages)',
      extra: `${tail(tailRow)}; ${CONNECTIONS} connections, ${DURATION}`,
    });
    const staffBaseline = measure(ports.static, staffStaticScript);
    const staff = measure(ports.two, staffScript);
    out.push(
      { name: `back office: the same ${staffPaths.length} staff pages as static files through nginx (${Math.round(staffBytes / staffPaths.length / 1024)} kB on average)`, value: staffBaseline.rps, unit: 'req/s', extra: tail(staffBaseline) },
      {
        name: 'back office mix through nginx, two app processes (a staff session: dashboard, queue, a case, catalogue; never cached)',
        value: staff.rps,
        unit: 'req/s',
        ratio: staff.rps / staffBaseline.rps,
        ratioLabel: 'vs static files through nginx',
        extra: `${tail(staff)}; ${CONNECTIONS} connections, ${DURATION}`,
      },
    );
    const nginxErrors = readFileSync(join(work, 'error.log'), 'utf8').trim();
    if (nginxErrors) out.push({ name: `nginx error log: ${nginxErrors.split('\n').slice(0, 3).join(' | ')}`, value: NaN, unit: '' });
    return out;
  } finally {
    for (const c of children.reverse()) await stop(c);
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}
