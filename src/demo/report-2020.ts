/**
 * Demo records of 永安镇人民政府 behind its real 2020 annual report (the seed,
 * test/fixtures/reports/seed-2020-yongan.txt): generating the 2020 report from them gives the
 * seed's tables cell for cell (src/demo/report-2020.test.ts).
 *
 * The seed's tables are all zero — no application, review case or normative document in 2020 —
 * and its 行政强制 row is blank. So the records sit around 2020, on the year boundaries the
 * generation must respect, and make the 2019 and 2021 reports of the demo non-trivial:
 *
 * - 2019: six applications received after 2019-05-15 and all closed by 31 December (nothing
 *   carried into 2020), one reconsideration filed and decided (维持) in 2019;
 * - 2021: seven applications (2021 format rows, a lapsed correction in 3.6.1), one lawsuit filed
 *   in 2021 and decided in 2022 (尚未审结 in 2021), and one application received on 2021-12-20
 *   whose reply, after an extension, came on 2022-01-28 (四 in 2021, 二 in 2022);
 * - entered figures for 2020: every cell of section 二 outside 第二十条第（一）项 as the seed gives
 *   it (0, 采购总金额 0 without a unit), except 行政强制, left blank as in the seed.
 * - no catalogue item: the seed's 第二十条第（一）项 is 0, and the catalogue demo
 *   (src/demo/catalogue.ts) only runs on an empty catalogue.
 *
 * Applications get their event log (登记, 补正, 延期, 答复 …) and the clocks the service would store
 * (deriveClocks), so their case pages read like real ones. A few dozen rows, inserted in bulk
 * inside seedDemo's transaction. Their personal data is sealed as the service seals it
 * (src/crypto/columns.ts); without the process's keys it is written in plaintext, which the
 * server's start step then encrypts.
 */
import type { Kysely, Transaction } from 'kysely';
import { deriveClocks, OUTCOME_BASIS_HINTS, closingOutcome, type AppEvent } from '../applications/application.js';
import { formatTrackingNumber, hashTrackingSecret, newTrackingSecret } from '../applications/tracking.js';
import { WorkCalendar } from '../calendar/calendar.js';
import type { ApplicantType, ApplicationState, Database, ReviewKind, ReviewResult } from '../db/schema.js';
import { groundsForOutcome } from '../letters/kinds.js';
import { formatForYear } from '../reports/format.js';
import { sealColumns } from '../crypto/columns.js';
import { installedDataKeys } from '../crypto/keys.js';

type Q = Kysely<Database> | Transaction<Database>;

export const DEMO_REPORT_AGENCY = '永安镇人民政府';

interface DemoCase {
  type: ApplicantType;
  name: string;
  received: string;
  description: string;
  /** Steps after registration, in order. */
  steps: DemoStep[];
  review?: { kind: ReviewKind; filed: string; result: ReviewResult | null; decided: string | null; body: string };
}

type DemoStep =
  | { kind: 'reply'; date: string; row: string; summary: string }
  | { kind: 'extend'; date: string; days: number; reason: string }
  | { kind: 'correction'; date: string; deadline: string; items: string }
  | { kind: 'correction_lapsed'; date: string }
  | { kind: 'withdrawn'; date: string };

const reply = (date: string, row: string, summary: string): DemoStep => ({ kind: 'reply', date, row, summary });

/** The demo cases (the applicants are invented). */
export const DEMO_CASES: readonly DemoCase[] = [
  // 2019: all closed within the year.
  { type: 'natural_person', name: '张某', received: '2019-06-10', description: '永安镇2019年农村危房改造补助对象名单', steps: [reply('2019-06-24', '3.1', '已提供名单')] },
  { type: 'natural_person', name: '李某', received: '2019-08-05', description: '1998年永安村土地调整会议记录', steps: [reply('2019-08-20', '3.4.1', '本机关未保存该记录')] },
  { type: 'commercial', name: '枣庄某建材有限公司', received: '2019-09-23', description: '永安镇政府路改造工程招标文件及中标结果', steps: [reply('2019-09-30', '3.2', '中标单位报价明细涉及商业秘密，其余部分公开')] },
  {
    type: 'natural_person',
    name: '王某',
    received: '2019-11-04',
    description: '本人所在村宅基地审批档案中他人的申请材料',
    steps: [reply('2019-11-18', '3.3.4', '涉及第三方个人隐私，第三方不同意公开')],
    review: { kind: 'reconsideration', filed: '2019-12-02', result: 'upheld', decided: '2019-12-20', body: '市中区人民政府' },
  },
  { type: 'natural_person', name: '赵某', received: '2019-10-21', description: '镇敬老院2019年收支情况', steps: [{ kind: 'withdrawn', date: '2019-10-25' }] },
  { type: 'natural_person', name: '张某', received: '2019-12-02', description: '永安镇2019年农村危房改造补助对象名单', steps: [reply('2019-12-16', '3.5.2', '与此前申请内容相同，已于6月答复')] },
  // 2021: 2021 format rows.
  { type: 'natural_person', name: '孙某', received: '2021-01-11', description: '新华村2020年低保户名单及补助标准', steps: [reply('2021-01-25', '3.1', '已提供')] },
  { type: 'natural_person', name: '周某', received: '2021-03-08', description: '永安镇2010年征地补偿款发放明细', steps: [reply('2021-03-22', '3.4.1', '本机关不掌握，告知向区自然资源局申请')] },
  { type: 'legal_services', name: '山东某律师事务所', received: '2021-05-10', description: '东关社区房屋征收补偿方案及评估报告', steps: [reply('2021-05-24', '3.2', '评估报告中被征收人个人信息不予公开，其余公开')] },
  {
    type: 'natural_person',
    name: '吴某',
    received: '2021-06-07',
    description: '镇党政联席会议关于永安村道路规划的讨论记录',
    steps: [reply('2021-06-21', '3.3.6', '属于讨论记录，不予公开')],
    review: { kind: 'litigation_direct', filed: '2021-08-02', result: 'upheld', decided: '2022-03-15', body: '市中区人民法院' },
  },
  { type: 'research', name: '枣庄某农业科学研究所', received: '2021-09-06', description: '永安镇2020年农田水利工程建设运营情况', steps: [reply('2021-09-17', '3.1', '已提供')] },
  {
    type: 'natural_person',
    name: '郑某',
    received: '2021-11-08',
    description: '镇里那个文件',
    steps: [
      { kind: 'correction', date: '2021-11-10', deadline: '2021-11-24', items: '请写明所需文件的名称、文号或者其他特征性描述' },
      { kind: 'correction_lapsed', date: '2021-11-29' },
    ],
  },
  {
    type: 'natural_person',
    name: '冯某',
    received: '2021-12-20',
    description: '永安镇2021年冬季清洁取暖补贴发放名单',
    steps: [
      { kind: 'extend', date: '2022-01-10', days: 20, reason: '涉及全镇各村名单，需逐村汇总核对' },
      reply('2022-01-28', '3.1', '已提供'),
    ],
  },
];

/** Section 二 of the seed, entered (行政强制 left blank, as the seed has it). */
export const DEMO_ENTRIES_2020: readonly { cell: string; value: string; unit?: string | null }[] = [
  ...['licensing', 'other_services', 'penalty'].flatMap((row) => ['items_last_year', 'change', 'decisions'].map((col) => ({ cell: `${row}.${col}`, value: '0' }))),
  { cell: 'fees.items_last_year', value: '0' },
  { cell: 'fees.change', value: '0' },
  { cell: 'procurement.projects', value: '0' },
  { cell: 'procurement.amount', value: '0', unit: null },
];

const ENTRY_NOTE = '镇党政办公室2020年度工作台账（行政许可、处罚、收费、采购事项均由区级部门实施，本镇无相应事项）';

/**
 * Inserts the demo records of 永安镇 (see the module comment). Does nothing when the agency or
 * the demo users are missing, or when the agency already has applications. Returns whether
 * anything was added.
 */
export async function seedDemoReport2020(db: Q, calendar: WorkCalendar = WorkCalendar.builtin(), now: Date = new Date()): Promise<boolean> {
  const agency = await db.selectFrom('agencies').select('id').where('name', '=', DEMO_REPORT_AGENCY).executeTakeFirst();
  if (!agency) return false;
  const users = await db.selectFrom('users').select(['id', 'username', 'display_name']).where('username', 'in', ['clerk', 'head']).execute();
  const clerk = users.find((u) => u.username === 'clerk');
  const head = users.find((u) => u.username === 'head');
  if (!clerk || !head) return false;
  if (await db.selectFrom('applications').select('id').where('agency_id', '=', agency.id).limit(1).executeTakeFirst()) return false;

  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const stamp = (date: string) => `${date}T02:00:00.000Z`;
  const serials = new Map<number, number>();
  for (const c of DEMO_CASES) {
    const year = Number(c.received.slice(0, 4));
    const serial = (serials.get(year) ?? 0) + 1;
    serials.set(year, serial);
    const trackingNumber = formatTrackingNumber(agency.id, year, serial);

    // The log, as the service would have written it.
    const events: Array<Omit<AppEvent, 'id'>> = [
      { type: 'registered', date: c.received, data: { channel: 'in_person', submittedOn: c.received, confirmedOn: null }, at: stamp(c.received), userId: clerk.id, note: null },
    ];
    let state: ApplicationState = 'registered';
    let outcome: { row: string; basis: string; format: string; closedOn: string } | null = null;
    for (const s of c.steps) {
      switch (s.kind) {
        case 'reply': {
          const format = formatForYear(Number(s.date.slice(0, 4)))!;
          const basis = OUTCOME_BASIS_HINTS[s.row] ?? '';
          const ground = groundsForOutcome(s.row)[0]?.id ?? null;
          events.push({ type: 'replied', date: s.date, data: { outcomeRow: s.row, outcomeFormat: format, basis, summary: s.summary, ground }, at: stamp(s.date), userId: clerk.id, note: null });
          state = 'replied';
          outcome = { row: s.row, basis, format, closedOn: s.date };
          break;
        }
        case 'extend':
          events.push({ type: 'extended', date: s.date, data: { days: s.days, reason: s.reason, approvedBy: head.display_name, approvedById: head.id }, at: stamp(s.date), userId: head.id, note: null });
          state = 'in_process';
          break;
        case 'correction':
          events.push({ type: 'correction_requested', date: s.date, data: { deadline: s.deadline, items: s.items }, at: stamp(s.date), userId: clerk.id, note: null });
          state = 'correction_requested';
          break;
        case 'correction_lapsed':
        case 'withdrawn': {
          const o = closingOutcome(s.kind, s.date);
          events.push({ type: s.kind, date: s.date, data: {}, at: stamp(s.date), userId: clerk.id, note: null });
          state = s.kind;
          outcome = { row: o.row, basis: o.basis, format: o.format, closedOn: s.date };
          break;
        }
      }
    }
    const clocks = deriveClocks(
      state,
      events.map((e, i) => ({ ...e, id: i + 1 }) as AppEvent),
      { calendar, today },
    );
    const created = stamp(c.received);
    const updated = stamp(outcome?.closedOn ?? c.received);
    const personal = {
      id_number: c.type === 'natural_person' ? `37040219800101${String(serial).padStart(3, '0')}X` : `91370402MA3C${String(serial).padStart(6, '0')}`,
      contact_person: c.type === 'natural_person' ? null : '联系人',
      contact_phone: `1386320${String(year % 100).padStart(2, '0')}${String(serial).padStart(2, '0')}`,
      contact_email: null,
      contact_address: '山东省枣庄市市中区永安镇',
      postcode: '277121',
    };
    const keys = installedDataKeys();
    const app = await db
      .insertInto('applications')
      .values({
        agency_id: agency.id,
        tracking_number: trackingNumber,
        tracking_secret_hash: hashTrackingSecret(trackingNumber, newTrackingSecret()),
        channel: 'in_person',
        applicant_type: c.type,
        applicant_name: c.name,
        id_type: c.type === 'natural_person' ? 'resident_id' : 'uscc',
        // With keys, sealed below for the row's id (the ciphertext's associated data).
        ...(keys ? { id_number: '', contact_person: null, contact_phone: null, contact_email: null, contact_address: null, postcode: null } : personal),
        description: c.description,
        purpose: null,
        provision_form: 'paper',
        delivery: 'pickup',
        submitted_on: c.received,
        confirmed_on: null,
        state,
        ...clocks.stored,
        outcome_row: outcome?.row ?? null,
        outcome_basis: outcome?.basis ?? null,
        outcome_format: outcome?.format ?? null,
        closed_on: outcome?.closedOn ?? null,
        version: events.length,
        created_at: created,
        updated_at: updated,
        created_by: clerk.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (keys) await db.updateTable('applications').set(sealColumns(keys, 'applications', app.id, personal)).where('id', '=', app.id).execute();

    if (c.review) {
      const r = c.review;
      const rc = await db
        .insertInto('review_cases')
        .values({
          application_id: app.id,
          kind: r.kind,
          filed_on: r.filed,
          body: r.body,
          case_number: null,
          result: r.result,
          decided_on: r.decided,
          note: null,
          created_at: stamp(r.filed),
          updated_at: stamp(r.decided ?? r.filed),
          created_by: clerk.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      events.push({ type: 'review_filed', date: r.filed, data: { reviewCaseId: rc.id, kind: r.kind }, at: stamp(r.filed), userId: clerk.id, note: null });
      if (r.result && r.decided) {
        events.push({ type: 'review_decided', date: r.decided, data: { reviewCaseId: rc.id, result: r.result }, at: stamp(r.decided), userId: clerk.id, note: null });
      }
    }
    await db
      .insertInto('application_events')
      .values(events.map((e) => ({ application_id: app.id, type: e.type, date: e.date, at: e.at, user_id: e.userId, data: JSON.stringify(e.data), note: e.note })))
      .execute();
  }
  await db
    .insertInto('application_serials')
    .values([...serials].map(([year, last]) => ({ agency_id: agency.id, year, last_serial: last })))
    .execute();

  const at = '2021-01-20T02:00:00.000Z';
  const entries = DEMO_ENTRIES_2020.map((e) => ({ agency_id: agency.id, year: 2020, cell: e.cell, value: e.value, unit: e.unit ?? null, note: ENTRY_NOTE, entered_by: clerk.id, entered_at: at }));
  await db.insertInto('report_entries').values(entries).execute();
  await db
    .insertInto('report_entry_history')
    .values(entries.map((e) => ({ ...e, action: 'set' as const })))
    .execute();
  return true;
}
