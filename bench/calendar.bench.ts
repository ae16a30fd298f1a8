/**
 * Deadline benchmarks: working-day additions per second with the precomputed calendar, against
 * the obvious day-by-day loop over the same calendar (baseline, measured in the same run).
 */
import { dayNumber, formatIsoDate, parseIsoDate } from '../src/calendar/date.js';
import { WorkCalendar } from '../src/calendar/calendar.js';
import { rng } from '../test/support/reports.js';
import type { BenchResult } from './util.js';
import { median, timeIt } from './util.js';

export function benchDeadlines(n = 1_000_000, rounds = 5): BenchResult[] {
  const cal = WorkCalendar.builtin();
  const r = rng(1);
  const first = dayNumber(2019, 1, 1);
  const last = dayNumber(2026, 10, 31); // + up to 40 working days stays inside 2026
  const days = new Int32Array(n);
  const ns = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    days[i] = first + Math.floor(r() * (last - first));
    ns[i] = [7, 15, 20, 40][i & 3]!;
  }
  const isoDays = Array.from(days.subarray(0, 100_000), (d) => formatIsoDate(d));

  let sink = 0;
  const fast = () => {
    for (let i = 0; i < n; i++) sink += cal.addWorkingDays(days[i]!, ns[i]!);
  };
  const naiveN = Math.floor(n / 20);
  const naive = () => {
    for (let i = 0; i < naiveN; i++) {
      let d = days[i]!;
      let left = ns[i]!;
      while (left > 0) {
        d++;
        if (cal.isWorkingDay(d)) left--;
      }
      sink += d;
    }
  };
  const iso = () => {
    for (let i = 0; i < isoDays.length; i++) sink += formatIsoDate(cal.addWorkingDays(parseIsoDate(isoDays[i]!), 20)).length;
  };
  fast();
  naive();
  iso();
  const tf: number[] = [];
  const tn: number[] = [];
  const ti: number[] = [];
  for (let i = 0; i < rounds; i++) {
    tf.push(timeIt(fast));
    tn.push(timeIt(naive));
    ti.push(timeIt(iso));
  }
  if (sink === 42) console.log(sink);
  const fastRate = n / (median(tf) / 1000);
  const naiveRate = naiveN / (median(tn) / 1000);
  const isoRate = isoDays.length / (median(ti) / 1000);
  return [
    { name: 'deadline, day-by-day loop over the calendar (baseline)', value: naiveRate, unit: 'deadlines/s' },
    {
      name: 'deadline, WorkCalendar.addWorkingDays (day numbers)',
      value: fastRate,
      unit: 'deadlines/s',
      ratio: fastRate / naiveRate,
      ratioLabel: '× baseline',
      target: '≥ 1,000,000/s',
      ok: fastRate >= 1_000_000,
    },
    {
      name: 'deadline from and to ISO text (parse + add + format)',
      value: isoRate,
      unit: 'deadlines/s',
      ratio: isoRate / naiveRate,
      ratioLabel: '× baseline',
    },
  ];
}
