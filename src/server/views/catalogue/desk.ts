/**
 * What the catalogue's back-office pages (routes/catalogue-admin.tsx) and its staff JSON API
 * (routes/api-catalogue-staff.ts) share: the service deps of a request, ids from URLs, the list's
 * filters and page, and the operations by action name.
 */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../../accounts/policy.js';
import { chinaDate } from '../../../applications/application.service.js';
import * as service from '../../../catalogue/catalogue.service.js';
import type { CatalogueDeps, StepResult } from '../../../catalogue/catalogue.service.js';
import { presentListItem, workingDaysLeft, type StaffListItemOut } from '../../../catalogue/catalogue.presenter.js';
import { OPEN_VERSION_STATES } from '../../../catalogue/catalogue.service.js';
import { MAX_BODY_CHARS } from '../../../catalogue/catalogue.schema.js';
import type { Db } from '../../../db/database.js';
import { NotFoundError } from '../../../errors.js';
import { MAX_ID } from '../../../validation.js';

/**
 * The body limit of the forms and API calls that carry a version's text: the longest body
 * (MAX_BODY_CHARS Chinese characters: 9 bytes each URL-encoded, up to 6 in JSON) with the other
 * fields. Other requests keep the app's small default (app.ts BODY_LIMIT).
 */
export const DRAFT_BODY_LIMIT = Math.ceil((MAX_BODY_CHARS * 9) / (1024 * 1024) + 1) * 1024 * 1024;

/** The catalogue service's deps for this app (the calendar, and the clock when tests fix it). */
export function catalogueDeps(app: FastifyInstance): CatalogueDeps {
  const { calendar, now } = app.deps;
  return now ? { calendar, now } : { calendar };
}

export function todayOf(deps: CatalogueDeps): string {
  return chinaDate(deps.now ? deps.now() : new Date());
}

/** An id from a URL: anything but a positive whole number a database integer holds is "not found". */
export function parseId(raw: unknown, what = '信息'): number {
  const s = typeof raw === 'string' ? raw : '';
  if (!/^[1-9]\d{0,9}$/.test(s) || Number(s) > MAX_ID) throw new NotFoundError(`未找到该${what}`);
  return Number(s);
}

// ---------------------------------------------------------------------------------------------
// The operations of the item page, by name (the form's URL, the API's path)

type Operation = (db: Db, deps: CatalogueDeps, actor: Actor, itemId: number, input: unknown) => Promise<StepResult>;

export const ITEM_ACTIONS = {
  submit: { run: service.submit, label: '提交审核', done: '已提交审核。' },
  review: { run: service.review, label: '审核', done: '已记录审核结论。' },
  revise: { run: service.revise, label: '修订', done: '已生成新版本草稿，修改后请提交审核；已发布的版本在新版本发布前仍然公开。' },
  discard: { run: service.discard, label: '放弃草稿', done: '已放弃该草稿。' },
  withdraw: { run: service.withdraw, label: '撤回', done: '已从公开平台撤回。' },
} as const satisfies Record<string, { run: Operation; label: string; done: string }>;

export type ItemAction = keyof typeof ITEM_ACTIONS;

export function isItemAction(s: unknown): s is ItemAction {
  return typeof s === 'string' && Object.hasOwn(ITEM_ACTIONS, s);
}

// ---------------------------------------------------------------------------------------------
// The list

export const PAGE_SIZE = 50;

export interface ListFilters {
  filter: string;
  q: string;
  page: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

export function readListFilters(query: unknown): ListFilters {
  const q = (query ?? {}) as Record<string, unknown>;
  const page = Number(str(q.page));
  return { filter: str(q.filter), q: str(q.q), page: Number.isSafeInteger(page) && page >= 1 && page <= 20_000 ? page : 1 };
}

export function listQuery(f: ListFilters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (f.filter) p.set('filter', f.filter);
  if (f.q) p.set('q', f.q);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface ListPage {
  items: StaffListItemOut[];
  total: number;
  totalCapped: boolean;
  limit: number;
  offset: number;
  today: string;
}

/** listForStaff with each open item's working days left. */
export async function listPage(db: Db, deps: CatalogueDeps, actor: Actor, input: unknown): Promise<ListPage> {
  const r = await service.listForStaff(db, deps, actor, input);
  const today = todayOf(deps);
  return {
    ...r,
    today,
    items: r.items.map((it) => presentListItem(it, OPEN_VERSION_STATES.includes(it.state) ? workingDaysLeft(deps.calendar, today, it.dueOn) : null)),
  };
}

/** The agencies where the actor may draft (id, name, kind), in id order (the tree's order). */
export async function draftAgencies(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return [];
  const rows = await db.kysely.selectFrom('agencies').select(['id', 'name', 'kind']).where('id', 'in', [...ids]).orderBy('id').execute();
  return rows;
}
