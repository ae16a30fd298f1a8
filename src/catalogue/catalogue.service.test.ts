import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../accounts/policy.js';
import { createUser, grantRole, loadActor } from '../accounts/user.repository.js';
import { createAgency } from '../agencies/agency.repository.js';
import type { Db } from '../db/database.js';
import type { AgencyKind, Role } from '../db/schema.js';
import { calendar } from '../../test/support/application-fixtures.js';
import { openTestDb } from '../../test/support/db.js';
import { createDraft, discard, getItemForStaff, listForStaff, publicationDue, review, revise, submit, updateDraft, withdraw, type CatalogueDeps } from './catalogue.service.js';
import { parseIndexPattern, formatIndexNumber } from './index-number.js';
import { findPublicItem, publicFiles, publicHistory, publicItems } from './visibility.js';

let seq = 0;

interface World {
  gov: number;
  town: number;
  village: number;
  dept: number;
  villageClerk: Actor;
  townReviewer: Actor;
  townHead: Actor;
  /** Holds both reviewer and head at the town. */
  townBoth: Actor;
  deptClerk: Actor;
  deptReviewer: Actor;
  deptHead: Actor;
  admin: Actor;
}

async function agency(db: Db, name: string, kind: AgencyKind, parent: number | null, code: string | null): Promise<number> {
  return createAgency(db.kysely, {
    parent_id: parent,
    name,
    short_name: null,
    kind,
    code,
    office_name: null,
    office_address: null,
    office_hours: null,
    office_phone: null,
    office_fax: null,
    office_email: null,
    postcode: null,
  });
}

async function user(db: Db, name: string, grants: Array<[number, Role]>): Promise<Actor> {
  const id = await createUser(db.kysely, { username: `cat${++seq}_${Math.random().toString(36).slice(2, 7)}`, displayName: name, passwordHash: 'x' });
  for (const [a, r] of grants) await grantRole(db.kysely, id, a, r);
  return (await loadActor(db.kysely, id))!;
}

async function world(db: Db): Promise<World> {
  const tag = `${++seq}${Math.random().toString(36).slice(2, 6)}`;
  const gov = await agency(db, `某区人民政府${tag}`, 'government', null, `11370400GOV${tag}`);
  const town = await agency(db, `某镇人民政府${tag}`, 'town', gov, `11370402TWN${tag}`);
  const village = await agency(db, `某村民委员会${tag}`, 'village', town, `54370402VIL${tag}`);
  const dept = await agency(db, `某区教育局${tag}`, 'department', gov, `11370400EDU${tag}`);
  return {
    gov,
    town,
    village,
    dept,
    villageClerk: await user(db, '村信息员', [[village, 'clerk']]),
    townReviewer: await user(db, '镇审核人', [[town, 'reviewer']]),
    townHead: await user(db, '镇负责人', [[town, 'head']]),
    townBoth: await user(db, '镇审核兼负责人', [
      [town, 'reviewer'],
      [town, 'head'],
    ]),
    deptClerk: await user(db, '局信息员', [[dept, 'clerk']]),
    deptReviewer: await user(db, '局审核人', [[dept, 'reviewer']]),
    deptHead: await user(db, '局负责人', [[dept, 'head']]),
    admin: await user(db, '管理员', [[gov, 'admin']]),
  };
}

function fields(agencyId: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    agencyId,
    title: '关于2026年村级财务收支情况的公示',
    summary: '公示本村2026年第一季度财务收支明细。',
    category: 'art20.7',
    subject: '财政、金融、审计',
    body: '一、收入情况……二、支出情况……',
    formedOn: '2026-03-02',
    ...over,
  };
}

describe('catalogue: draft, review, publish', () => {
  let db: Db;
  let w: World;
  const clock = { today: '2026-03-03' };
  const deps: CatalogueDeps = { calendar, now: () => new Date(`${clock.today}T10:00:00+08:00`) };
  const approve = (a: Actor, itemId: number, version: number) => review(db, deps, a, itemId, { version, conclusion: 'approved', basis: '符合《条例》第二十条，经审查可以公开' });

  before(async () => {
    db = await openTestDb();
    w = await world(db);
  });
  after(() => db.close());

  test("a village's item goes through the town's two levels and is published with its 索引号", async () => {
    const d = await createDraft(db, deps, w.villageClerk, fields(w.village));
    assert.equal(d.state, 'draft');
    assert.equal(await findPublicItem(db.kysely, d.itemId), undefined, 'a draft is not public');
    const s = await submit(db, deps, w.villageClerk, d.itemId, { version: d.version });
    assert.equal(s.state, 'in_review');
    // The village clerk and the town head cannot decide level 1 (the town's 审核人).
    await assert.rejects(approve(w.villageClerk, d.itemId, s.version), /审核人审核/);
    await assert.rejects(approve(w.townHead, d.itemId, s.version), /审核人审核/);
    const l1 = await approve(w.townReviewer, d.itemId, s.version);
    assert.equal(l1.state, 'in_review');
    assert.equal(await findPublicItem(db.kysely, d.itemId), undefined, 'not public before the last level');
    await assert.rejects(approve(w.townReviewer, d.itemId, l1.version), /负责人审核/);
    const l2 = await approve(w.townHead, d.itemId, l1.version);
    assert.equal(l2.state, 'published');
    const pub = await findPublicItem(db.kysely, d.itemId);
    assert.ok(pub);
    assert.match(pub.indexNumber!, /^54370402VIL.+-07-2026-0001$/);
    assert.equal(pub.publishedOn, '2026-03-03');
    assert.equal(pub.publisher, (await db.kysely.selectFrom('agencies').select('name').where('id', '=', w.village).executeTakeFirstOrThrow()).name);
    const reviews = await db.kysely.selectFrom('catalogue_reviews').selectAll().where('version_id', '=', d.versionId).orderBy('id').execute();
    assert.deepEqual(
      reviews.map((r) => [r.level, r.level_label, r.reviewer_id, r.conclusion]),
      [
        [1, '乡镇（街道）审核', w.townReviewer.userId, 'approved'],
        [2, '乡镇（街道）负责人审批', w.townHead.userId, 'approved'],
      ],
    );
    // A second item of the same category and year gets the next serial.
    const d2 = await createDraft(db, deps, w.villageClerk, fields(w.village, { title: '第二季度财务公示' }));
    const s2 = await submit(db, deps, w.villageClerk, d2.itemId, { version: d2.version });
    await approve(w.townHead, d2.itemId, (await approve(w.townReviewer, d2.itemId, s2.version)).version);
    assert.match((await findPublicItem(db.kysely, d2.itemId))!.indexNumber!, /-07-2026-0002$/);
  });

  test('returned for changes, corrected and resubmitted: a new round, reviewed again from level 1', async () => {
    const d = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.11', subject: '科技、教育' }));
    const s = await submit(db, deps, w.deptClerk, d.itemId, { version: d.version });
    await assert.rejects(review(db, deps, w.deptReviewer, d.itemId, { version: s.version, conclusion: 'returned', basis: '内容不完整' }), /退回修改须写明/);
    const r = await review(db, deps, w.deptReviewer, d.itemId, { version: s.version, conclusion: 'returned', basis: '内容不完整', comment: '请补充政策依据' });
    assert.equal(r.state, 'returned');
    await assert.rejects(approve(w.deptHead, d.itemId, r.version), /不在审核中/);
    const u = await updateDraft(db, deps, w.deptClerk, d.itemId, { ...fields(w.dept, { category: 'art20.11', subject: '科技、教育', body: '补充了政策依据。' }), version: r.version });
    const s2 = await submit(db, deps, w.deptClerk, d.itemId, { version: u.version });
    // The same reviewer may decide level 1 again in the new round.
    const l1 = await approve(w.deptReviewer, d.itemId, s2.version);
    const l2 = await approve(w.deptHead, d.itemId, l1.version);
    assert.equal(l2.state, 'published');
    assert.equal((await findPublicItem(db.kysely, d.itemId))!.body, '补充了政策依据。');
    const rounds = await db.kysely.selectFrom('catalogue_reviews').select(['round', 'level', 'conclusion']).where('version_id', '=', d.versionId).orderBy('id').execute();
    assert.deepEqual(
      rounds.map((x) => [x.round, x.level, x.conclusion]),
      [
        [1, 1, 'returned'],
        [2, 1, 'approved'],
        [2, 2, 'approved'],
      ],
    );
  });

  test('nobody reviews their own draft; nobody decides two levels of one submission', async () => {
    const own = await createDraft(db, deps, w.deptReviewer, fields(w.dept, { category: 'art20.1', subject: '综合政务' }));
    const s = await submit(db, deps, w.deptReviewer, own.itemId, { version: own.version });
    await assert.rejects(approve(w.deptReviewer, own.itemId, s.version), /不能审核自己起草的信息/);

    const d = await createDraft(db, deps, w.villageClerk, fields(w.village, { title: '两级不能同一人' }));
    const s2 = await submit(db, deps, w.villageClerk, d.itemId, { version: d.version });
    const l1 = await approve(w.townBoth, d.itemId, s2.version);
    await assert.rejects(approve(w.townBoth, d.itemId, l1.version), /同一人不能审核同一稿件的两个环节/);
    assert.equal((await approve(w.townHead, d.itemId, l1.version)).state, 'published');
  });

  test("another agency's staff can neither see nor change an item; a supervisor-less clerk cannot review", async () => {
    const d = await createDraft(db, deps, w.villageClerk, fields(w.village, { title: '他人不可操作' }));
    await assert.rejects(updateDraft(db, deps, w.deptClerk, d.itemId, { ...fields(w.village), version: d.version }), /未找到该信息/);
    await assert.rejects(submit(db, deps, w.deptClerk, d.itemId, { version: d.version }), /未找到该信息/);
    await assert.rejects(createDraft(db, deps, w.deptClerk, fields(w.village)), /没有权限/);
    await assert.rejects(createDraft(db, deps, w.deptClerk, fields(w.village, { agencyId: '' })), (e: { fields?: Record<string, string> }) => e.fields?.agencyId === '请选择机关');
    // Nothing changed: the owner carries on with the same version.
    assert.equal((await submit(db, deps, w.villageClerk, d.itemId, { version: d.version })).state, 'in_review');
  });

  test('two people saving the same draft: the second is told, the first one kept', async () => {
    const d = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.2', subject: '综合政务' }));
    const a = await updateDraft(db, deps, w.deptClerk, d.itemId, { ...fields(w.dept, { category: 'art20.2', subject: '综合政务', title: '甲的修改' }), version: d.version });
    await assert.rejects(
      updateDraft(db, deps, w.deptClerk, d.itemId, { ...fields(w.dept, { category: 'art20.2', subject: '综合政务', title: '乙的修改' }), version: d.version }),
      (e: Error) => e.name === 'ConflictError' && /已被他人修改/.test(e.message),
    );
    const v = await db.kysely.selectFrom('catalogue_versions').select('title').where('id', '=', d.versionId).executeTakeFirstOrThrow();
    assert.equal(v.title, '甲的修改');
    assert.equal(a.version, d.version + 1);
  });

  test('the word list: a sensitive word blocks submission, a suspected typo must be confirmed', async () => {
    await db.kysely
      .insertInto('sensitive_words')
      .values([
        { word: '绝密', kind: 'sensitive', suggestion: null, created_at: new Date().toISOString(), created_by: null },
        { word: '其它', kind: 'typo', suggestion: '其他', created_at: new Date().toISOString(), created_by: null },
      ])
      .execute();
    try {
      const d = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.2', subject: '综合政务', body: '本文件属于绝密材料' }));
      await assert.rejects(submit(db, deps, w.deptClerk, d.itemId, { version: d.version }), /含有敏感词，不能提交：「绝密」（正文）/);
      const u = await updateDraft(db, deps, w.deptClerk, d.itemId, { ...fields(w.dept, { category: 'art20.2', subject: '综合政务', body: '其它事项另行通知' }), version: d.version });
      await assert.rejects(submit(db, deps, w.deptClerk, d.itemId, { version: u.version }), /疑似错别字：「其它」应为「其他」（正文）/);
      const s = await submit(db, deps, w.deptClerk, d.itemId, { version: u.version, confirmWords: 'on' });
      assert.equal(s.state, 'in_review');
      // Full-width or upper-case forms do not hide a word.
      const d2 = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.2', subject: '综合政务', title: '标题含绝密' }));
      await assert.rejects(submit(db, deps, w.deptClerk, d2.itemId, { version: d2.version }), /「绝密」（名称）/);
    } finally {
      await db.kysely.deleteFrom('sensitive_words').execute();
    }
  });

  test('a published item changes only through a reviewed new version; the history shows both', async () => {
    const d = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.1', subject: '综合政务', title: '规范性文件 第一版', docNumber: '某教发〔2026〕1号' }));
    const s = await submit(db, deps, w.deptClerk, d.itemId, { version: d.version });
    const p = await approve(w.deptHead, d.itemId, (await approve(w.deptReviewer, d.itemId, s.version)).version);
    await assert.rejects(updateDraft(db, deps, w.deptClerk, d.itemId, { ...fields(w.dept, { category: 'art20.1', subject: '综合政务' }), version: p.version }), /先“修订”/);
    const r = await revise(db, deps, w.deptClerk, d.itemId, { version: p.version });
    await assert.rejects(revise(db, deps, w.deptClerk, d.itemId, { version: r.version }), /已有未发布的新版本/);
    const u = await updateDraft(db, deps, w.deptClerk, d.itemId, {
      ...fields(w.dept, { category: 'art20.1', subject: '综合政务', title: '规范性文件（已废止）', validity: 'repealed', validityOn: '2026-03-03', repealedBy: '某教发〔2026〕9号', changeNote: '该文件已废止', formedOn: '2026-03-03' }),
      version: r.version,
    });
    const s2 = await submit(db, deps, w.deptClerk, d.itemId, { version: u.version });
    // While the new version is in review, the public still sees version 1.
    assert.equal((await findPublicItem(db.kysely, d.itemId))!.title, '规范性文件 第一版');
    await approve(w.deptHead, d.itemId, (await approve(w.deptReviewer, d.itemId, s2.version)).version);
    const now = (await findPublicItem(db.kysely, d.itemId))!;
    assert.equal(now.title, '规范性文件（已废止）');
    assert.equal(now.validity, 'repealed');
    assert.equal(now.repealedBy, '某教发〔2026〕9号');
    assert.equal(now.versionNumber, 2);
    const history = await publicHistory(db.kysely, d.itemId);
    assert.deepEqual(
      history.map((h) => [h.number, h.changeNote]),
      [
        [2, '该文件已废止'],
        [1, null],
      ],
    );
  });

  test('withdrawn, on-request and never-approved items are not public anywhere', async () => {
    const d = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.3', subject: '综合政务', title: '将被撤回' }));
    const s = await submit(db, deps, w.deptClerk, d.itemId, { version: d.version });
    const p = await approve(w.deptHead, d.itemId, (await approve(w.deptReviewer, d.itemId, s.version)).version);
    assert.ok(await findPublicItem(db.kysely, d.itemId));
    await assert.rejects(withdraw(db, deps, w.deptClerk, d.itemId, { version: p.version, reason: '误发' }), /撤回已发布的信息须由“分管领导审批”环节的审核人决定/);
    await assert.rejects(withdraw(db, deps, w.deptHead, d.itemId, { version: p.version, reason: '' }), /请填写撤回理由/);
    await withdraw(db, deps, w.deptHead, d.itemId, { version: p.version, reason: '误发，内容涉及个人信息' });
    assert.equal(await findPublicItem(db.kysely, d.itemId), undefined);
    assert.deepEqual(await publicHistory(db.kysely, d.itemId), []);
    assert.deepEqual(await publicFiles(db.kysely, d.itemId), []);

    const od = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.3', subject: '综合政务', title: '依申请公开的目录项', disclosure: 'on_request' }));
    const os = await submit(db, deps, w.deptClerk, od.itemId, { version: od.version });
    await approve(w.deptHead, od.itemId, (await approve(w.deptReviewer, od.itemId, os.version)).version);
    assert.equal(await findPublicItem(db.kysely, od.itemId), undefined);

    const titles = (await publicItems(db.kysely).select('v.title').execute()).map((r) => r.title);
    for (const t of ['将被撤回', '依申请公开的目录项', '他人不可操作']) assert.ok(!titles.includes(t), `${t} is not public`);

    // A discarded first draft leaves nothing public either.
    const x = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.3', subject: '综合政务', title: '放弃的草稿' }));
    await discard(db, deps, w.deptClerk, x.itemId, { version: x.version });
    assert.equal(await findPublicItem(db.kysely, x.itemId), undefined);
  });

  test('the 20-working-day clock: due date from the day formed; a late publication is marked', async () => {
    // 2026-01-05 (Monday) + 20 working days = 2026-02-02 (no holidays in between).
    assert.deepEqual(publicationDue(calendar, '2026-01-05'), { dueOn: '2026-02-02', provisional: false });
    // Across the 2026 Spring Festival (02-15 … 02-23 off; Saturdays 02-14 and 02-28 worked).
    assert.deepEqual(publicationDue(calendar, '2026-02-10'), { dueOn: '2026-03-16', provisional: false });
    // Past the calendar's data: computed from Monday–Friday and marked provisional.
    assert.equal(publicationDue(calendar, '2026-12-20').provisional, true);
    const d = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.4', subject: '综合政务', formedOn: '2026-01-05' }));
    const s = await submit(db, deps, w.deptClerk, d.itemId, { version: d.version });
    await approve(w.deptHead, d.itemId, (await approve(w.deptReviewer, d.itemId, s.version)).version);
    const v = await db.kysely.selectFrom('catalogue_versions').select(['due_on', 'published_late']).where('id', '=', d.versionId).executeTakeFirstOrThrow();
    assert.deepEqual(v, { due_on: '2026-02-02', published_late: 1 });
    // Formed yesterday: on time.
    const d2 = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.4', subject: '综合政务', formedOn: '2026-03-02' }));
    const s2 = await submit(db, deps, w.deptClerk, d2.itemId, { version: d2.version });
    await approve(w.deptHead, d2.itemId, (await approve(w.deptReviewer, d2.itemId, s2.version)).version);
    assert.equal((await db.kysely.selectFrom('catalogue_versions').select('published_late').where('id', '=', d2.versionId).executeTakeFirstOrThrow()).published_late, 0);
  });

  test('bad input: every field checked, in Chinese; nothing stored', async () => {
    const before = await db.kysely.selectFrom('catalogue_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ title: '' }, /请填写名称/],
      [{ title: '长'.repeat(201) }, /名称不能超过200个字/],
      [{ summary: 42 }, /内容概述应为文字/],
      [{ category: 'art99' }, /信息类别「art99」无效/],
      [{ category: 'art21.county.1' }, /不适用于本机关/],
      [{ subject: '火星事务' }, /主题分类「火星事务」无效/],
      [{ formedOn: '2026-02-30' }, /信息形成（变更）日期/],
      [{ formedOn: '2026-03-04' }, /晚于今天/],
      [{ validity: 'repealed' }, /有效性变更日期/],
      [{ validity: 'repealed', validityOn: '2026-03-01' }, /废止它的文件/],
      [{ indexNumber: '<script>' }, /索引号只能由/],
      [{ agencyId: 'abc' }, /机关/],
    ];
    for (const [over, message] of bad) {
      await assert.rejects(createDraft(db, deps, w.villageClerk, fields(w.village, over)), message, JSON.stringify(over));
    }
    const after = await db.kysely.selectFrom('catalogue_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });

  test('a 索引号 typed by hand must be unique, and allocation skips it', async () => {
    const year = 2026;
    const taken = `11370400EDU-manual-${seq}`;
    await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.5', subject: '综合政务', indexNumber: taken }));
    await assert.rejects(createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.5', subject: '综合政务', indexNumber: taken })), /索引号 .* 已被另一条信息使用/);
    // A legacy number equal to the next generated one is skipped over.
    const code = (await db.kysely.selectFrom('agencies').select('code').where('id', '=', w.dept).executeTakeFirstOrThrow()).code!;
    const legacy = formatIndexNumber(parseIndexPattern('{code}-{category}-{year}-{serial}'), { code, categoryCode: '06', year, serial: 1 });
    await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.6', subject: '综合政务', indexNumber: legacy }));
    const d = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.6', subject: '综合政务' }));
    const s = await submit(db, deps, w.deptClerk, d.itemId, { version: d.version });
    await approve(w.deptHead, d.itemId, (await approve(w.deptReviewer, d.itemId, s.version)).version);
    assert.equal((await findPublicItem(db.kysely, d.itemId))!.indexNumber, legacy.replace(/0001$/, '0002'));
  });

  test('an agency without a 机构代码 cannot publish under a pattern that needs one; nothing is half done', async () => {
    const noCode = await agency(db, `无代码局${++seq}`, 'department', w.gov, null);
    const clerk = await user(db, '无代码局信息员', [[noCode, 'clerk']]);
    const reviewer = await user(db, '无代码局审核人', [[noCode, 'reviewer']]);
    const head = await user(db, '无代码局负责人', [[noCode, 'head']]);
    const d = await createDraft(db, deps, clerk, fields(noCode, { category: 'art20.2', subject: '综合政务' }));
    const s = await submit(db, deps, clerk, d.itemId, { version: d.version });
    const l1 = await approve(reviewer, d.itemId, s.version);
    await assert.rejects(approve(head, d.itemId, l1.version), /尚未设置机构代码/);
    const v = await db.kysely.selectFrom('catalogue_versions').select(['state', 'review_level']).where('id', '=', d.versionId).executeTakeFirstOrThrow();
    assert.deepEqual(v, { state: 'in_review', review_level: 2 });
    assert.equal((await db.kysely.selectFrom('catalogue_reviews').select('id').where('version_id', '=', d.versionId).execute()).length, 1);
    // With a pattern without {code}, it publishes.
    await db.kysely.updateTable('agencies').set({ index_pattern: 'WDM-{year}-{serial:5}' }).where('id', '=', noCode).execute();
    await approve(head, d.itemId, l1.version);
    assert.equal((await findPublicItem(db.kysely, d.itemId))!.indexNumber, 'WDM-2026-00001');
  });

  test('configured chains: one level, three levels, and a parent level where there is no parent', async () => {
    await db.kysely
      .updateTable('agencies')
      .set({ review_chain: JSON.stringify([{ label: '主任审批', role: 'head', at: 'self' }]) })
      .where('id', '=', w.dept)
      .execute();
    const d = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.2', subject: '综合政务', title: '一级审核' }));
    const s = await submit(db, deps, w.deptClerk, d.itemId, { version: d.version });
    assert.equal((await approve(w.deptHead, d.itemId, s.version)).state, 'published');

    await db.kysely
      .updateTable('agencies')
      .set({
        review_chain: JSON.stringify([
          { label: '科室审核', role: 'reviewer', at: 'self' },
          { label: '局长审批', role: 'head', at: 'self' },
          { label: '区政府审核', role: 'head', at: 'parent' },
        ]),
      })
      .where('id', '=', w.dept)
      .execute();
    const govHead = await user(db, '区政府负责人', [[w.gov, 'head']]);
    const d3 = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.2', subject: '综合政务', title: '三级审核' }));
    const s3 = await submit(db, deps, w.deptClerk, d3.itemId, { version: d3.version });
    const a1 = await approve(w.deptReviewer, d3.itemId, s3.version);
    const a2 = await approve(w.deptHead, d3.itemId, a1.version);
    assert.equal(a2.state, 'in_review');
    await assert.rejects(approve(w.admin, d3.itemId, a2.version), /上级机关的负责人审核/);
    assert.equal((await approve(govHead, d3.itemId, a2.version)).state, 'published');
    await db.kysely.updateTable('agencies').set({ review_chain: null }).where('id', '=', w.dept).execute();

    await db.kysely
      .updateTable('agencies')
      .set({ review_chain: JSON.stringify([{ label: '上级审核', role: 'head', at: 'parent' }]) })
      .where('id', '=', w.gov)
      .execute();
    const govClerk = await user(db, '区政府信息员', [[w.gov, 'clerk']]);
    const g = await createDraft(db, deps, govClerk, fields(w.gov, { category: 'art20.2', subject: '综合政务' }));
    await assert.rejects(submit(db, deps, govClerk, g.itemId, { version: g.version }), /没有上级机关/);
    await db.kysely.updateTable('agencies').set({ review_chain: null }).where('id', '=', w.gov).execute();
  });
});

describe('catalogue: what staff see', () => {
  let db: Db;
  let w: World;
  const deps: CatalogueDeps = { calendar, now: () => new Date('2026-03-03T10:00:00+08:00') };

  before(async () => {
    db = await openTestDb();
    w = await world(db);
  });
  after(() => db.close());

  test('"to review" lists exactly what each person can decide now; the item page says what they may do', async () => {
    const d = await createDraft(db, deps, w.villageClerk, fields(w.village, { title: '待审核的村务公开' }));
    const titles = async (a: Actor, filter: string) => (await listForStaff(db, deps, a, { filter })).items.map((i) => i.title);
    assert.deepEqual(await titles(w.townReviewer, 'to_review'), []);
    assert.deepEqual(await titles(w.villageClerk, 'open'), ['待审核的村务公开']);
    const page0 = await getItemForStaff(db, deps, w.villageClerk, d.itemId);
    assert.deepEqual(page0.can, { edit: true, submit: true, review: false, revise: false, discard: true, withdraw: false });
    assert.equal(page0.remainingWorkingDays, 19);
    const s = await submit(db, deps, w.villageClerk, d.itemId, { version: d.version });
    assert.deepEqual(await titles(w.townReviewer, 'to_review'), ['待审核的村务公开']);
    assert.deepEqual(await titles(w.townHead, 'to_review'), []);
    assert.deepEqual(await titles(w.deptReviewer, 'to_review'), []);
    assert.deepEqual(await titles(w.deptReviewer, 'all'), [], "another agency's items stay hidden");
    assert.equal((await getItemForStaff(db, deps, w.townReviewer, d.itemId)).can.review, true);
    assert.equal((await getItemForStaff(db, deps, w.villageClerk, d.itemId)).can.review, false);
    await assert.rejects(getItemForStaff(db, deps, w.deptClerk, d.itemId), /未找到该信息/);
    await review(db, deps, w.townReviewer, d.itemId, { version: s.version, conclusion: 'approved', basis: '同意公开' });
    assert.deepEqual(await titles(w.townReviewer, 'to_review'), []);
    assert.deepEqual(await titles(w.townHead, 'to_review'), ['待审核的村务公开']);
    const page = await getItemForStaff(db, deps, w.townHead, d.itemId);
    assert.equal(page.versions[0]!.reviews.length, 1);
    assert.equal(page.versions[0]!.reviews[0]!.reviewer, '镇审核人');
    assert.deepEqual(
      page.versions[0]!.chainLevels.map((l) => l.label),
      ['乡镇（街道）审核', '乡镇（街道）负责人审批'],
    );
  });

  test('"late": unpublished past the 20 working days, or published after them; "overdue": only the former', async () => {
    await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.2', subject: '综合政务', title: '早已形成未发布', formedOn: '2026-01-05' }));
    await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.2', subject: '综合政务', title: '刚形成', formedOn: '2026-03-02' }));
    const late = await listForStaff(db, deps, w.deptClerk, { filter: 'late' });
    assert.deepEqual(
      late.items.map((i) => [i.title, i.late]),
      [['早已形成未发布', true]],
    );
    // Published late: still "late" (history), no longer "overdue" (nothing left to do).
    const old = await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.2', subject: '综合政务', title: '超期后发布', formedOn: '2026-01-06' }));
    let ver = (await submit(db, deps, w.deptClerk, old.itemId, { version: old.version })).version;
    ver = (await review(db, deps, w.deptReviewer, old.itemId, { version: ver, conclusion: 'approved', basis: '同意' })).version;
    assert.equal((await review(db, deps, w.deptHead, old.itemId, { version: ver, conclusion: 'approved', basis: '同意' })).state, 'published');
    const titlesOf = async (filter: string) => (await listForStaff(db, deps, w.deptClerk, { filter })).items.map((i) => i.title).sort();
    assert.deepEqual(await titlesOf('late'), ['早已形成未发布', '超期后发布'].sort());
    assert.deepEqual(await titlesOf('overdue'), ['早已形成未发布']);
    await assert.rejects(listForStaff(db, deps, w.deptClerk, { filter: 'everything' }), /范围「everything」无效/);
    // % and _ in a search are characters, not wildcards.
    await createDraft(db, deps, w.deptClerk, fields(w.dept, { category: 'art20.2', subject: '综合政务', title: '完成率100%_统计' }));
    const search = async (q: string) => (await listForStaff(db, deps, w.deptClerk, { filter: 'all', q })).items.map((i) => i.title);
    assert.deepEqual(await search('100%_'), ['完成率100%_统计']);
    assert.deepEqual(await search('%'), ['完成率100%_统计']);
    assert.deepEqual(await search('_'), ['完成率100%_统计']);
    assert.deepEqual(await search('\\'), []);
    await assert.rejects(listForStaff(db, deps, w.deptClerk, { limit: 100000 }), /每页条数/);
  });
});

describe('索引号 patterns', () => {
  test('placeholders and their checks', () => {
    const p = parseIndexPattern('{code}-{category}-{year}-{serial}');
    assert.equal(formatIndexNumber(p, { code: '11370402MB28', categoryCode: '01', year: 2026, serial: 7 }), '11370402MB28-01-2026-0007');
    assert.equal(formatIndexNumber(parseIndexPattern('YA/{year}/{serial:6}'), { code: null, categoryCode: '01', year: 2026, serial: 42 }), 'YA/2026/000042');
    assert.equal(parseIndexPattern('{year}{serial}').perCategory, false);
    for (const [bad, message] of [
      ['', /请填写索引号格式/],
      ['{code}-{category}-{serial}', /必须包含年度/],
      ['{code}-{year}', /必须包含流水号/],
      ['{year}-{serial}-{serial}', /只能出现一次/],
      ['{year}-{serial:2}', /3到8位/],
      ['{year} {serial}', /只能由占位符/],
      ['<b>{year}-{serial}</b>', /只能由占位符/],
    ] as const) {
      assert.throws(() => parseIndexPattern(bad), message, bad);
    }
  });
});
