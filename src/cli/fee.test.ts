import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../../test/support/cli.js';
import { displayWidth } from './table.js';


describe('gongkai fee', () => {
  test('--items 45: total and an aligned table', async () => {
    const r = await cli(['fee', '--items', '45']);
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines[0], '信息处理费：5500元（按件计收，45件）');
    assert.deepEqual(lines.slice(1, 7), [
      '档次     数量      单价    金额',
      '1–10件     10    0元/件     0元',
      '11–30件    20  100元/件  2000元',
      '31–40件    10  200元/件  2000元',
      '41–45件     5  300元/件  1500元',
      '合计       45            5500元',
    ]);
    assert.match(lines[7]!, /^依据：国办函〔2020〕109号 按件计收/);
    // every table row has the same display width up to the amount column
    const widths = lines.slice(1, 7).map(displayWidth);
    assert.equal(new Set(widths).size, 1, widths.join(','));
  });

  test('--pages 250', async () => {
    const r = await cli(['fee', '--pages', '250']);
    assert.equal(r.code, 0);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines[0], '信息处理费：4700元（按量计收，250页）');
    assert.match(r.out, /201–250页\s+50\s+40元\/页\s+2000元/);
  });

  const totals: Array<[string, string, string]> = [
    ['--items', '0', '信息处理费：0元（按件计收，0件）'],
    ['--items', '10', '信息处理费：0元（按件计收，10件）'],
    ['--items', '11', '信息处理费：100元（按件计收，11件）'],
    ['--items', '31', '信息处理费：2200元（按件计收，31件）'],
    ['--pages', '30', '信息处理费：0元（按量计收，30页）'],
    ['--pages', '101', '信息处理费：720元（按量计收，101页）'],
    ['--pages', '２０１', '信息处理费：2740元（按量计收，201页）'],
  ];
  for (const [opt, n, first] of totals) {
    test(`${opt} ${n}`, async () => {
      const r = await cli(['fee', opt, n]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out.split('\n')[0], first);
    });
  }

  test('--json', async () => {
    const r = await cli(['fee', '--items', '45', '--json']);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(j.total, 5500);
    assert.equal(j.method, 'items');
    assert.equal(j.bands.length, 4);
    assert.deepEqual(j.bands[3], { from: 41, to: 45, count: 5, unitPrice: 300, amount: 1500 });
  });

  const bad: Array<[string[], string]> = [
    [['fee'], '请指定 --items N（按件）或 --pages N（按量）'],
    [['fee', '--json'], '请指定'],
    [['fee', '--items', '3', '--pages', '4'], '只能选一个'],
    [['fee', '--items', '-1'], '--items（件数）必须是非负整数'],
    [['fee', '--items', '1.5'], '必须是非负整数'],
    [['fee', '--pages', 'ten'], '--pages（页数）必须是非负整数'],
    [['fee', '--items', '99999999999999999999'], '--items（件数）过大'],
    [['fee', '--items', '1000000000'], '件数过大'],
    [['fee', '--items'], '用法错误'],
  ];
  for (const [args, fragment] of bad) {
    test(`exit 2: ${args.join(' ')}`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.ok(r.err.includes(fragment), r.err);
    });
  }

  test('--help in Chinese', async () => {
    const r = await cli(['fee', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /国办函〔2020〕109号/);
    assert.match(r.out, /--items <n>\s+按件计收/);
    assert.match(r.out, /--pages <n>\s+按量计收/);
    assert.match(r.out, /两种方式不得同时使用/);
  });

  test('displayWidth counts CJK as 2', () => {
    assert.equal(displayWidth('合计'), 4);
    assert.equal(displayWidth('1–10件'), 6);
    assert.equal(displayWidth('abc'), 3);
  });
});
