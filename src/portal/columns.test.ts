/** The columns over the agency tree and the generated guide (pure). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AgencyKind } from '../db/schema.js';
import { AgencyTree, parseUrlId, type AgencyRow } from './columns.js';
import { buildGuide, describeIndexPattern } from './guide.js';

function row(id: number, parent: number | null, kind: AgencyKind, over: Partial<AgencyRow> = {}): AgencyRow {
  return {
    id,
    parent_id: parent,
    name: `机关${id}`,
    kind,
    code: null,
    office_name: null,
    office_address: null,
    office_hours: null,
    office_phone: null,
    office_fax: null,
    office_email: null,
    postcode: null,
    review_body: null,
    court: null,
    index_pattern: null,
    ...over,
  };
}

// 1 government → 2 department, 3 town → 4 village, 5 community; 6 an orphan village; 7 a street.
const tree = new AgencyTree([row(5, 3, 'community'), row(1, null, 'government'), row(2, 1, 'department'), row(3, 1, 'town'), row(4, 3, 'village'), row(6, null, 'village'), row(7, 1, 'street')]);

describe('AgencyTree', () => {
  test('subtrees in tree order, ancestors nearest first', () => {
    assert.deepEqual(
      tree.subtree(1).map((a) => a.id),
      [1, 2, 3, 4, 5, 7],
    );
    assert.deepEqual(
      tree.subtree(3).map((a) => a.id),
      [3, 4, 5],
    );
    assert.deepEqual(tree.subtree(99), []);
    assert.deepEqual(
      tree.ancestors(4).map((a) => a.id),
      [3, 1],
    );
  });

  test('administrative organs have columns; a village belongs to its town’s; an orphan village is its own', () => {
    assert.deepEqual(
      tree.columns().map((a) => a.id),
      [1, 2, 3, 7, 6],
    );
    assert.equal(tree.columnOf(4)?.id, 3);
    assert.equal(tree.columnOf(5)?.id, 3);
    assert.equal(tree.columnOf(2)?.id, 2);
    assert.equal(tree.columnOf(6)?.id, 6);
    assert.equal(tree.columnOf(99), undefined);
  });

  test('categories: a town’s own (第20条 + town 第21条); a government’s own plus its towns’ 第21条 items as others', () => {
    const town = tree.categoriesOf(3);
    assert.equal(town.own.length, 15 + 8);
    assert.ok(town.own.some((c) => c.id === 'art21.town.7'));
    assert.ok(!town.own.some((c) => c.id.startsWith('art21.county.')));
    assert.deepEqual(town.others, []);
    const gov = tree.categoriesOf(1);
    assert.equal(gov.own.length, 15 + 7);
    assert.deepEqual(
      gov.others.map((c) => c.id),
      Array.from({ length: 8 }, (_, i) => `art21.town.${i + 1}`),
    );
  });

  test('a cycle in bad data does not hang', () => {
    const bad = new AgencyTree([row(1, 2, 'government'), row(2, 1, 'department')]);
    assert.deepEqual(bad.roots, []);
    assert.deepEqual(
      bad.subtree(1).map((a) => a.id),
      [1, 2],
    );
    assert.deepEqual(
      bad.ancestors(1).map((a) => a.id),
      [2],
    );
  });

  test('ids from URLs: positive whole numbers a database integer holds', () => {
    for (const ok of ['1', '42', '2147483647']) assert.equal(parseUrlId(ok), Number(ok));
    for (const bad of ['', '0', '-1', '01', '1.0', '1e3', 'abc', '2147483648', '99999999999', ' 1', undefined, 5, ['1']]) assert.equal(parseUrlId(bad), null, String(bad));
  });
});

describe('the guide', () => {
  test('what is registered is given, what is missing is listed, nothing filled in', () => {
    const t = new AgencyTree([
      row(1, null, 'government', { name: '某区人民政府' }),
      row(3, 1, 'town', { name: '某镇人民政府', code: '113704', office_name: '党政办', office_phone: ' 0632-1 ', office_email: '  ', review_body: '某区人民政府' }),
      row(4, 3, 'village', { name: '某村' }),
    ]);
    const g = buildGuide(t, t.get(3)!, true);
    assert.equal(g.office.name, '党政办');
    assert.deepEqual(
      g.office.contacts.map((c) => [c.label, c.value]),
      [
        ['办公地址', null],
        ['办公时间', null],
        ['联系电话', '0632-1'],
        ['传真号码', null],
        ['电子邮箱', null],
        ['邮政编码', null],
      ],
    );
    assert.deepEqual(g.office.missing, ['办公地址', '办公时间', '传真号码', '电子邮箱', '邮政编码']);
    assert.equal(g.parentName, '某区人民政府');
    assert.deepEqual(g.members, ['某村']);
    assert.equal(g.reviewBody, '某区人民政府');
    assert.equal(g.court, null);
    assert.deepEqual(g.indexNumber, { pattern: '{code}-{category}-{year}-{serial}', words: '机构代码（113704）-类别号-年度-流水号（4位）', codeMissing: false });
    const none = buildGuide(t, t.get(1)!, true);
    assert.deepEqual(none.office.missing, ['机构名称', '办公地址', '办公时间', '联系电话', '传真号码', '电子邮箱', '邮政编码']);
    assert.equal(none.parentName, null);
    assert.equal(none.indexNumber.codeMissing, true);
  });

  test('the 索引号 pattern in words', () => {
    assert.deepEqual(describeIndexPattern('YA/{year}/{serial:6}', null), { pattern: 'YA/{year}/{serial:6}', words: 'YA/年度/流水号（6位）', codeMissing: false });
    assert.equal(describeIndexPattern('  ', 'C1').words, '机构代码（C1）-类别号-年度-流水号（4位）');
  });
});
