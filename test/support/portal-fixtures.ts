/**
 * A catalogue for tests of the public column, made through the catalogue service as staff would
 * (createDraft → submit → review at each level; revise, withdraw; files through files.ts), on the
 * demo agency tree: public items of the town, a village, a department and the government, one of
 * them published in an earlier year, one revised (its old text superseded), one with a revision
 * still in draft — and one item in each state the public must never see (draft, in review,
 * returned, withdrawn, on request). Each hidden text carries a marker of its own, which the tests
 * look for on every public surface.
 */
import { Document, Packer, Paragraph, TextRun } from 'docx';
import type { Actor } from '../../src/accounts/policy.js';
import { createUser, findUserByUsername, grantRole, loadActor } from '../../src/accounts/user.repository.js';
import type { FileStore } from '../../src/attachments/store.js';
import type { WorkCalendar } from '../../src/calendar/calendar.js';
import { createDraft, review, revise, submit, updateDraft, withdraw, type CatalogueDeps } from '../../src/catalogue/catalogue.service.js';
import { addVersionFile, removeVersionFile } from '../../src/catalogue/files.js';
import type { Db } from '../../src/db/database.js';

/** The day the fixture's items are published (a Monday). */
export const TODAY = '2026-11-16';
/** The day of the item published a year earlier. */
export const LAST_YEAR_DAY = '2025-06-02';

export const XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>';

/** Texts that must appear on no public page, feed, sitemap, search result or download. */
export const HIDDEN = {
  draft: '草稿秘文甲一',
  inReview: '审核秘文乙二',
  returned: '退回秘文丙三',
  withdrawn: '撤回秘文丁四',
  onRequest: '依申请秘文戊五',
  superseded: '旧版秘文己六',
  pendingRevision: '修订草稿秘文庚七',
} as const;

/** Texts of public items (search finds them). */
export const SHOWN = {
  budget: '永安镇财政预算公开',
  village: '永安村村务公开',
  dept: '区教育局招生政策',
  gov: '区政府规范性文件',
  lastYear: '去年防汛预案',
  revised: '修订后现行版本',
  pendingCurrent: '现行版本不变',
} as const;

export interface PortalWorld {
  agencies: { gov: number; dept: number; town: number; village: number; community: number };
  actors: { clerk: Actor; reviewer: Actor; head: Actor; village: Actor; deptClerk: Actor; deptReviewer: Actor; deptHead: Actor };
  /** Public items by name. */
  shown: Record<keyof typeof SHOWN, number>;
  /** Items that are not public, by state. */
  hidden: { draft: number; inReview: number; returned: number; withdrawn: number; onRequest: number };
  files: {
    /** The budget's attachment (a .docx holding DOCX_TEXT). */
    budgetDocx: number;
    /** The revised item's file of its superseded version (removed in the new one). */
    superseded: number;
    /** The revised item's file of its published version. */
    revisedCurrent: number;
    /** A file added to the draft revision of a published item. */
    pendingDraft: number;
    /** A file of a draft item. */
    draft: number;
  };
  deps: CatalogueDeps;
}

export const DOCX_TEXT = '永安镇2026年一般公共预算收支表（附件）';

export async function docxBytes(text: string): Promise<Buffer> {
  const doc = new Document({ sections: [{ children: [new Paragraph({ children: [new TextRun(text)] })] }] });
  return Packer.toBuffer(doc);
}

const txt = (s: string) => Buffer.from(s, 'utf8');

async function actor(db: Db, username: string): Promise<Actor> {
  return (await loadActor(db.kysely, (await findUserByUsername(db.kysely, username))!.id))!;
}

async function newUser(db: Db, username: string, grants: Array<[number, 'clerk' | 'reviewer' | 'head']>): Promise<Actor> {
  const id = await createUser(db.kysely, { username, displayName: username, passwordHash: 'x' });
  for (const [a, r] of grants) await grantRole(db.kysely, id, a, r);
  return (await loadActor(db.kysely, id))!;
}

/** Builds the world on a database holding the demo agencies and users (seedDemo). */
export async function buildPortalWorld(db: Db, store: FileStore, calendar: WorkCalendar): Promise<PortalWorld> {
  const ids = new Map((await db.kysely.selectFrom('agencies').select(['id', 'name']).execute()).map((a) => [a.name, a.id]));
  const agencies = {
    gov: ids.get('市中区人民政府')!,
    dept: ids.get('市中区教育局')!,
    town: ids.get('永安镇人民政府')!,
    village: ids.get('永安村民委员会')!,
    community: ids.get('东关社区居民委员会')!,
  };
  const actors = {
    clerk: await actor(db, 'clerk'),
    reviewer: await actor(db, 'reviewer'),
    head: await actor(db, 'head'),
    village: await actor(db, 'village'),
    deptClerk: await newUser(db, 'edu_clerk', [[agencies.dept, 'clerk']]),
    deptReviewer: await newUser(db, 'edu_reviewer', [[agencies.dept, 'reviewer']]),
    deptHead: await newUser(db, 'edu_head', [[agencies.dept, 'head']]),
  };
  const govClerk = await newUser(db, 'gov_clerk', [[agencies.gov, 'clerk']]);
  const govReviewer = await newUser(db, 'gov_reviewer', [[agencies.gov, 'reviewer']]);
  const govHead = await newUser(db, 'gov_head', [[agencies.gov, 'head']]);

  const deps: CatalogueDeps = { calendar, now: () => new Date(`${TODAY}T10:00:00+08:00`) };
  const lastYear: CatalogueDeps = { calendar, now: () => new Date(`${LAST_YEAR_DAY}T10:00:00+08:00`) };
  const basis = '经审查，符合条例第二十条规定，同意公开。';

  /** Who drafts and who decides the two levels, per agency. */
  const chainOf = (agencyId: number) =>
    agencyId === agencies.dept
      ? { author: actors.deptClerk, l1: actors.deptReviewer, l2: actors.deptHead }
      : agencyId === agencies.gov
        ? { author: govClerk, l1: govReviewer, l2: govHead }
        : { author: agencyId === agencies.village ? actors.village : actors.clerk, l1: actors.reviewer, l2: actors.head };

  const fields = (agencyId: number, title: string, over: Record<string, unknown> = {}) => ({
    agencyId,
    title,
    summary: `${title}的内容概述`,
    category: 'art20.7',
    subject: '财政、金融、审计',
    body: `${title}的正文`,
    formedOn: TODAY,
    ...over,
  });

  async function draft(agencyId: number, title: string, over: Record<string, unknown> = {}, d: CatalogueDeps = deps) {
    return createDraft(db, d, chainOf(agencyId).author, fields(agencyId, title, over));
  }
  async function publish(itemId: number, version: number, d: CatalogueDeps = deps, agencyId?: number): Promise<number> {
    const who = chainOf(agencyId ?? (await db.kysely.selectFrom('catalogue_items').select('agency_id').where('id', '=', itemId).executeTakeFirstOrThrow()).agency_id);
    const s = await submit(db, d, who.author, itemId, { version, confirmWords: true });
    const l1 = await review(db, d, who.l1, itemId, { version: s.version, conclusion: 'approved', basis });
    const l2 = await review(db, d, who.l2, itemId, { version: l1.version, conclusion: 'approved', basis });
    return l2.version;
  }
  const file = async (itemId: number, version: number, filename: string, bytes: Buffer, d: CatalogueDeps = deps) => {
    const who = chainOf((await db.kysely.selectFrom('catalogue_items').select('agency_id').where('id', '=', itemId).executeTakeFirstOrThrow()).agency_id);
    return addVersionFile(db, store, d, who.author, itemId, { version, filename, bytes });
  };

  // --- Public items
  const budget = await draft(agencies.town, SHOWN.budget, {
    docNumber: '永政发〔2026〕1号',
    writtenOn: '2026-11-10',
    formedOn: '2026-11-12',
    body: '一、一般公共预算收入\n二、一般公共预算支出',
  });
  const budgetFile = await file(budget.itemId, budget.version, '永安镇2026年预算表.docx', await docxBytes(DOCX_TEXT));
  await publish(budget.itemId, budgetFile.version);

  const village = await draft(agencies.village, SHOWN.village, { category: 'art21.town.7', subject: '农业、林业、水利' });
  await publish(village.itemId, village.version);

  const dept = await draft(agencies.dept, SHOWN.dept, { category: 'art20.11', subject: '科技、教育', docNumber: '市中教发〔2026〕3号' });
  await publish(dept.itemId, dept.version);

  const gov = await draft(agencies.gov, SHOWN.gov, { category: 'art20.1', subject: '综合政务' });
  await publish(gov.itemId, gov.version);

  const old = await draft(agencies.town, SHOWN.lastYear, { category: 'art20.12', subject: '民政、扶贫、救灾', formedOn: '2025-05-30', validity: 'repealed', validityOn: '2025-06-01', repealedBy: '永政发〔2025〕9号' }, lastYear);
  await publish(old.itemId, old.version, lastYear);

  // Revised: version 1 (with a file) superseded by version 2 (another file, new text).
  const revised = await draft(agencies.town, `${HIDDEN.superseded}标题`, { body: `${HIDDEN.superseded}正文` });
  const oldFile = await file(revised.itemId, revised.version, '旧版附件.txt', txt(`${HIDDEN.superseded}附件`));
  let v = await publish(revised.itemId, oldFile.version);
  v = (await revise(db, deps, actors.clerk, revised.itemId, { version: v })).version;
  const copies = await db.kysely
    .selectFrom('catalogue_files as f')
    .innerJoin('catalogue_versions as cv', 'cv.id', 'f.version_id')
    .select('f.id')
    .where('cv.item_id', '=', revised.itemId)
    .where('cv.state', '=', 'draft')
    .execute();
  for (const c of copies) v = (await removeVersionFile(db, deps, actors.clerk, revised.itemId, c.id, { version: v })).version;
  v = (await updateDraft(db, deps, actors.clerk, revised.itemId, { version: v, ...fields(agencies.town, SHOWN.revised, { body: `${SHOWN.revised}正文`, changeNote: '更正预算数字' }) })).version;
  const newFile = await file(revised.itemId, v, '新版附件.txt', txt(`${SHOWN.revised}附件`));
  await publish(revised.itemId, newFile.version);

  // Published, with a revision still in draft (its new text and file are not public yet).
  const pending = await draft(agencies.town, SHOWN.pendingCurrent, { body: `${SHOWN.pendingCurrent}正文` });
  v = await publish(pending.itemId, pending.version);
  v = (await revise(db, deps, actors.clerk, pending.itemId, { version: v })).version;
  v = (await updateDraft(db, deps, actors.clerk, pending.itemId, { version: v, ...fields(agencies.town, `${HIDDEN.pendingRevision}标题`, { body: `${HIDDEN.pendingRevision}正文` }) })).version;
  const pendingFile = await file(pending.itemId, v, '修订草稿附件.txt', txt(`${HIDDEN.pendingRevision}附件`));

  // --- Never public
  const d1 = await draft(agencies.town, `${HIDDEN.draft}标题`, { body: `${HIDDEN.draft}正文` });
  const draftFile = await file(d1.itemId, d1.version, '草稿附件.txt', txt(`${HIDDEN.draft}附件`));

  const inReview = await draft(agencies.village, `${HIDDEN.inReview}标题`, { body: `${HIDDEN.inReview}正文` });
  const s1 = await submit(db, deps, actors.village, inReview.itemId, { version: inReview.version });
  await review(db, deps, actors.reviewer, inReview.itemId, { version: s1.version, conclusion: 'approved', basis });

  const returned = await draft(agencies.town, `${HIDDEN.returned}标题`, { body: `${HIDDEN.returned}正文` });
  const s2 = await submit(db, deps, actors.clerk, returned.itemId, { version: returned.version });
  await review(db, deps, actors.reviewer, returned.itemId, { version: s2.version, conclusion: 'returned', basis, comment: '请补充' });

  const withdrawn = await draft(agencies.town, `${HIDDEN.withdrawn}标题`, { body: `${HIDDEN.withdrawn}正文` });
  v = await publish(withdrawn.itemId, withdrawn.version);
  await withdraw(db, deps, actors.head, withdrawn.itemId, { version: v, reason: '信息有误，撤回' });

  const onRequest = await draft(agencies.town, `${HIDDEN.onRequest}标题`, { body: `${HIDDEN.onRequest}正文`, disclosure: 'on_request' });
  await publish(onRequest.itemId, onRequest.version);

  return {
    agencies,
    actors,
    shown: { budget: budget.itemId, village: village.itemId, dept: dept.itemId, gov: gov.itemId, lastYear: old.itemId, revised: revised.itemId, pendingCurrent: pending.itemId },
    hidden: { draft: d1.itemId, inReview: inReview.itemId, returned: returned.itemId, withdrawn: withdrawn.itemId, onRequest: onRequest.itemId },
    files: { budgetDocx: budgetFile.file.id, superseded: oldFile.file.id, revisedCurrent: newFile.file.id, pendingDraft: pendingFile.file.id, draft: draftFile.file.id },
    deps,
  };
}
