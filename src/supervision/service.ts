/**
 * The dashboard as the pages and exports ask for it: the query (scope, problem filter, sort,
 * staleness threshold) validated with Chinese messages, the actor's scope checked (scope.ts), the
 * figures computed (dashboard.ts), and the last reminder runs.
 */
import { z } from 'zod';
import type { Actor } from '../accounts/policy.js';
import type { Db } from '../db/database.js';
import type { ReminderRunStatus } from '../db/schema.js';
import { fieldErrors, id, optionalChoice, optionalInt, ValidationError } from '../validation.js';
import { computeFigures, filterRows, PROBLEMS, SORTS, sortRows, totalsOf, type AgencyFigures, type Figures, type ProblemFilter, type Sort, type SupervisionDeps, type Totals } from './dashboard.js';
import { loadAgencies, scopeFor, type ScopedAgency } from './scope.js';

export const PROBLEM_FILTERS = { any: '有任一问题', ...PROBLEMS } as const;

/** The largest staleness threshold (days) a query may ask for. */
export const MAX_STALE_DAYS = 365;

export const dashboardQuerySchema = z.object({
  agency: id('机关').optional(),
  problem: optionalChoice('问题', PROBLEM_FILTERS),
  sort: optionalChoice('排序', SORTS),
  stale: optionalInt('专栏更新阈值（天）', { min: 1, max: MAX_STALE_DAYS }),
});

export interface DashboardQuery {
  agency?: number;
  problem?: ProblemFilter;
  sort?: Sort;
  stale?: number;
}

/**
 * A query string as the page's GET form sends it: one value per name (a repeated name is refused
 * rather than guessed), names the form does not have ignored.
 */
export function readDashboardQuery(raw: unknown): DashboardQuery {
  const src = (raw ?? {}) as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const name of ['agency', 'problem', 'sort', 'stale'] as const) {
    const v = src[name];
    if (v === undefined) continue;
    if (typeof v !== 'string') {
      errors[name] = '参数重复或格式有误';
      continue;
    }
    input[name] = v;
  }
  const parsed = dashboardQuerySchema.safeParse(input);
  if (!parsed.success) Object.assign(errors, fieldErrors(parsed.error));
  if (!parsed.success || Object.keys(errors).length) throw new ValidationError(errors);
  const v = parsed.data;
  return {
    ...(v.agency !== undefined ? { agency: v.agency } : {}),
    ...(v.problem ? { problem: v.problem } : {}),
    ...(v.sort ? { sort: v.sort } : {}),
    ...(v.stale !== undefined ? { stale: v.stale } : {}),
  };
}

export interface RunSummary {
  id: number;
  runOn: string;
  trigger: string;
  node: string;
  startedAt: string;
  finishedAt: string | null;
  status: ReminderRunStatus;
  recipients: number;
  sent: number;
  failed: number;
  error: string | null;
  /** The run's messages about agencies of the viewer's scope: to whom (staff names), which agencies, outcome. */
  messages: { userName: string; kind: 'staff' | 'digest'; agencyNames: string[]; status: 'sent' | 'failed'; error: string | null }[];
}

export interface DashboardView extends Figures {
  query: DashboardQuery;
  /** The scope's top agencies (the choice of a sub-scope). */
  scope: ScopedAgency[];
  /** The rows after the filter, in the chosen order. */
  shown: AgencyFigures[];
  totals: Totals;
  runs: RunSummary[];
}

export interface DashboardOptions {
  /** GONGKAI_COLUMN_STALE_DAYS (the query's `stale` overrides it). */
  staleDays: number;
}

/** The dashboard for an actor (403 for one who supervises nothing; 404 for an agency outside the scope). */
export async function dashboardFor(db: Db, deps: SupervisionDeps, actor: Actor, query: DashboardQuery, opts: DashboardOptions): Promise<DashboardView> {
  const all = await loadAgencies(db.kysely);
  const scope = scopeFor(actor, all, query.agency);
  const staleDays = query.stale ?? opts.staleDays;
  const figures = await computeFigures(db, deps, scope, { staleDays });
  const shown = sortRows(filterRows(figures.rows, query.problem), query.sort);
  return { ...figures, query, scope, shown, totals: totalsOf(figures.rows), runs: await recentRuns(db, scope, 5) };
}

/** The last reminder runs, with the messages of the last one that concern agencies of the scope. */
export async function recentRuns(db: Db, scope: readonly ScopedAgency[], limit: number): Promise<RunSummary[]> {
  const runs = await db.kysely.selectFrom('reminder_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  if (!runs.length) return [];
  const names = new Map(scope.map((a) => [a.id, a.name]));
  const last = runs[0]!;
  const messages = await db.kysely
    .selectFrom('reminder_messages as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.kind', 'm.agency_ids', 'm.status', 'm.error', 'u.display_name'])
    .where('m.run_id', '=', last.id)
    .orderBy('m.id')
    .execute();
  const mine = messages.flatMap((m) => {
    const ids = parseIds(m.agency_ids);
    const inScope = ids.filter((id) => names.has(id));
    if (!inScope.length) return [];
    return [{ userName: m.display_name, kind: m.kind, agencyNames: inScope.map((id) => names.get(id)!), status: m.status, error: m.error }];
  });
  return runs.map((r) => ({
    id: r.id,
    runOn: r.run_on,
    trigger: r.trigger,
    node: r.node,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    recipients: r.recipients,
    sent: r.sent,
    failed: r.failed,
    error: r.error,
    messages: r.id === last.id ? mine : [],
  }));
}

function parseIds(json: string): number[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is number => Number.isSafeInteger(x)) : [];
  } catch {
    return [];
  }
}
