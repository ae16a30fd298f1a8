/**
 * Entered figures (录入数字) on SQLite or PostgreSQL (TEST_DATABASE_URL): validation in Chinese per
 * field, one current figure per agency/year/cell, the append-only history, who entered it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ForbiddenError } from '../../accounts/policy.js';
import { createAgency } from '../../agencies/agency.repository.js';
import type { Db } from '../../db/database.js';
import { NotFoundError } from '../../errors.js';
import { ValidationError } from '../../validation.js';
import { setupDesk, type Desk } from '../../../test/support/application-fixtures.js';
import { openTestDb, testDialect } from '../../../test/support/db.js';
import { clearReportEntry, listReportEntries, reportEntryHistory, setReportEntry } from './entries.js';

describe(`report entries (${testDialect})`, () => {
  let db: Db;
  let desk: Desk;
  const deps = { now: () => new Date('2026-01-15T10:00:00+08:00') };

  before(async () => {
    db = await openTestDb();
    desk = await setupDesk(db);
  });
  after(async () => {
    await db.close();
  });

  /** Asserts a ValidationError whose message for `field` matches `re`. */
  async function refused(input: Record<string, unknown>, field: string, re: RegExp): Promise<void> {
    await assert.rejects(setReportEntry(db, desk.clerkA, input, deps), (e: unknown) => {
      assert.ok(e instanceof ValidationError, String(e));
      assert.match(e.fields[field] ?? '', re, JSON.stringify(e.fields));
      return true;
    });
  }

  test('bad input is refused with a Chinese message on the right field', async () => {
    const A = desk.agencyA;
    const ok = { agencyId: A, year: 2022, cell: 'licensing.decisions', value: 3, note: '台账' };
    await refused({ ...ok, cell: 'licensing.decision' }, 'cell', /未知的单元格「licensing\.decision」.*licensing\.decisions/);
    await refused({ ...ok, cell: 'other_services.decisions' }, 'cell', /2019版格式的单元格.*2021版格式/);
    await refused({ ...ok, year: 2020, cell: 'fees.amount_wan_yuan' }, 'cell', /2021版格式的单元格/);
    await refused({ ...ok, cell: '3.1.natural_person' }, 'cell', /第三部分或第四部分.*不能手工录入/);
    await refused({ ...ok, cell: 'reconsideration.upheld' }, 'cell', /不能手工录入/);
    await refused({ ...ok, value: -1 }, 'value', /非负整数/);
    await refused({ ...ok, value: '2.5' }, 'value', /非负整数/);
    await refused({ ...ok, value: 'abc' }, 'value', /不是数字/);
    await refused({ ...ok, value: undefined }, 'value', /请填写/);
    await refused({ ...ok, cell: 'fees.amount_wan_yuan', value: '1.23456' }, 'value', /万元为单位，最多保留4位小数/);
    await refused({ ...ok, cell: 'fees.amount_wan_yuan', value: '1', unit: '元' }, 'unit', /不填单位/);
    await refused({ ...ok, year: 2020, cell: 'procurement.amount', value: '1', unit: '美元' }, 'unit', /元或万元/);
    await refused({ ...ok, note: ' ' }, 'note', /请填写数字来源说明/);
    await refused({ ...ok, year: 2018 }, 'year', /不能小于2019/);
    await refused({ ...ok, year: 2027 }, 'year', /尚未开始/);
    await refused({ ...ok, agencyId: 'x' }, 'agencyId', /./);
    await assert.rejects(setReportEntry(db, desk.clerkA, { ...ok, agencyId: 999_999 }, deps), NotFoundError);
    const village = await createAgency(db.kysely, {
      parent_id: A,
      name: '某村民委员会',
      short_name: null,
      kind: 'village',
      code: null,
      office_name: null,
      office_address: null,
      office_hours: null,
      office_phone: null,
      office_fax: null,
      office_email: null,
      postcode: null,
    });
    await refused({ ...ok, agencyId: village }, 'agencyId', /不是行政机关/);
    // Only staff who handle the agency's work enter its figures: not another agency, not a supervisor.
    await assert.rejects(setReportEntry(db, desk.clerkB, ok, deps), ForbiddenError);
    await assert.rejects(setReportEntry(db, desk.supervisor, ok, deps), ForbiddenError);
    await assert.rejects(clearReportEntry(db, desk.clerkB, { agencyId: A, year: 2022, cell: 'licensing.decisions' }, deps), ForbiddenError);
    assert.deepEqual(await listReportEntries(db, { agencyId: A, year: 2022 }), [], 'nothing was stored');
  });

  test('set, replace, list in table order, history kept (append-only), clear', async () => {
    const A = desk.agencyA;
    const r1 = await setReportEntry(db, desk.clerkA, { agencyId: A, year: 2022, cell: 'penalty.decisions', value: '12', note: '综合执法办台账' }, deps);
    assert.deepEqual(r1.warnings, []);
    assert.equal(r1.entry.enteredBy.id, desk.clerkA.userId);
    await setReportEntry(db, desk.clerkA, { agencyId: A, year: 2022, cell: 'licensing.decisions', value: 3, note: '审批台账' }, deps);
    const r2 = await setReportEntry(db, desk.headA, { agencyId: A, year: 2022, cell: 'penalty.decisions', value: '14', note: '综合执法办台账（更正）' }, deps);
    assert.equal(r2.entry.value, 14);
    const big = await setReportEntry(db, desk.headA, { agencyId: A, year: 2022, cell: 'fees.amount_wan_yuan', value: '35000', note: '财务' }, deps);
    assert.match(big.warnings.join(), /万元.*C3/);
    const over = await setReportEntry(db, desk.headA, { agencyId: A, year: 2022, cell: 'normative_documents.in_force', value: '9', note: '含系统启用前的文件' }, deps);
    assert.match(over.warnings.join(), /代替生成的数字/);
    const amount = await setReportEntry(db, desk.headA, { agencyId: A, year: 2020, cell: 'procurement.amount', value: '25.1', unit: '万元', note: '采购台账' }, deps);
    assert.equal(amount.entry.unit, '万元');

    const list = await listReportEntries(db, { agencyId: A, year: 2022 });
    assert.deepEqual(
      list.map((e) => [e.cell, e.valueText, e.note, e.enteredBy.name]),
      [
        ['normative_documents.in_force', '9', '含系统启用前的文件', '甲局负责人'],
        ['licensing.decisions', '3', '审批台账', '甲局信息员'],
        ['penalty.decisions', '14', '综合执法办台账（更正）', '甲局负责人'],
        ['fees.amount_wan_yuan', '35000', '财务', '甲局负责人'],
      ],
    );
    assert.equal(list[0]!.replacesRecords, true);

    assert.equal(await clearReportEntry(db, desk.headA, { agencyId: A, year: 2022, cell: 'penalty.decisions', note: '录错机关' }, deps), true);
    assert.equal(await clearReportEntry(db, desk.headA, { agencyId: A, year: 2022, cell: 'penalty.decisions' }, deps), false);
    const history = await reportEntryHistory(db, { agencyId: A, year: 2022, cell: 'penalty.decisions' });
    assert.deepEqual(
      history.map((h) => [h.action, h.valueText, h.enteredBy.id]),
      [
        ['set', '12', desk.clerkA.userId],
        ['set', '14', desk.headA.userId],
        ['cleared', null, desk.headA.userId],
      ],
    );
    assert.equal((await listReportEntries(db, { agencyId: A, year: 2022 })).length, 3);
    await assert.rejects(db.kysely.updateTable('report_entry_history').set({ value: '0' }).execute(), /append-only/);
    await assert.rejects(db.kysely.deleteFrom('report_entry_history').execute(), /append-only/);
    const audits = await db.kysely.selectFrom('audit_log').select('action').where('action', 'like', 'report.entry.%').execute();
    assert.equal(audits.length, 7);
  });
});
