/**
 * What leaves the desk: the public tracking view (nothing personal, only with both tracking
 * number and 查询码), the staff case page and the work queue. SQLite or PostgreSQL (db.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenError, type Actor } from '../accounts/policy.js';
import type { Db } from '../db/database.js';
import { ValidationError } from '../validation.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { fixedClock, inPerson, PERSON, personInput, setupDesk, type Desk } from '../../test/support/application-fixtures.js';
import { PUBLIC_FIELDS } from './application.presenter.js';
import {
  confirmReceipt,
  extend,
  findByTracking,
  getApplicationForStaff,
  issueFeeNotice,
  recordCorrection,
  recordOpinion,
  recordPayment,
  registerByStaff,
  reply,
  requestCorrection,
  startConsultation,
  submitOnline,
  workQueue,
  type ServiceDeps,
  type StepResult,
} from './application.service.js';
import { displaySecret } from './tracking.js';

type Op = (db: Db, deps: ServiceDeps, actor: Actor, input: unknown) => Promise<StepResult>;

/** Every key at any depth of a JSON value. */
function deepKeys(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) deepKeys(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      deepKeys(x, out);
    }
  }
  return out;
}

const PERSONAL_KEYS = [
  'applicantName',
  'applicant_name',
  'name',
  'idNumber',
  'id_number',
  'idType',
  'phone',
  'contactPhone',
  'email',
  'contactEmail',
  'address',
  'contactAddress',
  'postcode',
  'contactPerson',
  'description',
  'purpose',
  'note',
  'party',
  'userId',
  'userName',
  'approvedBy',
  'applicant',
];

describe(`presenters and queries (${testDialect})`, () => {
  let db: Db;
  let desk: Desk;
  const { clock, deps } = fixedClock('2025-06-30');

  before(async () => {
    db = await openTestDb();
    desk = await setupDesk(db);
  });
  after(async () => {
    await db.close();
  });

  const version = async (id: number) => (await db.kysely.selectFrom('applications').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
  const act = async (op: Op, actor: Actor, id: number, input: Record<string, unknown>) => op(db, deps, actor, { applicationId: id, version: await version(id), ...input });

  describe('public tracking', () => {
    test('the public view carries no personal data and only the listed fields; letters are there', async () => {
      clock.today = '2025-03-28';
      const r = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2025-03-03', { note: '申请人来电称急需' }));
      const id = r.applicationId;
      await act(requestCorrection, desk.clerkA, id, { date: '2025-03-04', deadline: '2025-03-11', items: '请写明项目名称和年份' });
      await act(recordCorrection, desk.clerkA, id, { date: '2025-03-05' });
      await act(startConsultation, desk.clerkA, id, { kind: 'third_party', date: '2025-03-06', letterReceivedOn: '2025-03-07', party: '李四（第三方自然人）', note: '第三方电话 13900000000' });
      await act(recordOpinion, desk.clerkA, id, { kind: 'third_party', date: '2025-03-14', opinion: 'consent' });
      await act(extend, desk.headA, id, { date: '2025-03-17', days: 10, reason: '需要调取档案' });
      await act(issueFeeNotice, desk.clerkA, id, { date: '2025-03-18', noticeReceivedOn: '2025-03-18', method: 'pages', quantity: 40 });
      await act(recordPayment, desk.clerkA, id, { date: '2025-03-20' });
      await act(reply, desk.clerkA, id, { date: '2025-03-28', outcomeRow: '3.1', basis: '条例第三十六条第（二）项', summary: '现将补偿方案全文提供给您。' });

      const view = await findByTracking(db, deps, r.trackingNumber, r.secret);
      assert.ok(view);
      assert.deepEqual(Object.keys(view).sort(), [...PUBLIC_FIELDS].sort());
      const keys = deepKeys(view);
      for (const k of PERSONAL_KEYS) assert.ok(!keys.has(k), `public view has key ${k}`);
      const json = JSON.stringify(view);
      for (const [field, value] of Object.entries(PERSON)) assert.ok(!json.includes(value), `public view contains ${field}`);
      for (const s of ['李四', '13900000000', '急需', '甲局负责人', '甲局信息员']) assert.ok(!json.includes(s), `public view contains ${s}`);

      assert.equal(view.trackingNumber, r.trackingNumber);
      assert.equal(view.state.label, '已答复');
      assert.equal(view.outcome!.label, '（一）予以公开');
      assert.equal(view.receivedOn, '2025-03-03');
      assert.equal(view.closedOn, '2025-03-28');
      assert.deepEqual(
        view.letters.map((l) => l.title),
        ['收到申请回执', '补正申请告知书', '收到补正回执', '征求意见告知书', '延长答复期限告知书', '收费通知书', '政府信息公开申请答复书'],
      );
      assert.match(view.letters[1]!.text, /请写明项目名称和年份/);
      assert.match(view.letters[4]!.text, /延长10个工作日/);
      assert.match(view.letters[5]!.text, /100元/); // pages 31–40: 10 × 10元
      assert.match(view.letters[6]!.text, /现将补偿方案全文提供给您/);
      assert.match(view.dueExplanation!, /政府信息公开工作机构负责人同意延长10个工作日/);

      // Staff see everything.
      const staff = await getApplicationForStaff(db, deps, desk.clerkA, id);
      assert.equal(staff.applicant.name, PERSON.applicantName);
      assert.equal(staff.applicant.idNumber, PERSON.idNumber);
      assert.equal(staff.request.description, PERSON.description);
      assert.equal(staff.timeline[0]!.note, '申请人来电称急需');
      assert.ok(staff.timeline.some((t) => t.summary.includes('李四')));
      assert.match(staff.clocks.report!.reply.due!.text, /经甲局负责人同意/);
    });

    test('a wrong 查询码 or tracking number gives null, without saying which', async () => {
      clock.today = '2025-03-10';
      const r = await submitOnline(db, deps, personInput(desk.agencyA));
      const other = await submitOnline(db, deps, personInput(desk.agencyA));
      assert.ok(await findByTracking(db, deps, r.trackingNumber, r.secret));
      // Typed the way people do: lower case, grouped, full-width.
      assert.ok(await findByTracking(db, deps, ` ${r.trackingNumber.replace(/-/g, '－')} `, displaySecret(r.secret).toLowerCase()));
      const wrong = r.secret.slice(0, 7) + (r.secret[7] === 'A' ? 'B' : 'A');
      assert.equal(await findByTracking(db, deps, r.trackingNumber, wrong), null);
      assert.equal(await findByTracking(db, deps, r.trackingNumber, other.secret), null);
      assert.equal(await findByTracking(db, deps, other.trackingNumber, r.secret), null);
      assert.equal(await findByTracking(db, deps, `${desk.agencyA}-2025-999999`, r.secret), null);
      for (const [tn, code] of [
        ['', ''],
        [undefined, undefined],
        [123, 456],
        ['x'.repeat(500), r.secret],
        [r.trackingNumber, ''],
        [r.trackingNumber, 'x'.repeat(500)],
      ] as const) {
        assert.equal(await findByTracking(db, deps, tn, code), null);
      }
    });

    test('an online application before confirmation: tracked, waiting, no due date yet', async () => {
      clock.today = '2025-03-08';
      const r = await submitOnline(db, deps, personInput(desk.agencyA));
      let view = await findByTracking(db, deps, r.trackingNumber, r.secret);
      assert.equal(view!.state.label, '待确认收到');
      assert.equal(view!.replyDueOn, null);
      assert.match(view!.statusText, /等待受理机关确认收到/);
      assert.deepEqual(view!.letters, []);
      clock.today = '2025-03-10';
      await act(confirmReceipt, desk.clerkA, r.applicationId, { confirmedOn: '2025-03-10' });
      view = await findByTracking(db, deps, r.trackingNumber, r.secret);
      assert.equal(view!.receivedOn, '2025-03-10');
      assert.equal(view!.replyDueOn, '2025-04-08'); // 03-11..14 = 4, 17–21 = 9, 24–28 = 14, 03-31..04-03 = 18, 清明, 04-07..08 = 20
      assert.match(view!.statusText, /剩余20个工作日/);
      assert.equal(view!.letters[0]!.title, '收到申请回执');
    });
  });

  describe('work queue', () => {
    let queueDesk: Desk;
    const ids: Record<string, number> = {};

    before(async () => {
      queueDesk = await setupDesk(db);
      const d = queueDesk;
      const reg = async (key: string, date: string, overrides: Record<string, unknown> = {}, agencyId = d.agencyA, actor = d.clerkA) => {
        clock.today = date;
        ids[key] = (await registerByStaff(db, deps, actor, inPerson(agencyId, date, overrides))).applicationId;
      };
      await reg('old', '2025-03-03', { applicantName: '赵一' }); // due 03-31: overdue on 04-15
      await reg('mid', '2025-03-20', { applicantName: '钱二', description: '关于50%补贴_标准的文件' }); // due 04-18
      await reg('new', '2025-04-10', { applicantName: '孙三' }); // due 05-12
      await reg('waiting', '2025-04-01', { applicantName: '李四' });
      clock.today = '2025-04-02';
      await act(requestCorrection, d.clerkA, ids.waiting!, { date: '2025-04-02', deadline: '2025-04-09', items: '请补充' }); // next due 04-09
      await reg('closed', '2025-03-05', { applicantName: '周五' });
      clock.today = '2025-03-10';
      await act(reply, d.clerkA, ids.closed!, { date: '2025-03-10', outcomeRow: '3.1', ground: 'provided', basis: '条例第三十六条' });
      await reg('other', '2025-03-03', { applicantName: '吴六' }, d.agencyB, d.clerkB);
      clock.today = '2025-04-15';
    });

    const names = (p: { items: Array<{ applicantName: string }> }) => p.items.map((i) => i.applicantName);

    test('open cases, overdue first, then by the next due date; only readable agencies', async () => {
      const page = await workQueue(db, deps, queueDesk.clerkA, {});
      assert.deepEqual(names(page), ['赵一', '李四', '钱二', '孙三']);
      assert.equal(page.total, 4);
      const old = page.items[0]!;
      assert.equal(old.overdue, true);
      assert.equal(old.status, 'overdue');
      assert.match(old.statusText, /已逾期（10个工作日）/);
      assert.equal(page.items[1]!.status, 'paused');
      assert.equal(page.items[1]!.nextDueOn, '2025-04-09');
      assert.equal(page.items[2]!.status, 'due_soon'); // 04-18: 3 working days left
      assert.equal(page.items[3]!.status, 'on_time');
    });

    test('filters: state, overdue only, text (LIKE-safe), tracking number, pagination', async () => {
      assert.deepEqual(names(await workQueue(db, deps, queueDesk.clerkA, { state: 'closed' })), ['周五']);
      assert.deepEqual(names(await workQueue(db, deps, queueDesk.clerkA, { state: 'correction_requested' })), ['李四']);
      assert.equal((await workQueue(db, deps, queueDesk.clerkA, { state: 'all' })).total, 5);
      assert.deepEqual(names(await workQueue(db, deps, queueDesk.clerkA, { overdueOnly: 'on' })), ['赵一']);
      assert.deepEqual(names(await workQueue(db, deps, queueDesk.clerkA, { q: '钱' })), ['钱二']);
      assert.deepEqual(names(await workQueue(db, deps, queueDesk.clerkA, { q: '50%补贴_' })), ['钱二']);
      assert.deepEqual(names(await workQueue(db, deps, queueDesk.clerkA, { q: '%' })), ['钱二']);
      const tn = (await db.kysely.selectFrom('applications').select('tracking_number').where('id', '=', ids.new!).executeTakeFirstOrThrow()).tracking_number;
      assert.deepEqual(names(await workQueue(db, deps, queueDesk.clerkA, { q: tn })), ['孙三']);
      const p2 = await workQueue(db, deps, queueDesk.clerkA, { limit: '2', offset: '2' });
      assert.deepEqual(names(p2), ['钱二', '孙三']);
      assert.equal(p2.total, 4);
    });

    test('supervisor sees the subtree; a clerk may not ask for another agency; bad filters are refused', async () => {
      const sup = await workQueue(db, deps, queueDesk.supervisor, {});
      assert.deepEqual(names(sup), ['赵一', '吴六', '李四', '钱二', '孙三']);
      assert.deepEqual(names(await workQueue(db, deps, queueDesk.supervisor, { agencyIds: [String(queueDesk.agencyB)] })), ['吴六']);
      await assert.rejects(workQueue(db, deps, queueDesk.clerkA, { agencyIds: [queueDesk.agencyB] }), ForbiddenError);
      assert.deepEqual(names(await workQueue(db, deps, queueDesk.clerkB, {})), ['吴六']);
      await assert.rejects(workQueue(db, deps, queueDesk.clerkA, { state: 'nonsense', limit: 1000 }), (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.match(e.fields.state!, /状态「nonsense」无效/);
        assert.equal(e.fields.limit, '每页条数不能大于200');
        return true;
      });
    });
  });
});
