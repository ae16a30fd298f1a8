/** An agency's catalogue settings as checked before saving (settings.ts checkSettings): pure. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../validation.js';
import { checkSettings } from './settings.js';

const town = { kind: 'town' as const, hasParent: true };
const root = { kind: 'government' as const, hasParent: false };
const level = (label: string, role = 'reviewer', at = 'self') => ({ label, role, at });

describe('catalogue settings', () => {
  test('the defaults are stored as null; the example 索引号 follows the pattern and the code', () => {
    const r = checkSettings({ code: ' 113704020040000201 ', chain: null, indexPattern: '' }, town, 2026);
    assert.deepEqual(r, { code: '113704020040000201', chain: null, indexPattern: null, example: '113704020040000201-01-2026-0001', warnings: [] });
    // The default chain typed out is the default.
    const d = checkSettings({ code: 'A1', chain: [level('部门负责人审核'), level('分管领导审批', 'head')], indexPattern: '{code}-{category}-{year}-{serial}' }, town, 2026);
    assert.equal(d.chain, null);
    assert.equal(d.indexPattern, null);
    const own = checkSettings({ code: null, chain: [level('主任审批', 'head')], indexPattern: 'YA/{year}/{serial:6}' }, town, 2027);
    assert.deepEqual(own.chain, [{ label: '主任审批', role: 'head', at: 'self' }]);
    assert.equal(own.indexPattern, 'YA/{year}/{serial:6}');
    assert.equal(own.example, 'YA/2027/000001');
  });

  test('a pattern needing a code without one is saved with a warning', () => {
    const r = checkSettings({ code: '', chain: null, indexPattern: null }, town, 2026);
    assert.equal(r.example, '（机构代码）-01-2026-0001');
    assert.match(r.warnings[0]!, /尚未填写机构代码/);
  });

  const bad: Array<[string, Record<string, unknown>, { kind: 'town' | 'government'; hasParent: boolean }, Record<string, RegExp>]> = [
    ['a code with spaces or markup', { code: '<b>11 37</b>', chain: null, indexPattern: null }, town, { code: /只能由字母和数字组成/ }],
    ['no level', { code: null, chain: [], indexPattern: null }, town, { chain: /至少要有一级/ }],
    ['four levels', { code: null, chain: [level('一'), level('二'), level('三'), level('四')], indexPattern: null }, town, { chain: /最多3级/ }],
    ['a level without a label, a bad role', { code: null, chain: [level(''), level('二', 'admin')], indexPattern: null }, town, { 'chain.0.label': /请填写审核环节名称/, 'chain.1.role': /审核人或负责人/ }],
    ['a parent level where there is no parent', { code: null, chain: [level('上级审核', 'head', 'parent')], indexPattern: null }, root, { chain: /没有上级机关/ }],
    ['a pattern without a serial', { code: null, chain: null, indexPattern: '{code}-{year}' }, town, { indexPattern: /必须包含流水号/ }],
    ['markup in the pattern', { code: null, chain: null, indexPattern: '<i>{year}{serial}</i>' }, town, { indexPattern: /只能由占位符/ }],
  ];
  for (const [what, input, agency, expected] of bad) {
    test(`refuses ${what}`, () => {
      assert.throws(
        () => checkSettings(input, agency, 2026),
        (e: unknown) => {
          assert.ok(e instanceof ValidationError);
          for (const [k, re] of Object.entries(expected)) assert.match(e.fields[k] ?? '', re, `${k}: ${JSON.stringify(e.fields)}`);
          return true;
        },
      );
    });
  }

  test('every problem at once: code, chain and pattern', () => {
    assert.throws(
      () => checkSettings({ code: '-', chain: 'x', indexPattern: '{serial}' }, town, 2026),
      (e: unknown) => e instanceof ValidationError && Object.keys(e.fields).sort().join() === 'chain,code,indexPattern',
    );
  });
});
