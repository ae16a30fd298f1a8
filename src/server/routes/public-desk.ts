/**
 * What the public application desk's two surfaces (the HTML pages in applications-public.tsx and
 * the JSON API in api-public.ts) share: which agencies take online applications, the check of
 * an online application before it is submitted, and the per-address rate limits.
 *
 * The rules of the form itself are the domain's (application.schema.ts onlineApplicationSchema);
 * this module only adds what the web layer knows: the agency must exist and be an administrative
 * organ (村/居民委员会 are not: they do not take 政府信息公开 applications).
 */
import { APPLICATION_AGENCY_KINDS } from '../../agencies/agency.repository.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { listAgencies, type AgencyNode } from '../../agencies/agency.repository.js';
import { onlineApplicationSchema } from '../../applications/application.schema.js';
import type { ServiceDeps } from '../../applications/application.service.js';
import type { Db } from '../../db/database.js';
import { hitRateLimit, type Limit } from '../../security/rate-limit.js';
import { fieldErrors, id, ValidationError } from '../../validation.js';
import { clientIp } from '../app.js';
import { HttpError } from '../errors.js';


/** The one answer to a failed tracking lookup: it never says which of the two was wrong. */
export const TRACK_NOT_FOUND = '未找到，请核对申请编号和查询码';

/** Largest id a PostgreSQL integer column holds; larger ids cannot exist. */
const MAX_DB_ID = 2_147_483_647;

export interface AgencyGroup {
  /** The top of a tree (a people's government). */
  label: string;
  options: Array<{ id: number; name: string }>;
}

/** The agencies of the select, grouped by their top-level government, in tree order. */
export async function onlineAgencyGroups(db: Db): Promise<AgencyGroup[]> {
  const roots = await listAgencies(db.kysely);
  const groups: AgencyGroup[] = [];
  for (const root of roots) {
    const options: AgencyGroup['options'] = [];
    const walk = (n: AgencyNode) => {
      if (APPLICATION_AGENCY_KINDS.includes(n.kind)) options.push({ id: n.id, name: n.name });
      n.children.forEach(walk);
    };
    walk(root);
    if (options.length) groups.push({ label: root.name, options });
  }
  return groups;
}

const agencyIdSchema = id('受理机关', { chosen: true });

/**
 * Checks an online application as the domain will (every field at once) plus the agency: it must
 * exist and take applications. Throws ValidationError with one Chinese message per field.
 */
export async function checkOnlineApplication(db: Db, input: unknown): Promise<void> {
  const errors: Record<string, string> = {};
  const parsed = onlineApplicationSchema.safeParse(input);
  if (!parsed.success) Object.assign(errors, fieldErrors(parsed.error));
  const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).agencyId : undefined;
  const agencyId = parsed.success ? parsed.data.agencyId : agencyIdSchema.safeParse(raw).data;
  if (agencyId !== undefined && errors.agencyId === undefined) {
    const agency =
      agencyId <= MAX_DB_ID ? await db.kysely.selectFrom('agencies').select(['id', 'kind']).where('id', '=', agencyId).executeTakeFirst() : undefined;
    if (!agency) errors.agencyId = '所选受理机关不存在，请从列表中选择';
    else if (!APPLICATION_AGENCY_KINDS.includes(agency.kind)) {
      errors.agencyId = '村（居）民委员会不是行政机关，不受理政府信息公开申请；请选择人民政府、政府部门或乡镇（街道）';
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}

/** Service deps of the web requests: the app's calendar and the system clock. */
export function serviceDeps(deps: { calendar: ServiceDeps['calendar'] }): ServiceDeps {
  return { calendar: deps.calendar };
}

/**
 * Counts one hit of the client's address against `limit`. Returns null when allowed (or when the
 * app runs without rate limits: GONGKAI_RATE_LIMITS=0, load tests only); otherwise sets 429 and
 * Retry-After on the reply and returns the Chinese message to show.
 */
export async function rateLimit(req: FastifyRequest, reply: FastifyReply, limit: Limit): Promise<string | null> {
  const { db, rateLimits } = req.server.deps;
  if (rateLimits === false) return null;
  const verdict = await hitRateLimit(db.kysely, limit, clientIp(req));
  if (verdict.allowed) return null;
  reply.code(429).header('retry-after', String(verdict.retryAfter));
  return `提交过于频繁，请${waitText(verdict.retryAfter)}后再试。`;
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds}秒`;
  return `${Math.ceil(seconds / 60)}分钟`;
}

/** The public forms are plain forms: a multipart body (uploads are for staff only) is refused unread. */
export function refuseMultipart(req: FastifyRequest): void {
  if (req.isMultipart()) throw new HttpError(415, '此表单不接受文件上传，请直接填写表单后提交。');
}
