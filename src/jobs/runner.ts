/**
 * The scheduled-job runner: every app node runs one, and each slot of each job (schedule.ts) is
 * run by exactly one node, decided in the database (table job_runs, migration
 * 2026112817_scheduled_jobs), so that several stateless nodes on one PostgreSQL need no cron host
 * and no leader election.
 *
 * A check (tick, once a minute) looks at each job's slot at the current moment. A slot nobody has
 * attempted is claimed by inserting attempt 1 — (job, slot, attempt) is unique, so of several
 * nodes racing exactly one insert goes through; the others see the slot taken and skip it. The
 * claiming node renews a lease while the job runs (heartbeat every quarter of the lease). A node
 * that dies mid-run stops renewing; once its lease has run out, the next node to check inserts
 * attempt 2 (`retakes` names the abandoned attempt, which is marked 'expired') and runs the slot
 * again — so a job must be safe to run twice for one slot (the housekeeping deletes are; the
 * reminders keep their own claim in reminder_runs and never mail twice). A node that is merely
 * slow and loses its lease that way learns it at its next heartbeat (its AbortSignal fires) and its
 * completion is not recorded over the newer attempt. A slot whose time has passed is never
 * retaken: its abandoned attempt is marked 'expired' at the next check.
 *
 * A job that throws is recorded as failed (with the message) and the runner goes on; the slot is
 * not run again unless the job says a failed attempt may be retried (`retryFailed`). A database
 * that cannot be reached when claiming leaves the slot unclaimed: the next check tries again.
 * Every run, takeover and error is logged as a structured line (fields job, slot, attempt, node,
 * runId, durationMs, result / error).
 *
 * The leases use each node's own clock; nodes are expected to keep time by NTP, and the lease
 * (two minutes by default) is far longer than any drift that would matter.
 */
import { hostname } from 'node:os';
import type { Db } from '../db/database.js';
import type { JobRunStatus } from '../db/schema.js';
import { slotAt, type Schedule } from './schedule.js';

/** What a job's function receives. */
export interface JobContext {
  db: Db;
  job: string;
  slot: string;
  attempt: number;
  node: string;
  /** When this run started, by the runner's clock. */
  now: Date;
  /** Aborted when this node loses the lease (another node took the slot over). */
  signal: AbortSignal;
  /** The abandoned attempt this run takes over (its node stopped renewing the lease), if any. */
  retakes: AbandonedRun | null;
}

export interface AbandonedRun {
  id: number;
  slot: string;
  node: string;
  startedAt: string;
}

export interface JobDefinition<R = unknown> {
  /** Lower-case, dotted: `sessions.purge`. */
  name: string;
  /** What it does, in Chinese (`gongkai jobs`). */
  description: string;
  schedule: Schedule;
  run(ctx: JobContext): Promise<R>;
  /** The result as recorded (default: a string as is, anything else as JSON; at most 500 characters). */
  summarize?(result: R): string | null;
  /** A failed attempt is tried again at the next check, by any node (for jobs whose own record makes a repeat harmless). */
  retryFailed?: boolean;
  /** Called once when an attempt of this job is found abandoned (taken over, or its slot past): the job's own records can say so. */
  abandoned?(db: Db, run: AbandonedRun): Promise<void>;
}

/** The record of one attempt (job_runs). */
export interface JobRunRecord {
  id: number;
  job: string;
  slot: string;
  attempt: number;
  node: string;
  started_at: string;
  finished_at: string | null;
  status: JobRunStatus;
}

export type JobRunResult<R = unknown> =
  /** No slot at this moment, or this runner has tried the slot already. */
  | { outcome: 'not-due' }
  /** A run of this job is still in progress on this node. */
  | { outcome: 'busy'; slot: string }
  /** Another attempt holds or finished the slot. */
  | { outcome: 'taken'; slot: string; holder: JobRunRecord }
  | { outcome: 'done'; slot: string; runId: number; attempt: number; result: R; retaken: boolean }
  | { outcome: 'failed'; slot: string; runId: number; attempt: number; error: string }
  /** The lease was lost while running (another node took over): nothing recorded by this node. */
  | { outcome: 'lost'; slot: string; runId: number; attempt: number }
  /** The claim could not be made (the database): the slot stays open for the next check. */
  | { outcome: 'error'; slot: string; error: string };

export type JobLogLevel = 'info' | 'warn' | 'error';
/** A structured log line: machine-readable fields and a Chinese message. */
export type JobLog = (level: JobLogLevel, fields: Record<string, unknown>, message: string) => void;

export interface RunnerOptions {
  /** This node's name in the records (default host:pid). */
  node?: string;
  /** The clock (tests move it). */
  now?: () => Date;
  log?: JobLog;
  /** Milliseconds between checks (default one minute). */
  intervalMs?: number;
  /** How long a claim holds without a heartbeat (default two minutes). */
  leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 120_000;
const NAME = /^[a-z][a-z0-9.-]{0,63}$/;

export const defaultNode = () => `${hostname()}:${process.pid}`;

function messageOf(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).slice(0, 500);
}

function summary<R>(job: JobDefinition<R>, result: R): string | null {
  if (job.summarize) return job.summarize(result)?.slice(0, 500) ?? null;
  if (result === undefined || result === null) return null;
  return (typeof result === 'string' ? result : JSON.stringify(result)).slice(0, 500);
}

export class JobRunner {
  readonly node: string;
  readonly jobs: ReadonlyMap<string, JobDefinition>;
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;
  /** Runs in progress on this node, per job. */
  #running = new Map<string, Promise<JobRunResult>>();
  /** The last slot this runner tried per job (a slot is tried once per runner; the database decides who runs it). */
  #tried = new Map<string, string>();
  readonly #now: () => Date;
  readonly #log: JobLog;
  readonly #leaseMs: number;

  constructor(
    private readonly db: Db,
    jobs: readonly JobDefinition[],
    private readonly opts: RunnerOptions = {},
  ) {
    const map = new Map<string, JobDefinition>();
    for (const j of jobs) {
      if (!NAME.test(j.name)) throw new Error(`invalid job name ${JSON.stringify(j.name)}`);
      if (map.has(j.name)) throw new Error(`job ${j.name} defined twice`);
      map.set(j.name, j);
    }
    this.jobs = map;
    this.node = opts.node ?? defaultNode();
    this.#now = opts.now ?? (() => new Date());
    this.#log = opts.log ?? (() => {});
    this.#leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Checks at once, then every intervalMs; the timer never keeps the process alive. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#arm(0);
  }

  /** No further checks; waits for runs in progress (the database must outlive them). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.all([...this.#running.values()].map((p) => p.catch(() => null)));
  }

  #arm(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      // Runs are not awaited: a long run does not delay the other jobs' checks (it is 'busy').
      void this.tick();
      this.#arm(this.opts.intervalMs ?? 60_000);
    }, ms);
    this.#timer.unref();
  }

  /** Whether `name` has a slot at `now` that this runner has not tried yet. */
  due(name: string, now: Date = this.#now()): boolean {
    const job = this.jobs.get(name);
    if (!job) return false;
    const slot = slotAt(job.schedule, now);
    return slot !== null && this.#tried.get(name) !== slot;
  }

  /** One check of every job: runs those due (concurrently) and returns each job's result. */
  async tick(): Promise<Map<string, JobRunResult>> {
    const now = this.#now();
    const names = [...this.jobs.keys()];
    const results = await Promise.all(names.map((n) => this.runDue(n, now)));
    return new Map(names.map((n, i) => [n, results[i]!]));
  }

  /** The job's slot at `now`, if due: claimed and run (or found taken). */
  async runDue<R = unknown>(name: string, now: Date = this.#now()): Promise<JobRunResult<R>> {
    const job = this.jobs.get(name) as JobDefinition<R> | undefined;
    if (!job) throw new Error(`no job ${name}`);
    const slot = slotAt(job.schedule, now);
    if (slot === null || this.#tried.get(name) === slot) return { outcome: 'not-due' };
    if (this.#running.has(name)) return { outcome: 'busy', slot };
    await this.#sweep(job, now).catch((e) => this.#log('warn', { job: name, node: this.node, error: messageOf(e) }, `定时任务 ${name}：清理中断的运行记录失败（${messageOf(e)}）`));
    const p = this.#attempt(job, slot, now);
    this.#running.set(name, p);
    try {
      return await p;
    } finally {
      this.#running.delete(name);
    }
  }

  async #attempt<R>(job: JobDefinition<R>, slot: string, now: Date): Promise<JobRunResult<R>> {
    const base = { job: job.name, slot, node: this.node };
    let claim: Awaited<ReturnType<JobRunner['claim']>>;
    try {
      claim = await this.claim(job, slot, now);
    } catch (e) {
      this.#log('error', { ...base, error: messageOf(e) }, `定时任务 ${job.name}：无法登记本次运行（${messageOf(e)}），下次检查时重试`);
      return { outcome: 'error', slot, error: messageOf(e) };
    }
    this.#tried.set(job.name, slot);
    if ('holder' in claim) {
      this.#log('info', { ...base, holder: claim.holder.node, holderStatus: claim.holder.status }, `定时任务 ${job.name}：时段 ${slot} 已由 ${claim.holder.node} 运行，本节点跳过`);
      return { outcome: 'taken', slot, holder: claim.holder };
    }
    const { runId, attempt, retakes } = claim;
    const fields = { ...base, runId, attempt, ...(retakes ? { retakes: retakes.id, retakesNode: retakes.node } : {}) };
    if (retakes) {
      this.#log('warn', fields, `定时任务 ${job.name}：${retakes.node} 的运行（${slot}，开始于 ${retakes.startedAt}）租约已过期，由本节点接管`);
      await this.#abandoned(job, retakes);
    } else {
      this.#log('info', fields, `定时任务 ${job.name}：开始运行（${slot}）`);
    }

    const abort = new AbortController();
    const heartbeat = setInterval(() => {
      void this.#renew(job, slot, runId, attempt).then(
        (held) => {
          if (!held && !abort.signal.aborted) {
            abort.abort(new Error('lease lost'));
            this.#log('warn', fields, `定时任务 ${job.name}：本节点的租约已被其他节点接管（${slot}）`);
          }
        },
        (e) => this.#log('warn', { ...fields, error: messageOf(e) }, `定时任务 ${job.name}：续租失败（${messageOf(e)}）`),
      );
    }, Math.max(1_000, Math.floor(this.#leaseMs / 4)));
    // Not unref'd: a run in progress is work the process has to finish (stop() waits for it too).

    const started = Date.now();
    let result: R | undefined;
    let error: string | null = null;
    try {
      result = await job.run({ db: this.db, job: job.name, slot, attempt, node: this.node, now, signal: abort.signal, retakes });
    } catch (e) {
      error = messageOf(e);
    } finally {
      clearInterval(heartbeat);
    }
    const durationMs = Date.now() - started;
    const resultText = error === null ? summary(job, result as R) : null;
    let recorded: boolean;
    try {
      recorded = await this.#finish(job.name, slot, runId, attempt, error === null ? 'done' : 'failed', resultText, error);
    } catch (e) {
      // The lease runs out and the slot is retaken (or marked expired once past): the record stays truthful.
      this.#log('error', { ...fields, durationMs, error: messageOf(e) }, `定时任务 ${job.name}：无法记录运行结果（${messageOf(e)}）`);
      recorded = false;
      if (error === null) return { outcome: 'done', slot, runId, attempt, result: result as R, retaken: retakes !== null };
    }
    if (!recorded) {
      this.#log('warn', { ...fields, durationMs }, `定时任务 ${job.name}：运行结束时租约已被其他节点接管，结果未记录（${slot}）`);
      return { outcome: 'lost', slot, runId, attempt };
    }
    if (error !== null) {
      if (job.retryFailed) this.#tried.delete(job.name);
      this.#log('error', { ...fields, durationMs, error }, `定时任务 ${job.name} 失败（${slot}）：${error}`);
      return { outcome: 'failed', slot, runId, attempt, error };
    }
    this.#log('info', { ...fields, durationMs, result: resultText }, `定时任务 ${job.name} 完成（${slot}）${resultText ? `：${resultText}` : ''}`);
    return { outcome: 'done', slot, runId, attempt, result: result as R, retaken: retakes !== null };
  }

  /**
   * Claims `slot` of `job` for this node: a new attempt row, or the holder that stands in the way
   * (a live lease, a finished run, or another node's winning insert).
   */
  async claim(job: JobDefinition, slot: string, now: Date): Promise<{ runId: number; attempt: number; retakes: AbandonedRun | null } | { holder: JobRunRecord }> {
    const nowIso = now.toISOString();
    const latest = await this.#latest(job.name, slot);
    let attempt = 1;
    let retakes: AbandonedRun | null = null;
    if (latest) {
      const expired = latest.status === 'running' && latest.lease_until < nowIso;
      const retry = latest.status === 'failed' && job.retryFailed === true;
      if (!expired && !retry && latest.status !== 'expired') return { holder: latest };
      attempt = latest.attempt + 1;
      if (expired) retakes = { id: latest.id, slot, node: latest.node, startedAt: latest.started_at };
    }
    const row = await this.db.kysely
      .insertInto('job_runs')
      .values({
        job: job.name,
        slot,
        attempt,
        node: this.node,
        started_at: nowIso,
        heartbeat_at: nowIso,
        lease_until: new Date(now.getTime() + this.#leaseMs).toISOString(),
        finished_at: null,
        status: 'running',
        result: null,
        error: null,
        retakes: retakes?.id ?? null,
      })
      .onConflict((oc) => oc.columns(['job', 'slot', 'attempt']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) {
      const holder = await this.#latest(job.name, slot);
      if (!holder) throw new Error(`job_runs: the claim of ${job.name} ${slot} conflicted but no row is there`);
      return { holder };
    }
    if (retakes) {
      await this.db.kysely
        .updateTable('job_runs')
        .set({ status: 'expired', finished_at: nowIso, error: `租约已过期（节点停止续租），由 ${this.node} 接管` })
        .where('id', '=', retakes.id)
        .where('status', '=', 'running')
        .execute();
    }
    return { runId: row.id, attempt, retakes };
  }

  async #latest(job: string, slot: string) {
    return this.db.kysely
      .selectFrom('job_runs')
      .select(['id', 'job', 'slot', 'attempt', 'node', 'started_at', 'finished_at', 'status', 'lease_until'])
      .where('job', '=', job)
      .where('slot', '=', slot)
      .orderBy('attempt', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The attempt is still this node's: running, and no later attempt exists. */
  #mine(runId: number, job: string, slot: string, attempt: number) {
    return this.db.kysely
      .updateTable('job_runs')
      .where('id', '=', runId)
      .where('status', '=', 'running')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('job_runs as later').select('later.id').where('later.job', '=', job).where('later.slot', '=', slot).where('later.attempt', '>', attempt))),
      );
  }

  async #renew(job: JobDefinition, slot: string, runId: number, attempt: number): Promise<boolean> {
    const now = this.#now();
    const r = await this.#mine(runId, job.name, slot, attempt)
      .set({ heartbeat_at: now.toISOString(), lease_until: new Date(now.getTime() + this.#leaseMs).toISOString() })
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async #finish(job: string, slot: string, runId: number, attempt: number, status: 'done' | 'failed', result: string | null, error: string | null): Promise<boolean> {
    const r = await this.#mine(runId, job, slot, attempt)
      .set({ status, finished_at: this.#now().toISOString(), result, error })
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * The job's attempts whose lease ran out and whose slot is no longer current (so nobody will
   * retake them): marked 'expired', and the job told. Checked before each claim (a few rows of an
   * index: job_runs_outcome).
   */
  async #sweep(job: JobDefinition, now: Date): Promise<void> {
    const nowIso = now.toISOString();
    const stale = await this.db.kysely
      .selectFrom('job_runs')
      .select(['id', 'job', 'slot', 'node', 'started_at'])
      .where('job', '=', job.name)
      .where('status', '=', 'running')
      .where('lease_until', '<', nowIso)
      .execute();
    for (const r of stale) {
      if (slotAt(job.schedule, now) === r.slot) continue; // the current slot: retaken by the claim
      const u = await this.db.kysely
        .updateTable('job_runs')
        .set({ status: 'expired', finished_at: nowIso, error: '租约已过期（节点停止续租），时段已过，未再运行' })
        .where('id', '=', r.id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) continue;
      const run = { id: r.id, slot: r.slot, node: r.node, startedAt: r.started_at };
      this.#log('warn', { job: r.job, slot: r.slot, node: this.node, expired: r.id, expiredNode: r.node }, `定时任务 ${r.job}：${r.node} 在 ${r.slot} 的运行中断（租约过期），时段已过，不再运行`);
      await this.#abandoned(job, run);
    }
  }

  async #abandoned(job: JobDefinition, run: AbandonedRun): Promise<void> {
    if (!job.abandoned) return;
    try {
      await job.abandoned(this.db, run);
    } catch (e) {
      this.#log('warn', { job: job.name, slot: run.slot, node: this.node, error: messageOf(e) }, `定时任务 ${job.name}：记录中断的运行失败（${messageOf(e)}）`);
    }
  }
}
