import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import fc from 'fast-check';
import { openTestDb, TEST_DATABASE_URL, testDialect } from '../../test/support/db.js';
import { ALONE_MARK, openDatabase, DatabaseConfigError, PREPARED_MARK, SNAPSHOT_MARK, sqlLiteral } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { Db } from './database.js';

describe(`database (${testDialect})`, () => {
  let db: Db;
  before(async () => {
    db = await openTestDb();
  });
  after(async () => {
    await db.close();
  });

  test('migrations are applied once; running again applies nothing', async () => {
    assert.deepEqual(await migrateToLatest(db), []);
    const tables = ['agencies', 'users', 'user_roles', 'sessions', 'login_attempts', 'audit_log'];
    for (const t of tables) await sql`select count(*) from ${sql.table(t)}`.execute(db.kysely);
  });

  test('the audit log is append-only inside the database', async () => {
    const now = new Date().toISOString();
    await db.kysely.insertInto('audit_log').values({ at: now, action: 'test', user_id: null, agency_id: null, subject_type: null, subject_id: null, details: null, ip: null }).execute();
    await assert.rejects(db.kysely.updateTable('audit_log').set({ action: 'forged' }).execute(), /append-only/);
    await assert.rejects(db.kysely.deleteFrom('audit_log').execute(), /append-only/);
    const rows = await db.kysely.selectFrom('audit_log').select('action').execute();
    assert.deepEqual(rows.map((r) => r.action), ['test']);
  });
});

describe('database configuration errors', () => {
  test('a DATABASE_URL that is not PostgreSQL is refused with a reason', async () => {
    await assert.rejects(openDatabase({ databaseUrl: 'mysql://root:secret@localhost/x' }), (e: unknown) => {
      assert.ok(e instanceof DatabaseConfigError);
      assert.match(e.message, /只支持 PostgreSQL/);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
  });

  test('an unreachable PostgreSQL is a clear error, password hidden', async () => {
    await assert.rejects(openDatabase({ databaseUrl: 'postgres://u:secret@127.0.0.1:1/x' }), (e: unknown) => {
      assert.ok(e instanceof DatabaseConfigError);
      assert.match(e.message, /无法连接 PostgreSQL/);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
  });
});

describe('PostgreSQL: a statement that begins a read-only snapshot in its own round trip (SNAPSHOT_MARK), or runs alone in one (ALONE_MARK)', { skip: testDialect !== 'postgres' && 'PostgreSQL only' }, () => {
  let db: Db;
  /** One connection, so that each statement meets the transaction and prepared statements of the last. */
  let one: Db;
  before(async () => {
    db = await openTestDb();
    one = await openDatabase({ databaseUrl: TEST_DATABASE_URL, pgSchema: db.pgSchema!, poolSize: 1 });
    await sql`CREATE TABLE snap (id int PRIMARY KEY, v text)`.execute(db.kysely);
    await sql`INSERT INTO snap VALUES (1, 'a')`.execute(db.kysely);
  });
  after(async () => {
    await one?.close();
    await db?.close();
  });
  const marked = (text: string) => sql.raw(SNAPSHOT_MARK + PREPARED_MARK + text);
  const setting = async (name: string, q = one.kysely) => (await sql<{ s: string }>`SELECT current_setting(${name}) AS s`.execute(q)).rows[0]!.s;

  test('the statement and those after it read one repeatable-read, read-only snapshot until COMMIT', async () => {
    await one.kysely.connection().execute(async (c) => {
      const first = await sql<{ n: number }>`${marked('SELECT count(*)::int AS n FROM snap WHERE id >= ')}${1}`.execute(c);
      assert.equal(first.rows[0]!.n, 1);
      await sql`INSERT INTO snap VALUES (2, 'b')`.execute(db.kysely);
      assert.equal((await sql<{ n: number }>`SELECT count(*)::int AS n FROM snap`.execute(c)).rows[0]!.n, 1, 'the snapshot of the first statement');
      assert.deepEqual([await setting('transaction_isolation', c), await setting('transaction_read_only', c)], ['repeatable read', 'on']);
      await assert.rejects(sql`INSERT INTO snap VALUES (3, 'c')`.execute(c), /read-only transaction/);
      await sql`ROLLBACK`.execute(c);
    });
    assert.equal((await sql<{ n: number }>`SELECT count(*)::int AS n FROM snap`.execute(one.kysely)).rows[0]!.n, 2);
    assert.equal(await setting('transaction_read_only'), 'off');
  });

  test('its transaction plans statements once (generic plan) and never JIT-compiles them; the settings end with it', async () => {
    const settings = "SELECT current_setting('transaction_read_only') AS ro, current_setting('plan_cache_mode') AS plans, current_setting('jit') AS jit, current_setting('transaction_isolation') AS iso, ";
    const alone = async () => (await sql<Record<string, string>>`${sql.raw(ALONE_MARK + PREPARED_MARK + settings)}${'x'}::text AS v`.execute(one.kysely)).rows[0];
    for (let i = 0; i < 8; i++) assert.deepEqual(await alone(), { ro: 'on', plans: 'force_generic_plan', jit: 'off', iso: 'read committed', v: 'x' });
    const inSnapshot = await one.kysely.connection().execute(async (c) => {
      const r = (await sql<Record<string, string>>`${marked(settings)}${'y'}::text AS v`.execute(c)).rows[0];
      await sql`COMMIT`.execute(c);
      return r;
    });
    assert.deepEqual(inSnapshot, { ro: 'on', plans: 'force_generic_plan', jit: 'off', iso: 'repeatable read', v: 'y' });
    // Outside: the server's defaults, no transaction.
    assert.deepEqual([await setting('transaction_read_only'), await setting('plan_cache_mode')], ['off', 'auto']);
    const plans = await sql<{ generic: number; custom: number }>`SELECT sum(generic_plans)::int AS generic, sum(custom_plans)::int AS custom FROM pg_prepared_statements WHERE statement LIKE ${'%current_setting(%'} AND name LIKE 'gs%'`.execute(one.kysely);
    assert.deepEqual(plans.rows[0], { generic: 9, custom: 0 });
  });

  test('alone: its own snapshot, committed in the same round trip; a failure leaves no transaction', async () => {
    const r = await sql<{ n: number }>`${sql.raw(ALONE_MARK + PREPARED_MARK + 'SELECT count(*)::int AS n FROM snap WHERE id > ')}${0}`.execute(one.kysely);
    assert.ok(r.rows[0]!.n >= 1);
    await sql`INSERT INTO snap VALUES (10, 'j')`.execute(one.kysely);
    await assert.rejects(sql`${sql.raw(ALONE_MARK + PREPARED_MARK + 'SELECT 1 / ')}${0}::int AS x`.execute(one.kysely), /division by zero/);
    await sql`INSERT INTO snap VALUES (11, 'k')`.execute(one.kysely);
    assert.equal(await setting('transaction_read_only'), 'off');
  });

  test('values of every kind reach the statement as the driver would send them (property)', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', '公', "'", '"', '\\', '{', '}', ',', ' ', 'NULL', '\n', '$', '😀', 'E') });
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.option(text, { nil: null }), { maxLength: 5 }), fc.array(fc.integer(), { maxLength: 5 }), fc.maxSafeInteger(), fc.uint8Array({ maxLength: 20 }), async (s, strings, ints, big, bytes) => {
        const row = await one.kysely.connection().execute(async (c) => {
          const r = await sql<{ s: string; strings: (string | null)[]; ints: number[]; big: string; bytes: Uint8Array }>`${marked('SELECT ')}${s}::text AS s, ${strings}::text[] AS strings, ${ints}::int[] AS ints, ${big}::bigint AS big, ${Buffer.from(bytes)}::bytea AS bytes`.execute(c);
          await sql`COMMIT`.execute(c);
          return r.rows[0]!;
        });
        assert.deepEqual([row.s, row.strings, row.ints, Number(row.big), [...row.bytes]], [s, strings, ints, big, [...bytes]]);
      }),
      { numRuns: 200 },
    );
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, { a: 1 }, [{}], [Number.NaN]]) assert.throws(() => sqlLiteral(bad), TypeError);
  });

  test('a statement that fails leaves no transaction open; a table changed under a prepared statement is prepared again', async () => {
    await one.kysely.connection().execute(async (c) => {
      await assert.rejects(sql`${marked('SELECT 1 / ')}${0}::int AS x`.execute(c), /division by zero/);
    });
    assert.equal(await setting('transaction_read_only'), 'off');
    await sql`INSERT INTO snap VALUES (4, 'd')`.execute(one.kysely);
    const all = async () =>
      one.kysely.connection().execute(async (c) => {
        const r = await sql<Record<string, unknown>>`${marked('SELECT * FROM snap WHERE id = ')}${4}`.execute(c);
        await sql`COMMIT`.execute(c);
        return r.rows[0]!;
      });
    assert.deepEqual(await all(), { id: 4, v: 'd' });
    await sql`ALTER TABLE snap ADD COLUMN w text`.execute(db.kysely);
    assert.deepEqual(await all(), { id: 4, v: 'd', w: null });
    assert.equal(await setting('transaction_read_only'), 'off');
  });
});
