/**
 * Readiness (`/readyz`): whether this node should get traffic from the load balancer now. Each
 * check answers within a short timeout, so a hung database or file server makes the node "not
 * ready" quickly instead of holding the balancer's probe:
 *
 *   database    SELECT 1 answers
 *   migrations  every migration this program knows has been applied (a node started against an
 *               older schema, or one being migrated, is not ready; a schema newer than the program
 *               is fine: migrations only add)
 *   files       the attachments folder takes a new file (created, then removed)
 *   shutdown    the node is not stopping: after SIGTERM the answer is 503 at once, before anything
 *               is checked, so the balancer stops sending requests while the node finishes those
 *               it has (main.ts waits before closing)
 *
 * The public answer names each check and its state ('ok', 'fail', 'timeout', 'pending',
 * 'draining'), nothing else: no error text, path or host, which would tell an attacker about the
 * installation. The reason of a failure goes to the log, once when the state changes.
 * Concurrent probes share one round of checks.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { MIGRATIONS } from '../../db/migrate.js';

export type CheckState = 'ok' | 'fail' | 'timeout' | 'pending' | 'draining' | 'skipped';

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: { database: CheckState; migrations: CheckState; files: CheckState; shutdown: CheckState };
}

export interface ReadinessOptions {
  db: Db;
  filesDir: string;
  /** Per check (default 2 seconds). */
  timeoutMs?: number;
  /** Where the reasons go when a check's state changes. */
  log?: (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void;
}

class Timeout extends Error {}

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Timeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export class Readiness {
  #draining = false;
  #probed = false;
  #round: Promise<ReadinessReport> | null = null;
  readonly #last = new Map<string, CheckState>();

  constructor(private readonly opts: ReadinessOptions) {}

  /** From now on /readyz answers 503 (the node is stopping). */
  drain(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Whether anything (a load balancer) has asked /readyz since the start: then stopping waits for it to notice. */
  get probed(): boolean {
    return this.#probed;
  }

  async check(): Promise<ReadinessReport> {
    this.#probed = true;
    if (this.#draining) {
      return { status: 'not_ready', checks: { database: 'skipped', migrations: 'skipped', files: 'skipped', shutdown: 'draining' } };
    }
    this.#round ??= this.#run().finally(() => (this.#round = null));
    return this.#round;
  }

  async #run(): Promise<ReadinessReport> {
    const ms = this.opts.timeoutMs ?? 2_000;
    const [database, migrations, files] = await Promise.all([
      this.#one('database', ms, () => this.#database()),
      this.#one('migrations', ms, () => this.#migrations()),
      this.#one('files', ms, () => this.#files()),
    ]);
    const checks = { database, migrations, files, shutdown: this.#draining ? ('draining' as const) : ('ok' as const) };
    return { status: Object.values(checks).every((s) => s === 'ok') ? 'ready' : 'not_ready', checks };
  }

  async #one(name: string, ms: number, fn: () => Promise<CheckState>): Promise<CheckState> {
    let state: CheckState;
    let reason: string | null = null;
    try {
      state = await within(ms, fn());
    } catch (e) {
      state = e instanceof Timeout ? 'timeout' : (e as { state?: CheckState }).state === 'pending' ? 'pending' : 'fail';
      reason = e instanceof Timeout ? `no answer within ${ms} ms` : ((e as Error)?.message ?? String(e)).slice(0, 300);
    }
    const before = this.#last.get(name);
    if (before !== state) {
      this.#last.set(name, state);
      if (state !== 'ok') this.opts.log?.('warn', { check: name, state, reason }, `就绪检查 ${name}：${state}${reason ? `（${reason}）` : ''}`);
      else if (before !== undefined) this.opts.log?.('info', { check: name, state }, `就绪检查 ${name} 已恢复`);
    }
    return state;
  }

  async #database(): Promise<CheckState> {
    await sql`select 1`.execute(this.opts.db.kysely);
    return 'ok';
  }

  async #migrations(): Promise<CheckState> {
    const { db } = this.opts;
    const table = db.pgSchema ? sql.table(`${db.pgSchema}.schema_migrations`) : sql.table('schema_migrations');
    const rows = await sql<{ name: string }>`select name from ${table}`.execute(db.kysely);
    const applied = new Set(rows.rows.map((r) => r.name));
    const pending = Object.keys(MIGRATIONS).filter((n) => !applied.has(n));
    if (pending.length) throw Object.assign(new Error(`pending migrations: ${pending.join(', ')}`), { state: 'pending' });
    return 'ok';
  }

  async #files(): Promise<CheckState> {
    const dir = this.opts.filesDir;
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.readyz-${randomBytes(6).toString('hex')}.tmp`);
    const fh = await open(probe, 'wx');
    try {
      await fh.writeFile('ok');
    } finally {
      await fh.close();
    }
    await unlink(probe);
    return 'ok';
  }
}
