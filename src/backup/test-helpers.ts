/**
 * What the backup tests share (not built): an installation as the CLI sees it — a data folder and,
 * when TEST_DATABASE_URL is set, a PostgreSQL database of its own on the test server (the CLI takes
 * a URL, which names no schema) — seeded with the demo data and stored files; audit rows old enough
 * to be archived by the retention job (src/audit/retention.ts); a deterministic dump of every table
 * (each ordered by its primary key, values normalized) to compare databases; and a copy of an
 * archive with its manifest edited (its checksum made to match).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { loadActor, findUserByUsername } from '../accounts/user.repository.js';
import { addAttachment } from '../attachments/attachment.service.js';
import { createFileStore, type FileStore } from '../attachments/store.js';
import { submitOnline } from '../applications/application.service.js';
import { WorkCalendar } from '../calendar/calendar.js';
import { loadConfig, type Config } from '../config.js';
import { openDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { seedDemoCatalogue } from '../demo/catalogue.js';
import { seedDemo } from '../demo/seed.js';
import { purgeAuditLog } from '../audit/retention.js';
import { SQLITE_FILE } from '../server/main.js';
import { TEST_DATABASE_URL } from '../../test/support/db.js';
import { MANIFEST, MANIFEST_SUM } from './manifest.js';
import { entryStream, readTarIndex, TarWriter } from './tar.js';

export const calendar = WorkCalendar.builtin();

export interface Place {
  dir: string;
  env: NodeJS.ProcessEnv;
  config: Config;
  open(): Promise<Db>;
  files(): FileStore;
  cleanup(): Promise<void>;
}

async function admin(q: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

/** An empty installation: a data folder, and on PostgreSQL an empty database. */
export async function makePlace(label: string): Promise<Place> {
  const dir = mkdtempSync(join(tmpdir(), `gongkai-${label}-`));
  let env: NodeJS.ProcessEnv = { GONGKAI_DATA: join(dir, 'data'), GONGKAI_DEMO: '0' };
  let database: string | null = null;
  if (TEST_DATABASE_URL) {
    database = `gongkai_${label.replace(/\W/g, '_')}_${Math.random().toString(36).slice(2, 10)}`;
    await admin(`CREATE DATABASE ${database}`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${database}`;
    env = { ...env, DATABASE_URL: url.toString() };
  }
  const config = loadConfig(env);
  return {
    dir,
    env,
    config,
    open: () => openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl, poolSize: 2 } : { sqlitePath: join(config.dataDir, SQLITE_FILE) }),
    files: () => createFileStore(config.filesDir),
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      if (database) await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

/** A small valid application of the online form. */
export function applicationInput(agencyId: number, n: number): Record<string, unknown> {
  return {
    agencyId,
    applicantType: 'natural_person',
    applicantName: `申请人${n}`,
    idType: 'resident_id',
    idNumber: '11010519491231002X',
    contactPhone: '13800001234',
    contactEmail: 'someone@example.com',
    contactAddress: '某市某区幸福路88号',
    postcode: '100000',
    description: `请公开第${n}号文件`,
    purpose: '了解情况',
    provisionForm: 'electronic',
    delivery: 'email',
  };
}

/** The demo agencies, users and catalogue, an application with two attachments, and an unreferenced stored file. */
export async function seedPlace(place: Place): Promise<{ referenced: string[]; orphan: string }> {
  const db = await place.open();
  try {
    await migrateToLatest(db);
    await seedDemo(db.kysely);
    await seedDemoCatalogue(db, calendar);
    const clerk = await findUserByUsername(db.kysely, 'clerk');
    const actor = (await loadActor(db.kysely, clerk!.id))!;
    const agencyId = [...actor.access.keys()][0]!;
    const { applicationId } = await submitOnline(db, { calendar }, applicationInput(agencyId, 1));
    const store = place.files();
    await addAttachment(db, store, actor, { applicationId, filename: '答复说明.txt', bytes: Buffer.from('依申请公开答复：附件一（测试）\n'.repeat(50)) });
    await addAttachment(db, store, actor, { applicationId, filename: '材料.txt', bytes: Buffer.from(`第二个附件 ${'数据'.repeat(3000)}\n`), kind: 'incoming' });
    const orphan = await store.put(Buffer.from('no record refers to this file'));
    const referenced = (await db.kysely.selectFrom('attachments').select('sha256').execute()).map((r) => r.sha256);
    return { referenced, orphan };
  } finally {
    await db.close();
  }
}

type Dump = Record<string, string[]>;

function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return `hex:${Buffer.from(v).toString('hex')}`;
  if (v instanceof Date) return `date:${v.toISOString()}`;
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

/**
 * Every base table's rows, ordered by the primary key (all columns where there is none), each row
 * as JSON with its columns in name order. `skip(table, row)` leaves rows out (what a restore adds).
 */
export async function dumpDatabase(db: Db, skip: (table: string, row: Record<string, unknown>) => boolean = () => false): Promise<Dump> {
  const out: Dump = {};
  const tables: { name: string; key: string[] }[] = [];
  if (db.dialect === 'sqlite') {
    const rows = await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name`.execute(db.kysely);
    for (const r of rows.rows) {
      if (/^CREATE VIRTUAL/i.test(r.sql)) continue;
      const cols = await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${r.name})`.execute(db.kysely);
      const pk = cols.rows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      tables.push({ name: r.name, key: (pk.length ? pk : cols.rows).map((c) => c.name) });
    }
  } else {
    const rows = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db.kysely);
    for (const r of rows.rows) {
      const pk = await sql<{ name: string }>`
        SELECT k.column_name AS name FROM information_schema.table_constraints c
        JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND c.table_name = ${r.name} AND c.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position`.execute(db.kysely);
      const cols = await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${r.name} ORDER BY ordinal_position`.execute(db.kysely);
      tables.push({ name: r.name, key: (pk.rows.length ? pk.rows : cols.rows).map((c) => c.name) });
    }
  }
  for (const t of tables) {
    const order = sql.join(t.key.map((k) => sql.ref(k)));
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(t.name)} ORDER BY ${order}`.execute(db.kysely);
    out[t.name] = rows.rows
      .filter((r) => !skip(t.name, r))
      .map((r) =>
        JSON.stringify(
          Object.keys(r)
            .sort()
            .map((k) => [k, normalize(r[k])]),
        ),
      );
  }
  return out;
}

/** Every file under a folder: relative path → SHA-256 of its bytes. */
export function folderHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/**
 * Audit rows 400 days old, archived by the retention job (retention 365 days) into the place's
 * GONGKAI_AUDIT_ARCHIVE_DIR: one more archive file and audit_retention row. The database must be
 * migrated. Returns the archive's file name and SHA-256 as recorded.
 */
export async function archiveOldAuditRows(place: Place, label: string): Promise<{ name: string; sha256: string }> {
  const db = await place.open();
  try {
    const at = new Date(Date.now() - 400 * 86_400_000).toISOString();
    const row = (n: number) => ({ at, user_id: null, agency_id: null, action: `old.${label}.${n}`, subject_type: null, subject_id: null, details: JSON.stringify({ label, n }), ip: '10.9.0.1' });
    await db.kysely.insertInto('audit_log').values([row(1), row(2), row(3)]).execute();
    const r = await purgeAuditLog(db.kysely, { retentionDays: 365, archiveDir: place.config.auditArchiveDir });
    if (!r.archive || !r.sha256) throw new Error('nothing was archived');
    return { name: basename(r.archive), sha256: r.sha256 };
  } finally {
    await db.close();
  }
}

/**
 * A copy of an archive with its manifest changed by `edit` (and its checksum made to match);
 * `keep(name)` false leaves an entry out.
 */
export async function rewriteArchive(src: string, dst: string, edit: (m: Record<string, unknown>) => void, keep: (name: string) => boolean = () => true): Promise<void> {
  const w = await TarWriter.create(dst, new Date());
  for (const e of await readTarIndex(src)) {
    if (e.name === MANIFEST_SUM || !keep(e.name)) continue;
    if (e.name === MANIFEST) {
      const chunks: Buffer[] = [];
      for await (const c of entryStream(src, e)) chunks.push(c as Buffer);
      const m = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      edit(m);
      const bytes = Buffer.from(JSON.stringify(m));
      await w.addBuffer(MANIFEST, bytes);
      await w.addBuffer(MANIFEST_SUM, Buffer.from(`${createHash('sha256').update(bytes).digest('hex')}  ${MANIFEST}\n`));
    } else {
      await w.add(e.name, e.size, entryStream(src, e));
    }
  }
  await w.finish();
}

/** An archive's manifest as JSON (not checked). */
export async function readManifestJson(archive: string): Promise<Record<string, unknown>> {
  const e = (await readTarIndex(archive)).find((x) => x.name === MANIFEST)!;
  const chunks: Buffer[] = [];
  for await (const c of entryStream(archive, e)) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}
