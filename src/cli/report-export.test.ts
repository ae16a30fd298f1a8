/**
 * `gongkai report export` against a database holding the demo data (a SQLite data folder, or a
 * PostgreSQL database of its own when TEST_DATABASE_URL is set): every format, files written
 * whole, the agency found by a unique part of its name, and bad usage refused with exit 2.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { cli } from '../../test/support/cli.js';
import { TEST_DATABASE_URL } from '../../test/support/db.js';
import { noBrowser } from '../../test/support/browser.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { seedDemo } from '../demo/seed.js';
import { validateReportJson } from '../reports/report.js';
import { SQLITE_FILE } from '../server/main.js';

describe('gongkai report export (CLI)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let database: string | null = null;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gongkai-export-'));
    env = { GONGKAI_DATA: dir, GONGKAI_DEMO: '0' };
    let url: string | undefined;
    if (TEST_DATABASE_URL) {
      database = `gongkai_export_${Math.random().toString(36).slice(2, 10)}`;
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`CREATE DATABASE ${database}`);
      await c.end();
      const u = new URL(TEST_DATABASE_URL);
      u.pathname = `/${database}`;
      url = u.toString();
      env = { ...env, DATABASE_URL: url };
    }
    const db = await openDatabase({ databaseUrl: url, sqlitePath: join(dir, SQLITE_FILE) });
    try {
      await migrateToLatest(db);
      await seedDemo(db.kysely);
    } finally {
      await db.close();
    }
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (database) {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.end();
    }
  });

  test('JSON to stdout: the report of 永安镇 for 2020 in the 2019 format, from a unique part of its name', async () => {
    const r = await cli(['report', 'export', '--agency', '永安镇', '--year', '2020', '--to', 'json'], env);
    assert.equal(r.code, 0, r.err);
    const report = validateReportJson(JSON.parse(r.out));
    assert.equal(report.format, '2019');
    assert.equal(report.year, 2020);
    assert.match(report.agency ?? '', /永安镇/);
    for (const row of Object.values(report.applications)) for (const v of Object.values(row)) assert.equal(typeof v, 'number', 'section 三 is complete');
  });

  test('.docx, .xlsx and .html to files, written whole; HTML to stdout without -o', async () => {
    for (const [to, magic] of [
      ['docx', 'PK'],
      ['xlsx', 'PK'],
      ['html', '<!DOCTYPE html>'],
    ] as const) {
      const file = join(dir, `out.${to}`);
      const r = await cli(['report', 'export', '--agency', '永安镇', '--year', '2021', '--to', to, '-o', file], env);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /已写入/);
      assert.ok(readFileSync(file).subarray(0, magic.length).toString('latin1').toLowerCase().startsWith(magic.toLowerCase()), to);
    }
    const html = await cli(['report', 'export', '--agency', '永安镇', '--year', '2021', '--to', 'html'], env);
    assert.match(html.out, /<table/);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left',
    );
  });

  test('PDF with Chromium', { skip: noBrowser }, async () => {
    const file = join(dir, 'out.pdf');
    const r = await cli(['report', 'export', '--agency', '永安镇', '--year', '2020', '--to', 'pdf', '-o', file], env);
    assert.equal(r.code, 0, r.err);
    assert.equal(readFileSync(file).subarray(0, 5).toString('latin1'), '%PDF-');
  });

  test('bad usage: exit 2 with the reason; nothing published: exit 1; no file left behind', async () => {
    const cases: [string[], RegExp][] = [
      [['--agency', '不存在的机关', '--year', '2020', '--to', 'json'], /找不到机关/],
      [['--agency', '人民政府', '--year', '2020', '--to', 'json'], /./],
      [['--agency', '永安镇', '--year', '2018', '--to', 'json'], /--year 应在 2019/],
      [['--agency', '永安镇', '--year', '二〇二〇', '--to', 'json'], /--year/],
      [['--agency', '永安镇', '--year', '2999', '--to', 'json'], /--year 应在/],
      [['--agency', '永安镇', '--year', '2020', '--to', 'doc'], /--to 必须是/],
      [['--agency', '永安镇', '--year', '2020'], /--to/],
      [['--agency', '永安镇', '--year', '2020', '--to', 'docx', '-o', join(dir, 'no-such-dir', 'x.docx')], /目录不存在/],
      [['--agency', '永安镇', '--year', '2020', '--to', 'json', '--published', '--rollup'], /不能同时使用/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['report', 'export', ...args], env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message, args.join(' '));
    }
    assert.ok(!existsSync(join(dir, 'no-such-dir')));
    const none = await cli(['report', 'export', '--agency', '永安镇', '--year', '2019', '--to', 'json', '--published'], env);
    assert.equal(none.code, 1);
    assert.match(none.err, /尚未公布/);
  });

  test('roll-up: the region of the demo government, with the agencies included listed', async () => {
    const r = await cli(['report', 'export', '--agency', '市中区人民政府', '--year', '2020', '--to', 'json', '--rollup'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /汇总了 \d+ 个机关/);
    assert.match(r.err, /注意：\d+个机关2020年度没有任何记录或录入的数字：.*市中区发展和改革局/, 'the agencies missing');
    const report = validateReportJson(JSON.parse(r.out));
    // A government's report is its region's roll-up without asking.
    const plain = await cli(['report', 'export', '--agency', '市中区人民政府', '--year', '2020', '--to', 'json'], env);
    assert.equal(plain.code, 0, plain.err);
    assert.deepEqual(validateReportJson(JSON.parse(plain.out)).applications, report.applications);
    assert.equal(report.format, '2019');
  });
});
