/**
 * Encrypting what is already stored: the values written in plaintext before field encryption
 * existed (mode 'encrypt'), or every value not sealed under the current key (mode 'rotate',
 * after a new key was put first). A migration cannot do this — it has no key — so it is a step
 * run at every start after the migrations (and after the demo data) and the commands `gongkai
 * keys encrypt-existing` and `gongkai keys rotate`.
 *
 * Idempotent: a value already in the wanted form is never touched, so a second run, or a run on
 * another node at the same time, finds nothing to do. Rows are read in batches in id order (keyset
 * pagination, an index scan), and each row's values are written with a compare-and-set: the UPDATE
 * names the old value of every column it changes, so a value changed in between (by a staff
 * action, another node's run, an old node still writing plaintext during a rolling upgrade) is
 * never overwritten — the row is read again and done over. Nothing else of the row is written,
 * and its `version` is left alone: staff editing the case meanwhile get no spurious conflict.
 *
 * Each batch is one transaction (one fsync on SQLite). The start step costs one scan of the two
 * tables when there is nothing to do.
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import { ENCRYPTED_COLUMNS, type EncryptedTable } from './columns.js';
import { FORMAT_PREFIX, isEncrypted, type DataKeys } from './field-cipher.js';

/** The tables as untyped rows: the columns are taken from ENCRYPTED_COLUMNS. */
type Rows = Kysely<Record<string, Record<string, string | number | null>>>;
type Row = Record<string, string | number | null>;

export type ExistingMode = 'encrypt' | 'rotate';

export interface TableResult {
  table: EncryptedTable;
  /** Rows written. */
  rows: number;
  /** Values encrypted (or re-encrypted). */
  values: number;
  /** Writes that lost against a concurrent change and were done again from the new value. */
  retried: number;
  /** Rows given up after repeated concurrent changes (run again later). */
  skipped: number;
}

export interface ExistingOptions {
  mode?: ExistingMode;
  /** Rows per batch (and per transaction); default 500. */
  batchSize?: number;
  /** Called after a batch is read and before it is written (tests use it to change rows in between). */
  beforeWrite?: (table: EncryptedTable, ids: number[]) => Promise<void>;
}

const MAX_ATTEMPTS = 5;

/** Encrypts (or re-encrypts under the current key) every value that needs it; see the module comment. */
export async function encryptExisting(db: Db, keys: DataKeys, opts: ExistingOptions = {}): Promise<TableResult[]> {
  const results: TableResult[] = [];
  for (const table of Object.keys(ENCRYPTED_COLUMNS) as EncryptedTable[]) {
    results.push(await encryptTable(db, keys, table, opts));
  }
  return results;
}

async function encryptTable(db: Db, keys: DataKeys, table: EncryptedTable, opts: ExistingOptions): Promise<TableResult> {
  const q = db.kysely as unknown as Rows;
  const columns: readonly string[] = ENCRYPTED_COLUMNS[table];
  const prefix = opts.mode === 'rotate' ? `${FORMAT_PREFIX}${keys.currentId}:` : FORMAT_PREFIX;
  const needs = (v: unknown): v is string => typeof v === 'string' && !v.startsWith(prefix);
  const batchSize = opts.batchSize ?? 500;
  const result: TableResult = { table, rows: 0, values: 0, retried: 0, skipped: 0 };
  const select = () => q.selectFrom(table).select(['id', ...columns]);
  let last = 0;
  for (;;) {
    const batch = await select()
      .where('id', '>', last)
      .where((eb) => eb.or(columns.map((c) => eb.and([eb(c, 'is not', null), sql<boolean>`substr(${sql.ref(c)}, 1, ${prefix.length}) <> ${prefix}`]))))
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (batch.length === 0) break;
    last = Number(batch.at(-1)!.id);
    await opts.beforeWrite?.(table, batch.map((r) => Number(r.id)));
    let pending: Row[] = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const lost = await db.kysely.transaction().execute(async (trx) => {
        const t = trx as unknown as Rows;
        const conflicts: number[] = [];
        for (const row of pending) {
          const rowId = Number(row.id);
          const patch: Record<string, string> = {};
          for (const column of columns) {
            const v = row[column];
            if (!needs(v)) continue;
            const place = { table, column, rowId };
            patch[column] = keys.encrypt(isEncrypted(v) ? keys.decrypt(v, place) : v, place);
          }
          const changed = Object.keys(patch);
          if (changed.length === 0) continue;
          const r = await t
            .updateTable(table)
            .set(patch)
            .where('id', '=', rowId)
            .where((eb) => eb.and(changed.map((c) => eb(c, '=', row[c]!))))
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) === 1) {
            result.rows++;
            result.values += changed.length;
          } else {
            conflicts.push(rowId);
          }
        }
        return conflicts;
      });
      if (lost.length === 0) break;
      if (attempt >= MAX_ATTEMPTS) {
        result.skipped += lost.length;
        break;
      }
      result.retried += lost.length;
      // Read again: a deleted row is gone, a row encrypted by someone else needs nothing more.
      pending = await select().where('id', 'in', lost).execute();
    }
  }
  return result;
}

/** How the stored values stand: per table, how many are plaintext and how many under each key id. */
export async function keyUsage(db: Db): Promise<{ table: EncryptedTable; plaintext: number; byKey: Record<string, number> }[]> {
  const out = [];
  for (const table of Object.keys(ENCRYPTED_COLUMNS) as EncryptedTable[]) {
    const byKey: Record<string, number> = {};
    let plaintext = 0;
    for (const column of ENCRYPTED_COLUMNS[table]) {
      // The key id is the text between "gk1:" and the next ":" (ids never contain ':').
      const kid = db.dialect === 'postgres' ? sql`split_part(${sql.ref(column)}, ':', 2)` : sql`substr(${sql.ref(column)}, 5, instr(substr(${sql.ref(column)}, 5), ':') - 1)`;
      const r = await sql<{ kid: string | null; n: number }>`
        select case when substr(${sql.ref(column)}, 1, 4) = ${FORMAT_PREFIX} then ${kid} else null end as kid, count(*) as n
        from ${sql.table(table)} where ${sql.ref(column)} is not null group by 1`.execute(db.kysely);
      for (const row of r.rows) {
        if (row.kid === null) plaintext += Number(row.n);
        else byKey[row.kid] = (byKey[row.kid] ?? 0) + Number(row.n);
      }
    }
    out.push({ table, plaintext, byKey });
  }
  return out;
}

/**
 * The start step: encrypts what is still plaintext (values from before encryption, rows an older
 * node wrote during a rolling upgrade, the demo records) and says so in the start log.
 */
export async function encryptAtStart(db: Db, keys: DataKeys, log: (line: string) => void): Promise<TableResult[]> {
  const results = await encryptExisting(db, keys);
  const values = results.reduce((n, r) => n + r.values, 0);
  if (values > 0) {
    const rows = results.map((r) => `${r.table} ${r.rows} 条`).join('，');
    log(`已加密此前以明文保存的个人信息：${values} 个字段（${rows}）。旧明文可能仍留在数据库的空闲页或旧行版本及以前的备份中，见 README「数据加密」。`);
  }
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  if (skipped > 0) log(`警告：${skipped} 条记录在加密时反复被同时修改，暂未加密；下次启动或 gongkai keys encrypt-existing 时再处理。`);
  return results;
}
