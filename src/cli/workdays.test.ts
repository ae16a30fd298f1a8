import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../../test/support/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


const dir = mkdtempSync(join(tmpdir(), 'gongkai-cli-'));
const my2027 = join(dir, 'my.json');
writeFileSync(
  my2027,
  JSON.stringify({
    years: {
      '2027': {
        notices: ['（虚构示例）2027年节假日安排'],
        holidays: [
          { name: '元旦', off: ['2027-01-01', '2027-01-03'], work: [] },
          { name: '春节', off: ['2027-02-05', '2027-02-13'], work: ['2027-02-14'] },
        ],
      },
    },
  }),
);
const invalid = join(dir, 'invalid.json');
writeFileSync(invalid, JSON.stringify({ years: { '2027': { notices: ['x'], holidays: [{ name: '春节', off: ['2027-02-13', '2027-02-05'], work: [] }] } } }));

describe('gongkai workdays add', () => {
  test('first line the date, then the explanation', async () => {
    const r = await cli(['workdays', 'add', '2025-01-20', '20']);
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines[0], '2025-02-21');
    assert.equal(lines[1], '自2025年1月20日（星期一）次日起算，第20个工作日为2025年2月21日（星期五）');
    assert.equal(lines[2], '期间不计：周末 2025年1月25日、2025年2月9日、2025年2月15日至16日；春节假期 2025年1月28日至2月4日（8天）');
    assert.equal(lines[3], '调休上班计入：2025年1月26日（星期日，春节调休上班）、2025年2月8日（星期六，春节调休上班）');
  });

  const table: Array<[string, string, string]> = [
    ['2025-01-23', '7', '2025-02-08'], // deadline on a make-up Saturday
    ['2020-01-23', '20', '2020-02-28'], // extended Spring Festival 2020
    ['2026-02-14', '7', '2026-03-03'],
    ['2026/1/1', '1', '2026-01-04'], // user date forms; the Sunday make-up day
    ['2026年9月18日', '1', '2026-09-20'],
    ['２０２６－１０－０９', '1', '2026-10-10'],
    ['20261009', '2', '2026-10-12'],
  ];
  for (const [date, n, expected] of table) {
    test(`${date} + ${n} → ${expected}`, async () => {
      const r = await cli(['workdays', 'add', date, n]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out.split('\n')[0], expected);
    });
  }

  test('--json', async () => {
    const r = await cli(['workdays', 'add', '2025-01-20', '20', '--json']);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(j.date, '2025-02-21');
    assert.equal(j.start, '2025-01-20');
    assert.equal(j.workingDays, 20);
    assert.equal(j.weekday, 5);
    assert.equal(j.provisional, false);
    assert.deepEqual(
      j.skipped.map((x: { reason: string }) => x.reason),
      ['周末', '春节假期', '周末', '周末'],
    );
    assert.deepEqual(
      j.makeup.map((x: { from: string }) => x.from),
      ['2025-01-26', '2025-02-08'],
    );
  });

  const bad: Array<[string[], string]> = [
    [['workdays', 'add', '2025-01-20', '0'], 'N（工作日数）必须是正整数'],
    [['workdays', 'add', '2025-01-20', '-3'], 'N（工作日数）必须是正整数'],
    [['workdays', 'add', '2025-01-20', '1.5'], 'N（工作日数）必须是正整数'],
    [['workdays', 'add', '2025-01-20', 'abc'], 'N（工作日数）必须是正整数'],
    [['workdays', 'add', '2025-01-20', '100001'], '过大'],
    [['workdays', 'add', '2025-13-01', '3'], '月份应在 1–12'],
    [['workdays', 'add', '2025-02-30', '3'], '该月没有第 30 日'],
    [['workdays', 'add', 'tomorrow', '3'], '日期无效'],
    [['workdays', 'add', '2025-01-20'], '用法错误'],
    [['workdays', 'add', '2025-01-20', '3', '--bogus'], '用法错误'],
  ];
  for (const [args, fragment] of bad) {
    test(`exit 2: ${args.slice(2).join(' ')}`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.ok(r.err.includes(fragment), r.err);
      assert.ok(r.err.startsWith('gongkai: '));
    });
  }
});

describe('gongkai workdays between', () => {
  test('first line a bare integer', async () => {
    const r = await cli(['workdays', 'between', '2025-01-20', '2025-02-21']);
    assert.equal(r.code, 0);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines[0], '20');
    assert.equal(lines[1], '2025年1月20日（星期一）之后至2025年2月21日（星期五）（含）共20个工作日');
    assert.match(lines[2]!, /春节假期 2025年1月28日至2月4日（8天）/);
  });

  test('B before A: negative', async () => {
    const r = await cli(['workdays', 'between', '2025-02-21', '2025-01-20']);
    assert.equal(r.out.split('\n')[0], '-20');
    assert.match(r.out, /B 早于 A/);
  });

  test('same day: 0, no rest days', async () => {
    const r = await cli(['workdays', 'between', '2025-01-20', '2025-01-20']);
    assert.deepEqual(r.out.trimEnd().split('\n'), ['0', '2025年1月20日（星期一）之后至2025年1月20日（星期一）（含）共0个工作日', '期间没有休息日']);
  });

  test('--json', async () => {
    const j = JSON.parse((await cli(['workdays', 'between', '2024-09-30', '2024-10-08', '--json'])).out);
    assert.equal(j.workingDays, 1);
    assert.equal(j.from, '2024-09-30');
    assert.equal(j.to, '2024-10-08');
    assert.deepEqual(j.skipped.map((x: { reason: string }) => x.reason), ['国庆节假期']);
  });

  test('long spans abbreviate the weekend list', async () => {
    const r = await cli(['workdays', 'between', '2019-01-01', '2026-12-31']);
    assert.equal(r.out.split('\n')[0], '1994');
    assert.match(r.out, /…等\d+段，共\d+天/);
  });

  test('malformed date: exit 2', async () => {
    const r = await cli(['workdays', 'between', '2025-01-20', '2025-1-32']);
    assert.equal(r.code, 2);
    assert.match(r.err, /B（结束日期）：日期无效/);
  });
});

describe('gongkai workdays is', () => {
  const table: Array<[string, string]> = [
    ['2024-02-09', '2024-02-09 星期五 工作日（除夕不放假）'],
    ['2025-02-01', '2025-02-01 星期六 休息日：春节假期'],
    ['2026-01-04', '2026-01-04 星期日 工作日：调休上班（元旦）'],
    ['2025-05-02', '2025-05-02 星期五 休息日：劳动节假期'],
    ['2025-01-28', '2025-01-28 星期二 休息日：春节假期'],
    ['2020-02-01', '2020-02-01 星期六 休息日：春节假期'],
    ['2025-03-08', '2025-03-08 星期六 休息日：周末'],
    ['2025-03-10', '2025-03-10 星期一 工作日'],
  ];
  for (const [date, line] of table) {
    test(line, async () => {
      const r = await cli(['workdays', 'is', date]);
      assert.equal(r.code, 0); // whether or not a working day
      assert.equal(r.out, `${line}\n`);
      assert.equal(r.err, '');
    });
  }

  test('--json', async () => {
    const j = JSON.parse((await cli(['workdays', 'is', '2026-02-28', '--json'])).out);
    assert.deepEqual(j, {
      date: '2026-02-28',
      weekday: 6,
      working: true,
      kind: 'makeup',
      holiday: '春节',
      known: true,
      weekdayName: '星期六',
      label: '工作日：调休上班（春节）',
      provisional: false,
    });
  });
});

describe('beyond the calendar years', () => {
  test('is: weekday answer marked （推算）, warning on stderr, exit 0', async () => {
    const r = await cli(['workdays', 'is', '2027-01-01']);
    assert.equal(r.code, 0);
    assert.equal(r.out, '2027-01-01 星期五 工作日（推算）\n');
    assert.match(r.err, /^警告：2027年节假日安排尚未录入/);
  });

  test('add: marked on the first line', async () => {
    const r = await cli(['workdays', 'add', '2026-12-20', '20']);
    assert.equal(r.code, 0);
    assert.equal(r.out.split('\n')[0], '2027-01-15（推算）');
    assert.match(r.out, /周末（推算） 2027年1月2日至3日/);
    assert.match(r.err, /^警告：2027年节假日安排尚未录入/);
    const j = JSON.parse((await cli(['workdays', 'add', '2026-12-20', '20', '--json'])).out);
    assert.equal(j.provisional, true);
    assert.equal(j.date, '2027-01-15');
  });

  test('between: marked, warning names every missing year', async () => {
    const r = await cli(['workdays', 'between', '2018-06-01', '2027-01-10']);
    assert.equal(r.code, 0);
    assert.match(r.out.split('\n')[0]!, /^\d+（推算）$/);
    assert.match(r.err, /^警告：2018年、2027年节假日安排尚未录入/);
  });

  test('--strict: an error, exit 1', async () => {
    for (const args of [
      ['workdays', 'is', '2027-01-01', '--strict'],
      ['workdays', 'add', '2026-12-20', '20', '--strict'],
      ['workdays', 'between', '2026-12-20', '2027-01-10', '--strict'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.out, '');
      assert.match(r.err, /2027-01-01（2027年）的节假日安排尚未录入（已录入 2019–2026 年）.*请管理员按国务院办公厅通知补录该年度节假日安排/);
    }
    // --strict inside the data: fine
    assert.equal((await cli(['workdays', 'add', '2026-12-01', '5', '--strict'])).code, 0);
  });

  test('--calendar FILE adds the year', async () => {
    const r = await cli(['workdays', 'is', '2027-01-01', '--calendar', my2027]);
    assert.equal(r.code, 0);
    assert.equal(r.out, '2027-01-01 星期五 休息日：元旦假期\n');
    assert.equal(r.err, '');
    const a = await cli(['workdays', 'add', '2026-12-20', '20', '--calendar', my2027, '--strict']);
    assert.equal(a.code, 0);
    assert.equal(a.out.split('\n')[0], '2027-01-18');
  });

  test('GONGKAI_CALENDAR adds the year', async () => {
    const r = await cli(['workdays', 'is', '2027-02-14'], { GONGKAI_CALENDAR: my2027 });
    assert.equal(r.out, '2027-02-14 星期日 工作日：调休上班（春节）\n');
  });

  test('an invalid or missing calendar file: exit 2 with the CalendarDataError message', async () => {
    const r = await cli(['workdays', 'is', '2027-01-01', '--calendar', invalid]);
    assert.equal(r.code, 2);
    assert.ok(r.err.includes(`节假日数据文件 ${invalid} 有误`), r.err);
    assert.match(r.err, /2027年「春节」.*起止颠倒/);
    const m = await cli(['workdays', 'add', '2025-01-01', '1'], { GONGKAI_CALENDAR: join(dir, 'missing.json') });
    assert.equal(m.code, 2);
    assert.match(m.err, /无法读取：文件不存在/);
  });
});

describe('help', () => {
  for (const args of [['workdays', '--help'], ['workdays', 'add', '--help'], ['workdays', 'between', '-h'], ['workdays', 'is', '--help']]) {
    test(args.join(' '), async () => {
      const r = await cli(args);
      assert.equal(r.code, 0);
      assert.match(r.out, /Usage: gongkai workdays/);
      assert.match(r.out, /[\u4e00-\u9fff]/);
    });
  }

  test('options are described in Chinese', async () => {
    const r = await cli(['workdays', 'add', '--help']);
    assert.match(r.out, /--strict\s+日期超出已录入的节假日年度时报错/);
    assert.match(r.out, /--calendar <file>\s+补充的节假日数据文件/);
    assert.match(r.out, /--json\s+输出 JSON 对象/);
  });
});
