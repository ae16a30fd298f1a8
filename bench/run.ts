/**
 * `npm run bench`: every benchmark, each reported with its ratio to a baseline measured in the
 * same run. Results are printed and written to bench/out/results.json.
 *
 *   npm run bench                # all
 *   npm run bench -- reports     # only the groups whose name contains "reports"
 *   npm run bench -- web         # the web benchmarks (needs wrk; BENCH_CASES, BENCH_DURATION)
 *   npm run bench -- search      # the search index (BENCH_SEARCH_ITEMS, default 1,000,000; BENCH_SEARCH_DB)
 *   npm run bench -- portal      # the public catalogue's list pages (needs wrk; BENCH_PORTAL_ITEMS, default 1,000,000; BENCH_PORTAL_DB)
 *   npm run bench -- cluster     # the portal through nginx, one and two app processes (needs wrk, nginx; BENCH_CLUSTER_DURATION)
 *   npm run bench -- batch       # `report check DIR` over 10,000 mixed files (BENCH_BATCH_FILES)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchAnnual } from './annual.bench.js';
import { benchBatch } from './batch.bench.js';
import { benchCluster } from './cluster.bench.js';
import { benchDeadlines } from './calendar.bench.js';
import { benchPortal } from './portal.bench.js';
import { benchBigFile, benchParseCheck, makeCorpus } from './reports.bench.js';
import { benchSearch } from './search.bench.js';
import { fmt, type BenchResult } from './util.js';
import { benchWeb } from './web.bench.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('./out/', import.meta.url));
mkdirSync(out, { recursive: true });

const groups: [string, () => BenchResult[] | Promise<BenchResult[]>][] = [
  ['deadlines', () => benchDeadlines()],
  [
    'reports: parse+check of 1,000 generated text reports',
    () => {
      makeCorpus(`${out}corpus`, 1000);
      return benchParseCheck(`${out}corpus`);
    },
  ],
  ['reports: peak memory on a 50 MB report', () => benchBigFile(out, root)],
  [
    `batch: report check DIR over ${Number(process.env.BENCH_BATCH_FILES ?? 10_000).toLocaleString('en-US')} mixed files (text, HTML, .docx, PDF, broken)`,
    () => benchBatch(out),
  ],
  ['web: case list and tracking page with 100,000 cases (wrk, 32 connections)', () => benchWeb(root)],
  [
    `search: ${Number(process.env.BENCH_SEARCH_ITEMS ?? 1_000_000).toLocaleString('en-US')} items, 2–4 character queries (SQLite FTS5, PostgreSQL)`,
    () => benchSearch(out),
  ],
  [
    `portal: catalogue list pages with ${Number(process.env.BENCH_PORTAL_ITEMS ?? 1_000_000).toLocaleString('en-US')} items (wrk, 32 connections)`,
    () => benchPortal(root),
  ],
  [
    `cluster: the portal through nginx with one and two app processes on PostgreSQL (wrk, 64 connections, ${process.env.BENCH_CLUSTER_DURATION ?? '60s'})`,
    () => benchCluster(root),
  ],
  [
    `annual report: generation with ${Number(process.env.BENCH_ANNUAL_APPLICATIONS ?? 1_000_000).toLocaleString('en-US')} applications, a 500-agency roll-up, exports`,
    () => benchAnnual(),
  ],
];

const filter = process.argv[2];
const all: (BenchResult & { group: string })[] = [];
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}; single-threaded\n`);
for (const [name, fn] of groups) {
  if (filter && !name.includes(filter)) continue;
  console.log(`## ${name}`);
  for (const r of await fn()) {
    all.push({ group: name, ...r });
    const ratio = r.ratio !== undefined ? `  ratio ${fmt(r.ratio)} (${r.ratioLabel})` : '';
    const target = r.target ? `  target ${r.target}: ${r.ok ? 'met' : 'NOT met'}` : '';
    console.log(`  ${r.name}: ${fmt(r.value)} ${r.unit}${ratio}${target}${r.extra ? `  [${r.extra}]` : ''}`);
  }
  console.log('');
}
writeFileSync(`${out}results.json`, `${JSON.stringify({ node: process.version, at: new Date().toISOString(), results: all }, null, 2)}\n`);
console.log(`written ${out}results.json`);
