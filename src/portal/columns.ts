/**
 * The columns of the 政府信息公开 platform (条例第24条; 国办公开办函〔2019〕61号): one column per
 * administrative organ — a people's government, a department, a town or street — holding its own
 * items and those of the agencies below it (a town's column holds its villages' items, which the
 * town reviews; a government's column its departments' and towns'). Villages and communities are
 * not administrative organs and have no column of their own: their items are in the column of
 * the nearest administrative organ above them.
 *
 * Read from the agencies table on each request (a few hundred rows at most): a change made on any
 * node shows at once.
 */
import type { Kysely, Transaction } from 'kysely';
import { APPLICATION_AGENCY_KINDS } from '../agencies/agency.repository.js';
import { categoriesFor, LAW_CATEGORIES, type LawCategory } from '../catalogue/categories.js';
import type { AgencyKind, Database } from '../db/schema.js';
import { MAX_ID } from '../validation.js';

type Q = Kysely<Database> | Transaction<Database>;

/** The kinds of agency that have a column: administrative organs (the same that take applications). */
export const COLUMN_KINDS: readonly AgencyKind[] = APPLICATION_AGENCY_KINDS;

export interface AgencyRow {
  id: number;
  parent_id: number | null;
  name: string;
  kind: AgencyKind;
  code: string | null;
  office_name: string | null;
  office_address: string | null;
  office_hours: string | null;
  office_phone: string | null;
  office_fax: string | null;
  office_email: string | null;
  postcode: string | null;
  review_body: string | null;
  court: string | null;
  index_pattern: string | null;
}

/** The agency tree as read for the public pages. */
export class AgencyTree {
  readonly byId: ReadonlyMap<number, AgencyRow>;
  private readonly children: ReadonlyMap<number, AgencyRow[]>;
  /** Top-level agencies, in id order. */
  readonly roots: readonly AgencyRow[];

  constructor(rows: readonly AgencyRow[]) {
    const byId = new Map<number, AgencyRow>();
    const children = new Map<number, AgencyRow[]>();
    const roots: AgencyRow[] = [];
    for (const r of [...rows].sort((a, b) => a.id - b.id)) byId.set(r.id, r);
    for (const r of byId.values()) {
      const parent = r.parent_id === null ? undefined : byId.get(r.parent_id);
      if (parent) {
        const list = children.get(parent.id) ?? [];
        list.push(r);
        children.set(parent.id, list);
      } else roots.push(r);
    }
    this.byId = byId;
    this.children = children;
    this.roots = roots;
  }

  get(id: number): AgencyRow | undefined {
    return this.byId.get(id);
  }

  childrenOf(id: number): readonly AgencyRow[] {
    return this.children.get(id) ?? [];
  }

  /** The agency and everything below it, in tree order (depth-first, ids ascending). */
  subtree(id: number): AgencyRow[] {
    const root = this.byId.get(id);
    if (!root) return [];
    const out: AgencyRow[] = [];
    const walk = (a: AgencyRow, guard: Set<number>) => {
      if (guard.has(a.id)) return; // a cycle in bad data must not hang a page
      guard.add(a.id);
      out.push(a);
      for (const c of this.childrenOf(a.id)) walk(c, guard);
    };
    walk(root, new Set());
    return out;
  }

  /** The agency's ancestors, nearest first. */
  ancestors(id: number): AgencyRow[] {
    const out: AgencyRow[] = [];
    const seen = new Set<number>([id]);
    let a = this.byId.get(id);
    while (a && a.parent_id !== null && !seen.has(a.parent_id)) {
      seen.add(a.parent_id);
      a = this.byId.get(a.parent_id);
      if (a) out.push(a);
    }
    return out;
  }

  /** Whether the agency has a column of its own. */
  isColumn(a: AgencyRow): boolean {
    return COLUMN_KINDS.includes(a.kind);
  }

  /**
   * The column an agency's items appear in as their home: the agency's own when it is an
   * administrative organ, else the nearest administrative organ above it (a village → its town);
   * an agency with none above it is its own column.
   */
  columnOf(id: number): AgencyRow | undefined {
    const a = this.byId.get(id);
    if (!a) return undefined;
    if (this.isColumn(a)) return a;
    return this.ancestors(id).find((x) => this.isColumn(x)) ?? a;
  }

  /** Every column, in tree order. */
  columns(): AgencyRow[] {
    return this.roots.flatMap((r) => this.subtree(r.id)).filter((a) => this.isColumn(a) || this.columnOf(a.id) === a);
  }

  /**
   * The 条例 categories of a column: those of its own kind (条例第20条 for all, 第21条 per kind),
   * then those of the other kinds in its subtree (a government's column also holds its towns'
   * 第21条 items), in the law's order.
   */
  categoriesOf(columnId: number): { own: LawCategory[]; others: LawCategory[] } {
    const root = this.byId.get(columnId);
    if (!root) return { own: [], others: [] };
    const own = categoriesFor(root.kind);
    const ownIds = new Set(own.map((c) => c.id));
    const all = new Set<string>();
    for (const a of this.subtree(columnId)) for (const c of categoriesFor(a.kind)) all.add(c.id);
    return { own, others: LAW_CATEGORIES.filter((c) => all.has(c.id) && !ownIds.has(c.id)) };
  }
}

export async function loadAgencyTree(db: Q): Promise<AgencyTree> {
  const rows = await db
    .selectFrom('agencies')
    .select([
      'id',
      'parent_id',
      'name',
      'kind',
      'code',
      'office_name',
      'office_address',
      'office_hours',
      'office_phone',
      'office_fax',
      'office_email',
      'postcode',
      'review_body',
      'court',
      'index_pattern',
    ])
    .execute();
  return new AgencyTree(rows);
}

/** An id from a URL or query string: a positive whole number a database integer holds, else null. */
export function parseUrlId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= MAX_ID ? n : null;
}
