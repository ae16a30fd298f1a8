import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FeeInputError, MAX_ITEMS, computeFee, feeByItems, feeByPages, feeForNthItem, itemsTotal } from './fee.js';

describe('按件计收 (by items, per applicant per calendar month)', () => {
  test('DOMAIN example: 45 applications → 20×100 + 10×200 + 5×300 = 5,500元', () => {
    const r = feeByItems(45);
    assert.equal(r.total, 5500);
    assert.equal(r.method, 'items');
    assert.equal(r.unit, '件');
    assert.equal(r.quantity, 45);
    assert.deepEqual(r.bands, [
      { from: 1, to: 10, count: 10, unitPrice: 0, amount: 0 },
      { from: 11, to: 30, count: 20, unitPrice: 100, amount: 2000 },
      { from: 31, to: 40, count: 10, unitPrice: 200, amount: 2000 },
      { from: 41, to: 45, count: 5, unitPrice: 300, amount: 1500 },
    ]);
    assert.match(r.basis, /国办函〔2020〕109号/);
  });

  // [n, total]
  const cases: Array<[number, number]> = [
    [0, 0],
    [1, 0],
    [10, 0],
    [11, 100],
    [12, 200],
    [30, 2000],
    [31, 2200],
    [40, 4000],
    [41, 4300],
    [50, 7000],
    [51, 7400],
    [60, 11000],
    [100, 2000 + 10 * (200 + 300 + 400 + 500 + 600 + 700 + 800)], // 37,000
  ];
  for (const [n, total] of cases) {
    test(`${n} items → ${total}元`, () => {
      const r = feeByItems(n);
      assert.equal(r.total, total);
      assert.equal(itemsTotal(n), total);
      assert.equal(r.bands.reduce((s, b) => s + b.count, 0), n);
      assert.equal(r.bands.reduce((s, b) => s + b.amount, 0), total);
    });
  }

  test('only the bands used are listed, free band included', () => {
    assert.deepEqual(feeByItems(0).bands, []);
    assert.deepEqual(feeByItems(7).bands, [{ from: 1, to: 7, count: 7, unitPrice: 0, amount: 0 }]);
    assert.deepEqual(feeByItems(11).bands.map((b) => [b.from, b.to, b.unitPrice]), [
      [1, 10, 0],
      [11, 11, 100],
    ]);
    assert.deepEqual(feeByItems(31).bands.at(-1), { from: 31, to: 31, count: 1, unitPrice: 200, amount: 200 });
  });

  test('feeForNthItem: the k-th application of the month', () => {
    const expected: Array<[number, number]> = [
      [1, 0],
      [10, 0],
      [11, 100],
      [30, 100],
      [31, 200],
      [40, 200],
      [41, 300],
      [50, 300],
      [51, 400],
      [101, 900],
    ];
    for (const [k, fee] of expected) assert.equal(feeForNthItem(k), fee, `k=${k}`);
    assert.throws(() => feeForNthItem(0), FeeInputError);
  });

  test('property: the total is the sum of feeForNthItem(1..n), and the closed form agrees', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), (n) => {
        let sum = 0;
        for (let k = 1; k <= n; k++) sum += feeForNthItem(k);
        assert.equal(feeByItems(n).total, sum);
        assert.equal(itemsTotal(n), sum);
        if (n > 0) assert.equal(feeByItems(n).total - feeByItems(n - 1).total, feeForNthItem(n));
      }),
      { numRuns: 300 },
    );
  });

  test('large counts work; beyond MAX_ITEMS a clear error', () => {
    const r = feeByItems(MAX_ITEMS);
    assert.equal(r.total, itemsTotal(MAX_ITEMS));
    assert.ok(Number.isSafeInteger(r.total));
    assert.throws(() => feeByItems(1_000_000_000), (e: unknown) => e instanceof FeeInputError && e.message.includes('件数过大'));
    assert.throws(() => feeByItems(Number.MAX_SAFE_INTEGER), FeeInputError);
    // The closed form itself works for 10^9 (a float beyond 2^53 is not asked for: 5.0e18 here)
    assert.ok(itemsTotal(1_000_000_000) > 4.99e18);
    assert.equal(feeForNthItem(1_000_000_000), 200 + 100 * Math.floor((1_000_000_000 - 31) / 10));
  });
});

describe('按量计收 (by pages, per application)', () => {
  const cases: Array<[number, number]> = [
    [0, 0],
    [1, 0],
    [30, 0],
    [31, 10],
    [100, 700],
    [101, 720],
    [200, 2700],
    [201, 2740],
    [250, 4700],
    [1000, 2700 + 800 * 40],
  ];
  for (const [n, total] of cases) {
    test(`${n} pages → ${total}元`, () => {
      const r = feeByPages(n);
      assert.equal(r.total, total);
      assert.equal(r.method, 'pages');
      assert.equal(r.unit, '页');
      assert.equal(r.bands.reduce((s, b) => s + b.count, 0), n);
    });
  }

  test('bands', () => {
    assert.deepEqual(feeByPages(250).bands, [
      { from: 1, to: 30, count: 30, unitPrice: 0, amount: 0 },
      { from: 31, to: 100, count: 70, unitPrice: 10, amount: 700 },
      { from: 101, to: 200, count: 100, unitPrice: 20, amount: 2000 },
      { from: 201, to: 250, count: 50, unitPrice: 40, amount: 2000 },
    ]);
    assert.deepEqual(feeByPages(0).bands, []);
    assert.deepEqual(feeByPages(30).bands, [{ from: 1, to: 30, count: 30, unitPrice: 0, amount: 0 }]);
  });

  test('huge page counts: fast, and an error when the amount is not exact', () => {
    assert.equal(feeByPages(1_000_000_000).total, 2700 + (1_000_000_000 - 200) * 40);
    assert.throws(() => feeByPages(Number.MAX_SAFE_INTEGER), (e: unknown) => e instanceof FeeInputError && e.message.includes('页数过大'));
  });
});

describe('validation and one method only', () => {
  const bad: unknown[] = [-1, 1.5, Number.NaN, Infinity, '3', null, 2 ** 53];
  for (const v of bad) {
    test(`rejects ${String(v)}`, () => {
      assert.throws(() => feeByItems(v as number), FeeInputError);
      assert.throws(() => feeByPages(v as number), FeeInputError);
    });
  }

  test('computeFee: exactly one of items / pages', () => {
    assert.equal(computeFee({ items: 45 }).total, 5500);
    assert.equal(computeFee({ pages: 250 }).total, 4700);
    assert.throws(() => computeFee({ items: 1, pages: 1 }), (e: unknown) => e instanceof FeeInputError && e.message.includes('不得同时使用'));
    assert.throws(() => computeFee({}), (e: unknown) => e instanceof FeeInputError && e.message.includes('之一'));
  });
});
