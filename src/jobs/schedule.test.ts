/**
 * Slots of the two kinds of schedule: daily at HH:MM China time on working days of the official
 * calendar (a slot per China date, from the time to midnight), and every N minutes (windows of
 * UTC time that every node cuts at the same instants).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WorkCalendar } from '../calendar/calendar.js';
import { daily, describeSchedule, every, slotAt } from './schedule.js';

const calendar = WorkCalendar.builtin();
const at = (s: string) => new Date(s);

describe('job schedules', () => {
  test('daily on working days: the China date from the time on; none before, none on rest days', () => {
    const s = daily('08:30', calendar);
    assert.equal(slotAt(s, at('2026-11-24T08:29:59+08:00')), null);
    assert.equal(slotAt(s, at('2026-11-24T08:30:00+08:00')), '2026-11-24');
    assert.equal(slotAt(s, at('2026-11-24T23:59:59+08:00')), '2026-11-24');
    // 00:10 in China is the previous day in UTC: the slot is China's date, and before the time.
    assert.equal(slotAt(s, at('2026-11-25T00:10:00+08:00')), null);
    assert.equal(slotAt(s, at('2026-11-28T09:00:00+08:00')), null, 'a Saturday');
    assert.equal(slotAt(s, at('2026-10-01T09:00:00+08:00')), null, 'National Day');
    assert.equal(slotAt(daily('08:30', null), at('2026-11-28T09:00:00+08:00')), '2026-11-28', 'every day');
    assert.equal(describeSchedule(s), '每个工作日北京时间 08:30');
  });

  test('every N minutes: the start of the window, the same on every node', () => {
    const s = every(15);
    assert.equal(slotAt(s, at('2026-11-24T08:00:00.000Z')), '2026-11-24T08:00Z');
    assert.equal(slotAt(s, at('2026-11-24T08:14:59.999Z')), '2026-11-24T08:00Z');
    assert.equal(slotAt(s, at('2026-11-24T08:15:00.000Z')), '2026-11-24T08:15Z');
    assert.equal(slotAt(every(1440), at('2026-11-24T23:59:00.000Z')), '2026-11-24T00:00Z');
    assert.equal(describeSchedule(every(60)), '每 1 小时');
    assert.equal(describeSchedule(s), '每 15 分钟');
  });

  test('bad schedules are refused', () => {
    assert.throws(() => daily('8:30', null), /invalid daily time/);
    assert.throws(() => daily('24:00', null), /invalid daily time/);
    assert.throws(() => every(0), /invalid interval/);
    assert.throws(() => every(1.5), /invalid interval/);
  });
});
