/**
 * Factories for the application desk's tests: a small agency tree with one user per role, the
 * built-in calendar, a settable clock, and valid inputs to vary.
 *
 *   市人民政府 (gov) ── A 局 (agencyA) ── clerkA, headA, reviewerA
 *                   └─ B 局 (agencyB) ── clerkB
 *   supervisor: 督查 at gov (reads the whole subtree, handles nothing); admin at gov.
 */
import type { Actor } from '../../src/accounts/policy.js';
import { createUser, grantRole, loadActor } from '../../src/accounts/user.repository.js';
import { createAgency } from '../../src/agencies/agency.repository.js';
import type { ServiceDeps } from '../../src/applications/application.service.js';
import { WorkCalendar } from '../../src/calendar/calendar.js';
import type { Db } from '../../src/db/database.js';
import type { AgencyKind, Role } from '../../src/db/schema.js';

export const calendar = WorkCalendar.builtin();

/** Service deps whose "now" is 10:00 in China on `clock.today` (change it between steps). */
export function fixedClock(today: string): { clock: { today: string }; deps: ServiceDeps } {
  const clock = { today };
  return { clock, deps: { calendar, now: () => new Date(`${clock.today}T10:00:00+08:00`) } };
}

export interface Desk {
  gov: number;
  agencyA: number;
  agencyB: number;
  clerkA: Actor;
  headA: Actor;
  reviewerA: Actor;
  clerkB: Actor;
  supervisor: Actor;
  admin: Actor;
}

let seq = 0;

/** An agency with only its name and kind (no office details). */
export async function agency(db: Db, name: string, kind: AgencyKind, parentId: number | null): Promise<number> {
  return createAgency(db.kysely, {
    parent_id: parentId,
    name,
    short_name: null,
    kind,
    code: null,
    office_name: null,
    office_address: null,
    office_hours: null,
    office_phone: null,
    office_fax: null,
    office_email: null,
    postcode: null,
  });
}

/** A user holding these roles (a unique username), as an Actor. */
export async function user(db: Db, displayName: string, grants: Array<[number, Role]>): Promise<Actor> {
  const id = await createUser(db.kysely, { username: `u${++seq}_${Math.random().toString(36).slice(2, 8)}`, displayName, passwordHash: 'x' });
  for (const [agencyId, role] of grants) await grantRole(db.kysely, id, agencyId, role);
  return (await loadActor(db.kysely, id))!;
}

/** A fresh agency tree and users in `db` (names are unique per call). */
export async function setupDesk(db: Db): Promise<Desk> {
  const tag = `${++seq}${Math.random().toString(36).slice(2, 6)}`;
  const gov = await agency(db, `市人民政府${tag}`, 'government', null);
  const agencyA = await agency(db, `市甲局${tag}`, 'department', gov);
  const agencyB = await agency(db, `市乙局${tag}`, 'department', gov);
  return {
    gov,
    agencyA,
    agencyB,
    clerkA: await user(db, '甲局信息员', [[agencyA, 'clerk']]),
    headA: await user(db, '甲局负责人', [[agencyA, 'head']]),
    reviewerA: await user(db, '甲局审核人', [[agencyA, 'reviewer']]),
    clerkB: await user(db, '乙局信息员', [[agencyB, 'clerk']]),
    supervisor: await user(db, '督查', [[gov, 'supervisor']]),
    admin: await user(db, '管理员', [[gov, 'admin']]),
  };
}

/** The personal data used in inputs: tests look for these strings in public output. */
export const PERSON = {
  applicantName: '王小明',
  idNumber: '11010519491231002X',
  contactPhone: '13800001234',
  contactEmail: 'wangxm@example.com',
  contactAddress: '某市某区幸福路88号3单元501室',
  postcode: '100000',
  description: '请公开幸福路旧城改造项目的征收补偿方案（王小明家庭住址相关）',
  purpose: '了解本人房屋的补偿标准',
};

/** A valid application of a natural person (the online form's fields). */
export function personInput(agencyId: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    agencyId,
    applicantType: 'natural_person',
    applicantName: PERSON.applicantName,
    idType: 'resident_id',
    idNumber: PERSON.idNumber,
    contactPhone: PERSON.contactPhone,
    contactEmail: PERSON.contactEmail,
    contactAddress: PERSON.contactAddress,
    postcode: PERSON.postcode,
    description: PERSON.description,
    purpose: PERSON.purpose,
    provisionForm: 'electronic',
    delivery: 'email',
    ...overrides,
  };
}

/** A valid staff registration: received in person on `date`. */
export function inPerson(agencyId: number, date: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...personInput(agencyId), channel: 'in_person', submittedOn: date, ...overrides };
}
