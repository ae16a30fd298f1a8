import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import chineseDays from 'chinese-days';
import {
  CalendarDataError,
  OutsideCalendarError,
  WorkCalendar,
  describeRuns,
  formatDayRange,
  isLunarNewYearsEve,
  lunarNewYear,
  outsideWarning,
  spanSentence,
} from './calendar.js';
import { formatIsoDate, parseIsoDate, weekday } from './date.js';

const cal = WorkCalendar.builtin();
const d = parseIsoDate;
const iso = formatIsoDate;
const add = (date: string, n: number) => iso(cal.addWorkingDays(d(date), n));
const between = (a: string, b: string) => cal.workingDaysBetween(d(a), d(b));
const FIRST = d('2019-01-01');
const LAST = d('2026-12-31');

/** Naive reference: Monday–Friday only, day by day. */
function naiveWeekdaysAdd(start: number, n: number): number {
  let day = start;
  let left = n;
  while (left > 0) {
    day++;
    const w = weekday(day);
    if (w !== 0 && w !== 6) left--;
  }
  return day;
}

const nodeModules = new URL('../../node_modules/', import.meta.url);

// ---------------------------------------------------------------------------------------------
// Cross-check against two independent data sets, day by day

describe('cross-check 2019-01-01..2026-12-31 against independent data', () => {
  test('chinese-days: working flag, kind and holiday name of every day', () => {
    const cd = JSON.parse(readFileSync(new URL('chinese-days/dist/chinese-days.json', nodeModules), 'utf8')) as {
      holidays: Record<string, string>;
      workdays: Record<string, string>;
    };
    let checked = 0;
    for (let day = FIRST; day <= LAST; day++) {
      const key = iso(day);
      const info = cal.info(day);
      const w = weekday(day);
      const off = key in cd.holidays;
      const makeup = key in cd.workdays;
      const expectedWorking = makeup || (!off && w !== 0 && w !== 6);
      assert.equal(info.working, expectedWorking, `${key} working`);
      assert.equal(info.kind === 'holiday', off, `${key} holiday`);
      assert.equal(info.kind === 'makeup', makeup, `${key} makeup`);
      assert.equal(info.known, true);
      const theirs = (off ? cd.holidays[key] : makeup ? cd.workdays[key] : undefined)?.split(',')[1];
      if (theirs) assert.ok(info.holiday?.includes(theirs.replace(/节$/, '')), `${key}: ${info.holiday} vs ${theirs}`);
      checked++;
    }
    assert.equal(checked, 2922);
  });

  // holiday-calendar does not list 2020-02-02 (a Sunday) as a public holiday, although the
  // extension notice (国务院办公厅关于延长2020年春节假期的通知) extends the Spring Festival "至2月2日";
  // it is a rest day either way. That is the only difference.
  const holidayCalendarDifferences = new Set(['2020-02-02']);

  test('holiday-calendar: public holidays and transfer workdays of every day', () => {
    const off = new Set<string>();
    const work = new Set<string>();
    const dir = new URL('holiday-calendar/data/CN/', nodeModules);
    for (const f of readdirSync(dir).filter((n) => /^\d{4}\.json$/.test(n))) {
      const y = Number(f.slice(0, 4));
      if (y < 2018 || y > 2027) continue;
      const data = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { dates: Array<{ date: string; type: string }> };
      for (const e of data.dates) {
        if (e.type === 'public_holiday') off.add(e.date);
        else if (e.type === 'transfer_workday') work.add(e.date);
      }
    }
    for (let day = FIRST; day <= LAST; day++) {
      const key = iso(day);
      const info = cal.info(day);
      const w = weekday(day);
      const expectedWorking = work.has(key) || (!off.has(key) && w !== 0 && w !== 6);
      assert.equal(info.working, expectedWorking, `${key} working`);
      assert.equal(info.kind === 'makeup', work.has(key), `${key} makeup`);
      if (holidayCalendarDifferences.has(key)) {
        assert.deepEqual([info.kind, off.has(key), w], ['holiday', false, 0]);
        continue;
      }
      assert.equal(info.kind === 'holiday', off.has(key), `${key} holiday`);
    }
  });

  test('addWorkingDays agrees with chinese-days findWorkday for every start day (n = 1, 7, 15, 20)', () => {
    for (let day = d('2018-12-31'); day <= d('2026-11-01'); day++) {
      for (const n of [1, 7, 15, 20]) {
        const ours = cal.addWorkingDays(day, n, { beyond: 'weekdays' });
        if (ours > LAST) continue;
        assert.equal(iso(ours), chineseDays.findWorkday(n, iso(day)), `${iso(day)} + ${n}`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Specific days named in DOMAIN §3 and the 2026 notice

describe('specific days', () => {
  const cases: Array<[string, boolean, string, string | null]> = [
    // 2020: Spring Festival extended to 02-02, the 02-01 (Saturday) make-up day cancelled
    ['2020-01-19', true, 'makeup', '春节'],
    ['2020-01-24', false, 'holiday', '春节'],
    ['2020-01-31', false, 'holiday', '春节'],
    ['2020-02-01', false, 'holiday', '春节'],
    ['2020-02-02', false, 'holiday', '春节'],
    ['2020-02-03', true, 'weekday', null],
    // 2024: 除夕 (02-09, Friday) a working day
    ['2024-02-09', true, 'weekday', null],
    ['2024-02-10', false, 'holiday', '春节'],
    ['2024-02-04', true, 'makeup', '春节'],
    ['2024-02-18', true, 'makeup', '春节'],
    // 2025: 除夕 and 5月2日 became statutory holidays
    ['2025-01-28', false, 'holiday', '春节'],
    ['2025-05-02', false, 'holiday', '劳动节'],
    ['2025-01-26', true, 'makeup', '春节'],
    ['2025-02-08', true, 'makeup', '春节'],
    ['2025-04-27', true, 'makeup', '劳动节'],
    ['2025-05-10', false, 'weekend', null],
    // 2026
    ['2026-01-01', false, 'holiday', '元旦'],
    ['2026-01-03', false, 'holiday', '元旦'],
    ['2026-01-04', true, 'makeup', '元旦'],
    ['2026-02-14', true, 'makeup', '春节'],
    ['2026-02-15', false, 'holiday', '春节'],
    ['2026-02-23', false, 'holiday', '春节'],
    ['2026-02-24', true, 'weekday', null],
    ['2026-02-28', true, 'makeup', '春节'],
    ['2026-09-20', true, 'makeup', '国庆节'],
    ['2026-10-01', false, 'holiday', '国庆节'],
    ['2026-10-07', false, 'holiday', '国庆节'],
    ['2026-10-10', true, 'makeup', '国庆节'],
    ['2026-10-11', false, 'weekend', null],
    ['2026-12-31', true, 'weekday', null],
  ];
  for (const [date, working, kind, holiday] of cases) {
    test(`${date}: ${kind}${holiday ? ` (${holiday})` : ''}`, () => {
      const info = cal.info(d(date));
      assert.deepEqual(
        { date: info.date, working: info.working, kind: info.kind, holiday: info.holiday, known: info.known },
        { date, working, kind, holiday, known: true },
      );
      assert.equal(cal.isWorkingDay(d(date)), working);
    });
  }

  test('2026 make-up days fall on the weekend days the notice names', () => {
    assert.equal(weekday(d('2026-01-04')), 0);
    assert.equal(weekday(d('2026-02-14')), 6);
    assert.equal(weekday(d('2026-02-28')), 6);
    assert.equal(weekday(d('2026-09-20')), 0);
    assert.equal(weekday(d('2026-10-10')), 6);
  });

  test('labels', () => {
    assert.equal(cal.describe(d('2024-02-09')), '工作日（除夕不放假）');
    assert.equal(cal.describe(d('2025-02-01')), '休息日：春节假期');
    assert.equal(cal.describe(d('2026-01-04')), '工作日：调休上班（元旦）');
    assert.equal(cal.describe(d('2025-03-08')), '休息日：周末');
    assert.equal(cal.describe(d('2025-03-10')), '工作日');
    assert.equal(cal.describe(d('2020-10-05')), '休息日：国庆节、中秋节假期');
  });

  test('除夕 table agrees with the lunar calendar of chinese-days, 1901–2099', () => {
    for (let y = 1901; y <= 2099; y++) {
      const first = lunarNewYear(y);
      assert.ok(first !== null, `${y}`);
      const l = chineseDays.getLunarDate(iso(first));
      assert.deepEqual([l.lunarMon, l.lunarDay, l.isLeap], [1, 1, false], `${y}: ${iso(first)}`);
      const eve = chineseDays.getLunarDate(iso(first - 1));
      assert.equal(eve.lunarMon, 12, `${y}`);
      assert.equal(isLunarNewYearsEve(first - 1), true);
      assert.equal(isLunarNewYearsEve(first), false);
    }
    assert.equal(lunarNewYear(1900), null);
    assert.equal(lunarNewYear(2100), null);
    // Years where ICU's Chinese calendar is off by one day; the official dates:
    assert.equal(iso(lunarNewYear(2027)!), '2027-02-06');
    assert.equal(iso(lunarNewYear(2030)!), '2030-02-03');
    assert.equal(iso(lunarNewYear(2024)!), '2024-02-10');
  });

  test('the data spills into adjacent years: 2019 元旦 starts 2018-12-30, 2023 元旦 starts 2022-12-31', () => {
    const a = cal.info(d('2018-12-29'));
    assert.deepEqual([a.kind, a.holiday, a.working, a.known], ['makeup', '元旦', true, false]);
    const b = cal.info(d('2018-12-31'));
    assert.deepEqual([b.kind, b.holiday, b.working, b.known], ['holiday', '元旦', false, false]);
    const c = cal.info(d('2022-12-31'));
    assert.deepEqual([c.kind, c.holiday, c.known], ['holiday', '元旦', true]);
    assert.equal(cal.info(d('2018-12-28')).kind, 'weekday');
  });

  test('coverage', () => {
    assert.equal(cal.firstYear, 2019);
    assert.equal(cal.lastYear, 2026);
    assert.equal(cal.covers(d('2019-01-01')), true);
    assert.equal(cal.covers(d('2018-12-31')), false);
    assert.equal(cal.covers(d('2026-12-31')), true);
    assert.equal(cal.covers(d('2027-01-01')), false);
    assert.equal(cal.coversRange(d('2026-12-31'), d('2019-01-01')), true);
    assert.equal(cal.coversRange(d('2026-12-01'), d('2027-01-05')), false);
    assert.deepEqual(cal.uncoveredYears(d('2017-05-01'), d('2028-01-01')), [2017, 2018, 2027, 2028]);
    assert.deepEqual(cal.sources.map((s) => s.year), [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    assert.ok(cal.sources[1]!.notices.includes('国务院办公厅关于延长2020年春节假期的通知'));
    assert.equal(WorkCalendar.builtin(), cal);
  });
});

// ---------------------------------------------------------------------------------------------
// Deadlines around Spring Festival, Labour Day and National Day 2020–2026

describe('deadlines around the long holidays 2020–2026 (7- and 20-working-day clocks)', () => {
  // [receipt, receipt + 7 working days, receipt + 20 working days]
  // For each holiday the receipts are: 5 days before the first day off, the day before, the first
  // day off, a day inside, the last day off. Counting starts the day after receipt whatever the
  // receipt day is (a holiday or a make-up day included). Hand-checked rows are spelled out; every
  // row also agrees with chinese-days' findWorkday (test above) — an independent implementation on
  // independent data.
  //
  // Hand checks:
  // 2020-01-23 (Thu) + 7: 01-24..02-02 off (extended Spring Festival, 02-01 make-up cancelled);
  //   02-03 Mon=1 … 02-07 Fri=5, 02-10=6, 02-11=7.  + 20: 02-12..14=8–10, 02-17..21=11–15, 02-24..28=16–20.
  // 2020-01-19 (Sun, make-up day itself) + 7: 01-20..23=1–4, 01-24..02-02 off, 02-03..05=5–7.
  // 2023-09-24 (Sun) + 7: 09-25..28=1–4, 09-29..10-06 off, 10-07 Sat (make-up)=5, 10-08 Sun (make-up)=6, 10-09=7.
  // 2024-02-05 (Mon) + 7: 02-06..09=1–4 (02-09 除夕 is a working day), 02-10..17 off, 02-18 Sun (make-up)=5, 02-19=6, 02-20=7.
  // 2025-01-23 (Thu) + 7: 01-24=1, 01-25 Sat off, 01-26 Sun (make-up)=2, 01-27=3, 01-28..02-04 off (除夕 included),
  //   02-05..07=4–6, 02-08 Sat (make-up)=7: the deadline falls on a make-up Saturday.
  // 2025-04-26 (Sat) + 7: 04-27 Sun (make-up)=1, 04-28..30=2–4, 05-01..05 off (05-02 statutory since 2025), 05-06..08=5–7.
  // 2026-02-14 (Sat, make-up day) + 7: 02-15..23 off, 02-24..27=1–4, 02-28 Sat (make-up)=5, 03-01 Sun off, 03-02=6, 03-03=7.
  // 2026-04-26 (Sun) + 20: 04-27..30=1–4, 05-01..05 off, 05-06..08=5–7, 05-09 Sat (make-up)=8,
  //   05-11..15=9–13, 05-18..22=14–18, 05-25=19, 05-26=20.
  // 2026-09-26 (Sat) + 7: 09-28..30=1–3, 10-01..07 off, 10-08 Thu=4, 10-09=5, 10-10 Sat (make-up)=6, 10-12=7.
  const table: Array<[string, string, string]> = [
  // 2020 春节: off 2020-01-24..2020-02-02; 调休上班 2020-01-19
  ['2020-01-19', '2020-02-05', '2020-02-24'], // 星期日
  ['2020-01-23', '2020-02-11', '2020-02-28'], // 星期四
  ['2020-01-24', '2020-02-11', '2020-02-28'], // 星期五
  ['2020-01-28', '2020-02-11', '2020-02-28'], // 星期二
  ['2020-02-02', '2020-02-11', '2020-02-28'], // 星期日
  // 2020 劳动节: off 2020-05-01..2020-05-05; 调休上班 2020-04-26, 2020-05-09
  ['2020-04-26', '2020-05-08', '2020-05-26'], // 星期日
  ['2020-04-30', '2020-05-13', '2020-06-01'], // 星期四
  ['2020-05-01', '2020-05-13', '2020-06-01'], // 星期五
  ['2020-05-03', '2020-05-13', '2020-06-01'], // 星期日
  ['2020-05-05', '2020-05-13', '2020-06-01'], // 星期二
  // 2020 国庆节、中秋节: off 2020-10-01..2020-10-08; 调休上班 2020-09-27, 2020-10-10
  ['2020-09-26', '2020-10-12', '2020-10-29'], // 星期六
  ['2020-09-30', '2020-10-16', '2020-11-04'], // 星期三
  ['2020-10-01', '2020-10-16', '2020-11-04'], // 星期四
  ['2020-10-04', '2020-10-16', '2020-11-04'], // 星期日
  ['2020-10-08', '2020-10-16', '2020-11-04'], // 星期四
  // 2021 春节: off 2021-02-11..2021-02-17; 调休上班 2021-02-07, 2021-02-20
  ['2021-02-06', '2021-02-20', '2021-03-10'], // 星期六
  ['2021-02-10', '2021-02-25', '2021-03-16'], // 星期三
  ['2021-02-11', '2021-02-25', '2021-03-16'], // 星期四
  ['2021-02-14', '2021-02-25', '2021-03-16'], // 星期日
  ['2021-02-17', '2021-02-25', '2021-03-16'], // 星期三
  // 2021 劳动节: off 2021-05-01..2021-05-05; 调休上班 2021-04-25, 2021-05-08
  ['2021-04-26', '2021-05-08', '2021-05-26'], // 星期一
  ['2021-04-30', '2021-05-13', '2021-06-01'], // 星期五
  ['2021-05-01', '2021-05-13', '2021-06-01'], // 星期六
  ['2021-05-03', '2021-05-13', '2021-06-01'], // 星期一
  ['2021-05-05', '2021-05-13', '2021-06-01'], // 星期三
  // 2021 国庆节: off 2021-10-01..2021-10-07; 调休上班 2021-09-26, 2021-10-09
  ['2021-09-26', '2021-10-11', '2021-10-28'], // 星期日
  ['2021-09-30', '2021-10-15', '2021-11-03'], // 星期四
  ['2021-10-01', '2021-10-15', '2021-11-03'], // 星期五
  ['2021-10-04', '2021-10-15', '2021-11-03'], // 星期一
  ['2021-10-07', '2021-10-15', '2021-11-03'], // 星期四
  // 2022 春节: off 2022-01-31..2022-02-06; 调休上班 2022-01-29, 2022-01-30
  ['2022-01-26', '2022-02-09', '2022-02-28'], // 星期三
  ['2022-01-30', '2022-02-15', '2022-03-04'], // 星期日
  ['2022-01-31', '2022-02-15', '2022-03-04'], // 星期一
  ['2022-02-03', '2022-02-15', '2022-03-04'], // 星期四
  ['2022-02-06', '2022-02-15', '2022-03-04'], // 星期日
  // 2022 劳动节: off 2022-04-30..2022-05-04; 调休上班 2022-04-24, 2022-05-07
  ['2022-04-25', '2022-05-07', '2022-05-25'], // 星期一
  ['2022-04-29', '2022-05-12', '2022-05-31'], // 星期五
  ['2022-04-30', '2022-05-12', '2022-05-31'], // 星期六
  ['2022-05-02', '2022-05-12', '2022-05-31'], // 星期一
  ['2022-05-04', '2022-05-12', '2022-05-31'], // 星期三
  // 2022 国庆节: off 2022-10-01..2022-10-07; 调休上班 2022-10-08, 2022-10-09
  ['2022-09-26', '2022-10-10', '2022-10-27'], // 星期一
  ['2022-09-30', '2022-10-14', '2022-11-02'], // 星期五
  ['2022-10-01', '2022-10-14', '2022-11-02'], // 星期六
  ['2022-10-04', '2022-10-14', '2022-11-02'], // 星期二
  ['2022-10-07', '2022-10-14', '2022-11-02'], // 星期五
  // 2023 春节: off 2023-01-21..2023-01-27; 调休上班 2023-01-28, 2023-01-29
  ['2023-01-16', '2023-01-30', '2023-02-16'], // 星期一
  ['2023-01-20', '2023-02-03', '2023-02-22'], // 星期五
  ['2023-01-21', '2023-02-03', '2023-02-22'], // 星期六
  ['2023-01-24', '2023-02-03', '2023-02-22'], // 星期二
  ['2023-01-27', '2023-02-03', '2023-02-22'], // 星期五
  // 2023 劳动节: off 2023-04-29..2023-05-03; 调休上班 2023-04-23, 2023-05-06
  ['2023-04-24', '2023-05-06', '2023-05-24'], // 星期一
  ['2023-04-28', '2023-05-11', '2023-05-30'], // 星期五
  ['2023-04-29', '2023-05-11', '2023-05-30'], // 星期六
  ['2023-05-01', '2023-05-11', '2023-05-30'], // 星期一
  ['2023-05-03', '2023-05-11', '2023-05-30'], // 星期三
  // 2023 中秋节、国庆节: off 2023-09-29..2023-10-06; 调休上班 2023-10-07, 2023-10-08
  ['2023-09-24', '2023-10-09', '2023-10-26'], // 星期日
  ['2023-09-28', '2023-10-13', '2023-11-01'], // 星期四
  ['2023-09-29', '2023-10-13', '2023-11-01'], // 星期五
  ['2023-10-02', '2023-10-13', '2023-11-01'], // 星期一
  ['2023-10-06', '2023-10-13', '2023-11-01'], // 星期五
  // 2024 春节: off 2024-02-10..2024-02-17; 调休上班 2024-02-04, 2024-02-18
  ['2024-02-05', '2024-02-20', '2024-03-08'], // 星期一
  ['2024-02-09', '2024-02-26', '2024-03-14'], // 星期五
  ['2024-02-10', '2024-02-26', '2024-03-14'], // 星期六
  ['2024-02-13', '2024-02-26', '2024-03-14'], // 星期二
  ['2024-02-17', '2024-02-26', '2024-03-14'], // 星期六
  // 2024 劳动节: off 2024-05-01..2024-05-05; 调休上班 2024-04-28, 2024-05-11
  ['2024-04-26', '2024-05-09', '2024-05-27'], // 星期五
  ['2024-04-30', '2024-05-13', '2024-05-30'], // 星期二
  ['2024-05-01', '2024-05-13', '2024-05-30'], // 星期三
  ['2024-05-03', '2024-05-13', '2024-05-30'], // 星期五
  ['2024-05-05', '2024-05-13', '2024-05-30'], // 星期日
  // 2024 国庆节: off 2024-10-01..2024-10-07; 调休上班 2024-09-29, 2024-10-12
  ['2024-09-26', '2024-10-11', '2024-10-29'], // 星期四
  ['2024-09-30', '2024-10-15', '2024-11-01'], // 星期一
  ['2024-10-01', '2024-10-15', '2024-11-01'], // 星期二
  ['2024-10-04', '2024-10-15', '2024-11-01'], // 星期五
  ['2024-10-07', '2024-10-15', '2024-11-01'], // 星期一
  // 2025 春节: off 2025-01-28..2025-02-04; 调休上班 2025-01-26, 2025-02-08
  ['2025-01-23', '2025-02-08', '2025-02-26'], // 星期四
  ['2025-01-27', '2025-02-12', '2025-03-03'], // 星期一
  ['2025-01-28', '2025-02-12', '2025-03-03'], // 星期二
  ['2025-01-31', '2025-02-12', '2025-03-03'], // 星期五
  ['2025-02-04', '2025-02-12', '2025-03-03'], // 星期二
  // 2025 劳动节: off 2025-05-01..2025-05-05; 调休上班 2025-04-27
  ['2025-04-26', '2025-05-08', '2025-05-27'], // 星期六
  ['2025-04-30', '2025-05-14', '2025-06-03'], // 星期三
  ['2025-05-01', '2025-05-14', '2025-06-03'], // 星期四
  ['2025-05-03', '2025-05-14', '2025-06-03'], // 星期六
  ['2025-05-05', '2025-05-14', '2025-06-03'], // 星期一
  // 2025 国庆节、中秋节: off 2025-10-01..2025-10-08; 调休上班 2025-09-28, 2025-10-11
  ['2025-09-26', '2025-10-13', '2025-10-30'], // 星期五
  ['2025-09-30', '2025-10-16', '2025-11-04'], // 星期二
  ['2025-10-01', '2025-10-16', '2025-11-04'], // 星期三
  ['2025-10-04', '2025-10-16', '2025-11-04'], // 星期六
  ['2025-10-08', '2025-10-16', '2025-11-04'], // 星期三
  // 2026 春节: off 2026-02-15..2026-02-23; 调休上班 2026-02-14, 2026-02-28
  ['2026-02-10', '2026-02-26', '2026-03-16'], // 星期二
  ['2026-02-14', '2026-03-03', '2026-03-20'], // 星期六
  ['2026-02-15', '2026-03-03', '2026-03-20'], // 星期日
  ['2026-02-19', '2026-03-03', '2026-03-20'], // 星期四
  ['2026-02-23', '2026-03-03', '2026-03-20'], // 星期一
  // 2026 劳动节: off 2026-05-01..2026-05-05; 调休上班 2026-05-09
  ['2026-04-26', '2026-05-08', '2026-05-26'], // 星期日
  ['2026-04-30', '2026-05-13', '2026-06-01'], // 星期四
  ['2026-05-01', '2026-05-13', '2026-06-01'], // 星期五
  ['2026-05-03', '2026-05-13', '2026-06-01'], // 星期日
  ['2026-05-05', '2026-05-13', '2026-06-01'], // 星期二
  // 2026 国庆节: off 2026-10-01..2026-10-07; 调休上班 2026-09-20, 2026-10-10
  ['2026-09-26', '2026-10-12', '2026-10-29'], // 星期六
  ['2026-09-30', '2026-10-15', '2026-11-03'], // 星期三
  ['2026-10-01', '2026-10-15', '2026-11-03'], // 星期四
  ['2026-10-04', '2026-10-15', '2026-11-03'], // 星期日
  ['2026-10-07', '2026-10-15', '2026-11-03'], // 星期三
  ];
  for (const [receipt, due7, due20] of table) {
    test(`${receipt} (星期${'日一二三四五六'[weekday(d(receipt))]}) → 7: ${due7}, 20: ${due20}`, () => {
      assert.equal(add(receipt, 7), due7);
      assert.equal(add(receipt, 20), due20);
      assert.equal(between(receipt, due7), 7);
      assert.equal(between(receipt, due20), 20);
      assert.equal(cal.isWorkingDay(d(due7)), true);
      assert.equal(cal.isWorkingDay(d(due20)), true);
      // The day before the deadline leaves at least one working day to go.
      assert.equal(between(receipt, iso(d(due20) - 1)), 19);
    });
  }

  test('receipt on a holiday: counting starts the next day regardless', () => {
    // 2025-10-01 (National Day) + 1: 10-02..08 off, 10-09 Thu is the first working day.
    assert.equal(add('2025-10-01', 1), '2025-10-09');
    // 2026-01-01 (元旦) + 1 → 2026-01-04, the Sunday make-up day.
    assert.equal(add('2026-01-01', 1), '2026-01-04');
    assert.equal(add('2026-01-01', 2), '2026-01-05');
  });

  test('make-up Saturdays and Sundays count as working days', () => {
    assert.equal(add('2026-02-27', 1), '2026-02-28'); // Saturday make-up
    assert.equal(add('2026-09-18', 1), '2026-09-20'); // Sunday make-up (Saturday 09-19 is not)
    assert.equal(add('2026-10-09', 1), '2026-10-10'); // Saturday make-up
    assert.equal(add('2026-10-10', 1), '2026-10-12');
    assert.equal(add('2025-01-24', 1), '2025-01-26');
    assert.equal(between('2026-09-18', '2026-09-21'), 2);
  });
});

// ---------------------------------------------------------------------------------------------
// add / between basics

describe('addWorkingDays and workingDaysBetween', () => {
  test('n = 0 returns the day itself, even a holiday', () => {
    assert.equal(add('2025-01-29', 0), '2025-01-29');
  });

  test('between is the number of working days in (a, b]', () => {
    assert.equal(between('2025-01-20', '2025-01-20'), 0);
    assert.equal(between('2025-01-20', '2025-01-21'), 1);
    assert.equal(between('2025-01-24', '2025-01-25'), 0); // Saturday
    assert.equal(between('2025-01-20', '2025-02-21'), 20);
    assert.equal(between('2025-02-21', '2025-01-20'), -20);
    assert.equal(between('2019-01-01', '2026-12-31'), 1994);
    assert.equal(between('2018-12-31', '2026-12-31'), 1994); // 2019-01-01 is a holiday: adds nothing
    assert.equal(between('2019-01-01', '2019-01-02'), 1);
  });

  test('invalid n', () => {
    assert.throws(() => cal.addWorkingDays(d('2025-01-01'), -1), RangeError);
    assert.throws(() => cal.addWorkingDays(d('2025-01-01'), 1.5), RangeError);
    assert.throws(() => cal.addWorkingDays(d('2025-01-01'), Number.NaN), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Outside the data

describe('outside the calendar years', () => {
  test('default: OutsideCalendarError naming the date and the known years', () => {
    assert.throws(
      () => cal.addWorkingDays(d('2026-12-20'), 20),
      (e: unknown) =>
        e instanceof OutsideCalendarError &&
        e.date === '2027-01-01' &&
        e.year === 2027 &&
        e.message.includes('2027-01-01') &&
        e.message.includes('2019–2026') &&
        e.message.includes('请管理员按国务院办公厅通知补录该年度节假日安排'),
    );
    assert.throws(() => cal.addWorkingDays(d('2018-12-20'), 3), (e: unknown) => e instanceof OutsideCalendarError && e.date === '2018-12-21');
    assert.throws(() => cal.workingDaysBetween(d('2026-12-01'), d('2027-02-01')), OutsideCalendarError);
    assert.throws(() => cal.workingDaysBetween(d('2027-02-01'), d('2026-12-01')), OutsideCalendarError);
    // Starting on the last covered day still needs the next year.
    assert.throws(() => cal.addWorkingDays(d('2026-12-31'), 1), OutsideCalendarError);
    // A span ending on the last covered day is fine; starting the day before the first too.
    assert.equal(add('2026-12-30', 1), '2026-12-31');
    assert.equal(add('2018-12-31', 1), '2019-01-02');
  });

  test("beyond: 'weekdays' answers from Monday–Friday", () => {
    const r = cal.addWorkingDays(d('2026-12-20'), 20, { beyond: 'weekdays' });
    // 12-21..25 (5), 12-28..31 (9), 2027-01-01 Fri (10, assumed working), 01-04..08 (15), 01-11..15 (20)
    assert.equal(iso(r), '2027-01-15');
    assert.equal(cal.coversRange(d('2026-12-21'), r), false);
    assert.equal(cal.workingDaysBetween(d('2026-12-20'), r, { beyond: 'weekdays' }), 20);
    assert.equal(iso(cal.addWorkingDays(d('2027-03-01'), 5, { beyond: 'weekdays' })), '2027-03-08');
    const info = cal.info(d('2027-01-01'));
    assert.deepEqual([info.working, info.kind, info.known], [true, 'weekday', false]);
    assert.equal(cal.info(d('2027-01-02')).kind, 'weekend');
  });

  test('weekday formula matches a day-by-day loop far from the data (both sides)', () => {
    fc.assert(
      fc.property(fc.integer({ min: d('1990-01-01'), max: d('2100-12-31') }), fc.integer({ min: 1, max: 400 }), (start, n) => {
        if (start >= FIRST - 400 && start <= LAST + 1) return; // near the data, holidays apply
        const r = cal.addWorkingDays(start, n, { beyond: 'weekdays' });
        if (r >= FIRST - 1 && r <= LAST + 1) return;
        // The data spills into the days next to the covered years (2019 元旦's make-up day is
        // 2018-12-29, a Saturday): a span that touches such a day is near the data too.
        const naive = naiveWeekdaysAdd(start, n);
        for (let day = start; day <= Math.max(r, naive); day++) if (!['weekday', 'weekend'].includes(cal.info(day).kind)) return;
        assert.equal(r, naive);
        assert.equal(cal.workingDaysBetween(start, r, { beyond: 'weekdays' }), n);
      }),
      { numRuns: 500 },
    );
  });

  test('outsideWarning', () => {
    assert.equal(
      outsideWarning([2027]),
      '警告：2027年节假日安排尚未录入，结果按周一至周五推算，可能不准确；请管理员按国务院办公厅通知补录该年度节假日安排',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

describe('properties (fast-check)', () => {
  const anyDay = fc.integer({ min: d('2015-01-01'), max: d('2030-12-31') });
  const inside = fc.integer({ min: FIRST, max: d('2026-10-01') });
  const n = fc.integer({ min: 0, max: 300 });
  const opts = { beyond: 'weekdays' } as const;

  test('between(d, add(d, n)) === n', () => {
    fc.assert(
      fc.property(anyDay, n, (day, k) => {
        assert.equal(cal.workingDaysBetween(day, cal.addWorkingDays(day, k, opts), opts), k);
      }),
      { numRuns: 3000 },
    );
  });

  test('between is antisymmetric and additive', () => {
    fc.assert(
      fc.property(anyDay, anyDay, anyDay, (a, b, c) => {
        assert.equal(cal.workingDaysBetween(a, b, opts) + cal.workingDaysBetween(b, a, opts), 0);
        assert.equal(cal.workingDaysBetween(a, c, opts), cal.workingDaysBetween(a, b, opts) + cal.workingDaysBetween(b, c, opts));
      }),
      { numRuns: 2000 },
    );
  });

  test('add is monotonic in n and in the start day', () => {
    fc.assert(
      fc.property(anyDay, n, n, (day, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const x = cal.addWorkingDays(day, lo, opts);
        const y = cal.addWorkingDays(day, hi, opts);
        if (lo < hi) assert.ok(x < y);
        else assert.equal(x, y);
        assert.ok(cal.addWorkingDays(day + 1, hi, opts) >= y);
      }),
      { numRuns: 3000 },
    );
  });

  test('add(d, n) is a working day after d for n ≥ 1, with no working day skipped', () => {
    fc.assert(
      fc.property(inside, fc.integer({ min: 1, max: 60 }), (day, k) => {
        const r = cal.addWorkingDays(day, k);
        assert.ok(r > day);
        assert.equal(cal.isWorkingDay(r), true);
        assert.equal(cal.info(r).working, true);
        let count = 0;
        for (let x = day + 1; x <= r; x++) if (cal.isWorkingDay(x)) count++;
        assert.equal(count, k);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Explanations

describe('explainSpan', () => {
  test('runs with reasons for 2025-01-20 + 20 working days', () => {
    const runs = cal.explainSpan(d('2025-01-20'), d('2025-02-21'));
    assert.deepEqual(
      runs.map((r) => [r.from, r.to, r.days, r.kind, r.reason, r.working]),
      [
        ['2025-01-25', '2025-01-25', 1, 'weekend', '周末', false],
        ['2025-01-26', '2025-01-26', 1, 'makeup', '调休上班（春节）', true],
        ['2025-01-28', '2025-02-04', 8, 'holiday', '春节假期', false],
        ['2025-02-08', '2025-02-08', 1, 'makeup', '调休上班（春节）', true],
        ['2025-02-09', '2025-02-09', 1, 'weekend', '周末', false],
        ['2025-02-15', '2025-02-16', 2, 'weekend', '周末', false],
      ],
    );
    // (b, a] when b < a: the same days
    assert.deepEqual(cal.explainSpan(d('2025-02-21'), d('2025-01-20')), runs);
  });

  test('describeRuns and spanSentence', () => {
    const runs = cal.explainSpan(d('2025-01-20'), d('2025-02-21'));
    const { skipped, makeup } = describeRuns(runs);
    assert.equal(skipped, '周末 2025年1月25日、2025年2月9日、2025年2月15日至16日；春节假期 2025年1月28日至2月4日（8天）');
    assert.equal(makeup, '2025年1月26日（星期日，春节调休上班）、2025年2月8日（星期六，春节调休上班）');
    assert.equal(spanSentence(runs), `期间不计：${skipped}。调休上班计入：${makeup}。`);
    assert.equal(spanSentence([]), '');
    const abbreviated = describeRuns(cal.explainSpan(d('2025-01-01'), d('2025-12-31')), { maxRangesPerReason: 2 });
    assert.match(abbreviated.skipped, /^周末 2025年1月4日至5日、2025年1月11日至12日…等\d+段，共\d+天/);
  });

  test('runs beyond the data are marked unknown', () => {
    const runs = cal.explainSpan(d('2026-12-25'), d('2027-01-05'));
    assert.deepEqual(
      runs.map((r) => [r.from, r.to, r.known]),
      [
        ['2026-12-26', '2026-12-27', true],
        ['2027-01-02', '2027-01-03', false],
      ],
    );
    assert.match(describeRuns(runs).skipped, /周末（推算） 2027年1月2日至3日/);
  });

  test('formatDayRange', () => {
    assert.equal(formatDayRange(d('2025-01-25'), d('2025-01-25')), '2025年1月25日');
    assert.equal(formatDayRange(d('2025-01-25'), d('2025-01-26')), '2025年1月25日至26日');
    assert.equal(formatDayRange(d('2025-01-28'), d('2025-02-04')), '2025年1月28日至2月4日');
    assert.equal(formatDayRange(d('2022-12-31'), d('2023-01-02')), '2022年12月31日至2023年1月2日');
  });
});

// ---------------------------------------------------------------------------------------------
// Data files: validation and loading

/** A made-up 2027 block (not an official arrangement). */
function year2027(): Record<string, unknown> {
  return {
    notices: ['（虚构示例）2027年节假日安排'],
    holidays: [
      { name: '元旦', off: ['2027-01-01', '2027-01-03'], work: [] },
      { name: '春节', off: ['2027-02-05', '2027-02-13'], work: ['2027-02-14'] },
      { name: '国庆节', off: ['2027-10-01', '2027-10-07'], work: ['2027-09-26', '2027-10-09'] },
    ],
  };
}

function withHoliday(h: Record<string, unknown>, year = '2027'): unknown {
  const y = year2027();
  (y.holidays as unknown[]).push(h);
  return { years: { [year]: y } };
}

function rejects(data: unknown, ...fragments: string[]): void {
  assert.throws(
    () => WorkCalendar.fromData(data, 'my.json'),
    (e: unknown) => {
      assert.ok(e instanceof CalendarDataError, String(e));
      for (const f of fragments) assert.ok(e.message.includes(f), `message lacks 「${f}」: ${e.message}`);
      return true;
    },
  );
}

describe('data validation (CalendarDataError)', () => {
  test('the made-up 2027 block is valid', () => {
    const c = WorkCalendar.fromData({ years: { '2027': year2027() } }, 'my.json');
    assert.equal(c.firstYear, 2027);
    assert.equal(c.info(d('2027-02-14')).kind, 'makeup');
    assert.equal(iso(c.addWorkingDays(d('2027-02-04'), 1)), '2027-02-14');
  });

  const cases: Array<[string, unknown, string[]]> = [
    ['not an object', 42, ['my.json', '应为对象']],
    ['no years', {}, ['my.json', 'years（年度）', '缺少此字段']],
    ['empty years', { years: {} }, ['years（年度）为空']],
    ['year key not 4 digits', { years: { '27': year2027() } }, ['年度键「27」应为4位数字年份']],
    ['unknown field', { years: { '2027': { ...year2027(), holidyas: [] } } }, ['2027年', '未知字段', 'holidyas']],
    ['missing notices', { years: { '2027': { holidays: year2027().holidays } } }, ['2027年', 'notices（通知名称）', '缺少此字段']],
    ['empty notices', { years: { '2027': { ...year2027(), notices: [] } } }, ['notices（通知名称）', '不能为空']],
    ['bad date format', withHoliday({ name: '清明节', off: ['2027/04/03', '2027-04-05'], work: [] }), ['2027年', '「清明节」', 'YYYY-MM-DD', '2027/04/03']],
    ['impossible date', withHoliday({ name: '清明节', off: ['2027-04-03', '2027-04-31'], work: [] }), ['2027年「清明节」', '日期无效', '2027-04-31']],
    ['off with one date', withHoliday({ name: '清明节', off: ['2027-04-03'], work: [] }), ['「清明节」', '应恰好包含两个日期']],
    ['off range reversed', withHoliday({ name: '清明节', off: ['2027-04-05', '2027-04-03'], work: [] }), ['2027年「清明节」', '起止颠倒']],
    ['make-up day not a weekend day', withHoliday({ name: '劳动节', off: ['2027-05-01', '2027-05-05'], work: ['2027-04-28'] }), ['2027年「劳动节」', '2027-04-28', '星期三', '只能是星期六或星期日']],
    ['a day both off and work (same holiday)', withHoliday({ name: '劳动节', off: ['2027-05-01', '2027-05-05'], work: ['2027-05-01'] }), ['2027年「劳动节」', '既是放假日又是调休上班日']],
    ['a day both off and work (two holidays)', withHoliday({ name: '劳动节', off: ['2027-05-01', '2027-05-05'], work: ['2027-10-03'] }), ['2027-10-03', '「国庆节」', '「劳动节」', '既是']],
    ['overlapping holidays', withHoliday({ name: '中秋节', off: ['2027-09-30', '2027-10-02'], work: [] }), ['「国庆节」', '「中秋节」', '重叠']],
    ['make-up day listed twice', withHoliday({ name: '中秋节', off: ['2027-09-15', '2027-09-17'], work: ['2027-09-26'] }), ['2027-09-26', '同时列在']],
    ['date far from its year', withHoliday({ name: '清明节', off: ['2028-04-03', '2028-04-05'], work: [] }), ['2027年「清明节」', '相距过远']],
    ['holiday too long', withHoliday({ name: '暑假', off: ['2027-07-01', '2027-08-31'], work: [] }), ['「暑假」', '超过 31 天']],
    ['empty name', withHoliday({ name: ' ', off: ['2027-04-03', '2027-04-05'], work: [] }), ['name（节日名称）', '不能为空']],
    ['work not an array', withHoliday({ name: '清明节', off: ['2027-04-03', '2027-04-05'], work: '2027-04-10' }), ['work（调休上班日）', '应为数组']],
    ['gap between years', { years: { '2027': year2027(), '2029': { notices: ['x'], holidays: [{ name: '元旦', off: ['2029-01-01', '2029-01-01'], work: [] }] } } }, ['不连续', '缺少 2028']],
  ];
  for (const [name, data, fragments] of cases) test(name, () => rejects(data, ...fragments));

  test('all problems are reported, in one line', () => {
    const y = year2027();
    (y.holidays as unknown[]).push(
      { name: '清明节', off: ['2027-04-05', '2027-04-03'], work: [] },
      { name: '劳动节', off: ['2027-05-01', '2027-05-05'], work: ['2027-04-28'] },
    );
    assert.throws(
      () => WorkCalendar.fromData({ years: { '2027': y } }, 'my.json'),
      (e: unknown) => e instanceof CalendarDataError && e.problems.length === 2 && !e.message.includes('\n') && e.message.includes('起止颠倒') && e.message.includes('星期三'),
    );
  });

  test('the bundled file passes its own validation', () => {
    assert.doesNotThrow(() => WorkCalendar.fromData(JSON.parse(readFileSync(new URL('./holidays.cn.json', import.meta.url), 'utf8')), 'x'));
  });
});

describe('loading (builtin + GONGKAI_CALENDAR + extra files)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongkai-cal-'));
  const file2027 = join(dir, 'my.json');
  writeFileSync(file2027, JSON.stringify({ years: { '2027': year2027() } }));

  test('no file: the builtin data', () => {
    assert.equal(WorkCalendar.load({}), cal);
  });

  test('GONGKAI_CALENDAR adds a year', () => {
    const c = WorkCalendar.load({ GONGKAI_CALENDAR: file2027 });
    assert.equal(c.lastYear, 2027);
    assert.equal(c.info(d('2027-01-01')).kind, 'holiday');
    assert.equal(c.info(d('2027-01-01')).known, true);
    // 2026-12-20 + 20 is now exact: 2027-01-01 is 元旦.
    assert.equal(iso(c.addWorkingDays(d('2026-12-20'), 20)), '2027-01-18');
    assert.equal(c.sources.at(-1)!.origin, file2027);
  });

  test('an extra file (e.g. --calendar) replaces a builtin year wholesale', () => {
    const f = join(dir, 'replace2026.json');
    writeFileSync(
      f,
      JSON.stringify({ years: { '2026': { notices: ['测试'], holidays: [{ name: '元旦', off: ['2026-01-01', '2026-01-01'], work: [] }] } } }),
    );
    const c = WorkCalendar.load({}, [f]);
    assert.equal(c.info(d('2026-02-16')).kind, 'weekday'); // Spring Festival gone with the replaced year
    assert.equal(c.info(d('2026-01-02')).kind, 'weekday');
    assert.equal(c.info(d('2025-01-28')).kind, 'holiday');
    // env first, then extra files
    const both = WorkCalendar.load({ GONGKAI_CALENDAR: file2027 }, [f]);
    assert.equal(both.lastYear, 2027);
    assert.equal(both.info(d('2026-02-16')).kind, 'weekday');
  });

  test('a file that conflicts with the builtin years is rejected', () => {
    const f = join(dir, 'conflict.json');
    const y = year2027();
    (y.holidays as Array<Record<string, unknown>>)[0] = { name: '元旦', off: ['2026-12-30', '2027-01-03'], work: [] };
    writeFileSync(f, JSON.stringify({ years: { '2027': y } }));
    // 2026-12-30 is an ordinary working day in the builtin 2026: an off day spilling into 2026 is fine…
    assert.equal(WorkCalendar.load({}, [f]).info(d('2026-12-30')).kind, 'holiday');
    // …but not one overlapping a 2026 holiday.
    const g = join(dir, 'conflict2.json');
    (y.holidays as Array<Record<string, unknown>>)[0] = { name: '元旦', off: ['2027-01-01', '2027-01-03'], work: ['2026-10-04'] };
    writeFileSync(g, JSON.stringify({ years: { '2027': y } }));
    assert.throws(() => WorkCalendar.load({}, [g]), (e: unknown) => e instanceof CalendarDataError);
  });

  test('missing, unreadable or invalid files are CalendarDataError', () => {
    assert.throws(
      () => WorkCalendar.load({ GONGKAI_CALENDAR: join(dir, 'nope.json') }),
      (e: unknown) => e instanceof CalendarDataError && e.message.includes('nope.json') && e.message.includes('文件不存在'),
    );
    assert.throws(() => WorkCalendar.load({}, [dir]), (e: unknown) => e instanceof CalendarDataError && e.message.includes('目录'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "years": ');
    assert.throws(() => WorkCalendar.fromFile(bad), (e: unknown) => e instanceof CalendarDataError && e.message.includes('不是有效的 JSON'));
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, `\uFEFF${JSON.stringify({ years: { '2027': year2027() } })}`);
    assert.equal(WorkCalendar.fromFile(bom).firstYear, 2027);
  });

  test('gap after merging is rejected', () => {
    const f = join(dir, '2028.json');
    writeFileSync(f, JSON.stringify({ years: { '2028': { notices: ['x'], holidays: [{ name: '元旦', off: ['2028-01-01', '2028-01-03'], work: [] }] } } }));
    assert.throws(() => WorkCalendar.load({}, [f]), (e: unknown) => e instanceof CalendarDataError && e.message.includes('缺少 2027'));
  });
});
