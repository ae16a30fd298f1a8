/**
 * Faults in the middle of writes: no application the platform accepted is lost, and nothing
 * half-written becomes visible.
 *
 * 1. A node is killed (SIGKILL: no shutdown of any kind) while citizens submit applications to
 *    two nodes at once; the other node goes on taking them; the killed node is started again and
 *    takes them too. On SQLite (one file, two processes) this is also "the database killed
 *    mid-write": the embedded database dies with its process.
 * 2. PostgreSQL only: the database server itself is killed (`pg_ctl stop -m immediate`: no
 *    checkpoint, recovery from the write-ahead log at the next start) under the same load, and
 *    started again. Both nodes must survive the outage (answer errors, not crash) and take
 *    applications again once it is back. This runs its own PostgreSQL cluster (initdb in a temp
 *    folder, as the postgres user), so that killing it disturbs nothing else on the machine.
 *
 * "Accepted" means the applicant got a tracking number and 查询码 (HTTP 200). Each citizen sends
 * each application with an Idempotency-Key and, when no answer or a 503 comes back (a request cut
 * off mid-flight; a COMMIT the dying database may have made durable first), sends it again with
 * the same key until one comes, as a careful client does. Afterwards every accepted pair is looked
 * up through the public API, and the database is checked whole: every application has its
 * submission event and its audit entry, tracking numbers are unique, and the applications in the
 * database are exactly those accepted: none lost, none created twice by a retry, none that its
 * applicant never heard of.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import { personInput } from '../support/application-fixtures.js';
import { TEST_DATABASE_URL } from '../support/db.js';
import { freePort, HttpClient, sharedDatabase, startNode, type AppNode } from '../support/nodes.js';

const WRITERS = 6;

interface Accepted {
  trackingNumber: string;
  secret: string;
  node: string;
}

/** Citizens submitting applications to the nodes in turn until stopped. */
class Load {
  accepted: Accepted[] = [];
  /** Requests that got an answer other than 200 (e.g. 500 while the database is down). */
  refused = new Map<number, number>();
  /** Requests without an answer: connection refused or cut off (their outcome is unknown). */
  unanswered = 0;
  /** Requests sent again with the same key after no answer or a 503. */
  retries = 0;
  /** Retries answered with the first request's receipt: that request had committed unanswered. */
  recovered = 0;
  private stopped = false;
  private loops: Promise<void>[] = [];
  private turn = 0;

  constructor(
    private readonly nodes: () => AppNode[],
    private readonly agencyId: number,
  ) {}

  start(): void {
    for (let w = 0; w < WRITERS; w++) this.loops.push(this.loop(w));
  }

  private async loop(w: number): Promise<void> {
    const c = new HttpClient();
    let i = 0;
    // The application being sent: kept, with its key, until an answer comes (also after stop()).
    let pending: { key: string; body: unknown; tries: number } | null = null;
    while (!this.stopped || pending) {
      pending ??= { key: randomUUID(), body: personInput(this.agencyId, { description: `故障测试：第 ${w} 位申请人的第 ${++i} 份申请` }), tries: 0 };
      if (pending.tries++ > 0) this.retries++;
      if (pending.tries > 2000) throw new Error(`writer ${w}: no answer after 2000 tries`);
      const list = this.nodes();
      const node = list[this.turn++ % list.length]!;
      try {
        const r = await c.apiPost(node.base, '/api/v1/applications', pending.body, { 'idempotency-key': pending.key });
        if (r.status === 200) {
          this.accepted.push({ trackingNumber: String(r.json.tracking_number), secret: String(r.json.secret), node: node.base });
          if (r.headers.get('idempotent-replayed') === 'true') this.recovered++;
          pending = null;
        } else {
          this.refused.set(r.status, (this.refused.get(r.status) ?? 0) + 1);
          if (r.status !== 503) pending = null; // refused for good: not sent again
          else await new Promise((r) => setTimeout(r, 20));
        }
      } catch {
        this.unanswered++;
        c.cookies.clear();
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }


  /** Waits until `n` more applications are accepted (by `node` when given). */
  async more(n: number, node?: AppNode): Promise<void> {
    const count = () => this.accepted.filter((x) => !node || x.node === node.base).length;
    const target = count() + n;
    const deadline = Date.now() + 120_000;
    while (count() < target) {
      if (Date.now() > deadline) throw new Error(`waited 120 s for ${n} accepted applications${node ? ` on ${node.base}` : ''}; refused ${JSON.stringify([...this.refused])}, unanswered ${this.unanswered}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

/**
 * Every accepted application is there, whole, and nothing else.
 * `before`: the highest application id before the load (the demo data's).
 */
async function verify(t: TestContext, db: Db, node: AppNode, load: Load, before: number): Promise<void> {
  // Through the public API of a live node: every accepted pair finds its application.
  const c = new HttpClient();
  for (const a of load.accepted) {
    const r = await c.apiPost(node.base, '/api/v1/track', { tracking_number: a.trackingNumber, secret: a.secret });
    assert.equal(r.status, 200, `accepted ${a.trackingNumber} (by ${a.node}) must be found: ${r.text}`);
  }
  // The database whole.
  const k = db.kysely;
  const all = await k.selectFrom('applications').select(['id', 'tracking_number']).execute();
  const numbers = new Set(all.map((r) => r.tracking_number));
  assert.equal(numbers.size, all.length, 'tracking numbers are unique');
  // The applications of this test: those after the demo data's.
  const apps = all.filter((r) => r.id > before);
  for (const a of load.accepted) assert.ok(numbers.has(a.trackingNumber), a.trackingNumber);
  const withoutEvent = await k
    .selectFrom('applications as a')
    .select('a.id')
    .where('a.id', '>', before)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('application_events as e').select('e.id').whereRef('e.application_id', '=', 'a.id').where('e.type', '=', 'submitted'))))
    .execute();
  assert.deepEqual(withoutEvent, [], 'every application has its submission event');
  const withoutAudit = await k
    .selectFrom('applications as a')
    .select('a.id')
    .where('a.id', '>', before)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('audit_log as l')
            .select('l.id')
            .where('l.subject_type', '=', 'application')
            .where('l.action', '=', 'application.submit')
            .whereRef('l.subject_id', '=', sql<string>`cast(a.id as text)`),
        ),
      ),
    )
    .execute();
  assert.deepEqual(withoutAudit, [], 'every application has its audit entry');
  // Exactly the accepted ones: every request whose outcome was unknown was sent again with its
  // key until answered, so none is left in doubt, and a retry never created a second one.
  assert.equal(new Set(load.accepted.map((a) => a.trackingNumber)).size, load.accepted.length, 'each application accepted once');
  assert.deepEqual(apps.map((a) => a.tracking_number).sort(), load.accepted.map((a) => a.trackingNumber).sort(), 'the applications in the database are exactly those accepted');
  t.diagnostic(
    `accepted ${load.accepted.length}, all found, no other; refused ${JSON.stringify(Object.fromEntries(load.refused))}; unanswered ${load.unanswered}; ` +
      `sent again with the same key ${load.retries}, of which ${load.recovered} answered with the receipt of a first request that had committed unanswered`,
  );
}

async function lastApplicationId(db: Db): Promise<number> {
  const r = await db.kysely.selectFrom('applications').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(r?.id ?? 0);
}

async function agencyId(db: Db): Promise<number> {
  return (await db.kysely.selectFrom('agencies').select('id').where('name', '=', '永安镇人民政府').executeTakeFirstOrThrow()).id;
}

describe('faults mid-write', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  test('a node killed while applications pour in: nothing accepted is lost, nothing half-written', async (t) => {
    const shared = await sharedDatabase();
    cleanups.push(() => shared.close());
    const a = await startNode(shared.env);
    cleanups.push(() => a.stop());
    const b = await startNode(shared.env);
    cleanups.push(() => b.stop());
    const db = await shared.open();
    cleanups.push(() => db.close());
    const before = await lastApplicationId(db);

    let nodes = [a, b];
    const load = new Load(() => nodes, await agencyId(db));
    load.start();
    try {
      await load.more(40);
      await a.kill();
      assert.ok(b.alive());
      await load.more(30, b);
      // The killed node comes back on its port, on the same database, and takes its share again.
      const a2 = await startNode(shared.env, { port: a.port });
      cleanups.push(() => a2.stop());
      nodes = [a2, b];
      await load.more(20, a2);
    } finally {
      await load.stop();
    }
    // A live node refuses nothing: the dead one's requests go unanswered, and the other's are
    // all taken (on SQLite the two processes wait for each other's write lock, never fail).
    assert.deepEqual(Object.fromEntries(load.refused), {}, 'no request refused by a live node');
    await verify(t, db, b, load, before);
  });

  const initdb = ['/usr/lib/postgresql/15/bin/initdb', ...['16', '17', '14'].map((v) => `/usr/lib/postgresql/${v}/bin/initdb`)].find((p) => existsSync(p));
  const skip = !TEST_DATABASE_URL
    ? 'PostgreSQL pass only (on SQLite the database dies with its node: the test above)'
    : !initdb
      ? 'no initdb on this machine'
      : process.getuid?.() !== 0
        ? 'needs root (to run a PostgreSQL cluster of its own as the postgres user)'
        : false;

  test('the PostgreSQL server killed mid-write and started again: the nodes survive, nothing accepted is lost', { skip }, async (t) => {
    const bin = join(initdb!, '..');
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-pg-fault-'));
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe', timeout: 120_000 });
    const data = join(dir, 'data');
    asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions']);
    const port = await freePort();
    const pgStart = () => asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
    const pgKill = () => asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    pgStart();
    cleanups.push(async () => void asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']));

    const shared = await sharedDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres` });
    cleanups.push(() => shared.close());
    const a = await startNode(shared.env);
    cleanups.push(() => a.stop());
    const b = await startNode(shared.env);
    cleanups.push(() => b.stop());
    const id = await (async () => {
      const db = await shared.open();
      try {
        return [await agencyId(db), await lastApplicationId(db)] as const;
      } finally {
        await db.close();
      }
    })();

    const load = new Load(() => [a, b], id[0]);
    load.start();
    try {
      await load.more(40);
      pgKill();
      // The outage: the nodes answer errors, and must not crash.
      const refusedBefore = [...load.refused.values()].reduce((s, n) => s + n, 0);
      const deadline = Date.now() + 30_000;
      while ([...load.refused.values()].reduce((s, n) => s + n, 0) < refusedBefore + 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(a.alive() && b.alive(), `both nodes survive the database's death:\n${a.output().slice(-2000)}\n${b.output().slice(-2000)}`);
      pgStart();
      // Back: both nodes take applications again.
      await load.more(20, a);
      await load.more(20, b);
    } finally {
      await load.stop();
    }
    assert.ok(a.alive() && b.alive());
    assert.ok(load.refused.size > 0, 'requests during the outage were refused with an error status');
    // 503 with Retry-After: the database is away, nothing was written, try again (or elsewhere).
    assert.deepEqual([...load.refused.keys()], [503], 'refused with 503 only');
    const db = await shared.open();
    cleanups.push(() => db.close());
    await verify(t, db, a, load, id[1]);
  });
});
