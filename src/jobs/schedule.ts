/**
 * When a scheduled job is due, as a pure function of the clock: the job's slot at a given moment,
 * or null when it has none. A slot is the unit every node agrees on without talking to the
 * others: each node computes the same slot from its own clock, and the database lets exactly one
 * of them claim it (runner.ts). Two kinds:
 *
 * - daily at HH:MM China time (UTC+8, no daylight saving), on working days of the official
 *   calendar (or every day): the slot is the China date, from HH:MM until midnight — a node
 *   started after the time still runs the day's slot if nobody has; a missed day is not caught up
 *   (the next day has its own slot);
 * - every N minutes: the slot is the start of the N-minute window of UTC time the moment falls in
 *   (windows counted from 1970-01-01T00:00Z, so every node cuts time at the same instants).
 */
import type { WorkCalendar } from '../calendar/calendar.js';
import { formatIsoDate } from '../calendar/date.js';

export type Schedule =
  | {
      kind: 'daily';
      /** HH:MM, China time. */
      time: string;
      /** Working days of this calendar only (weekdays beyond its data); null: every day. */
      workingDays: Pick<WorkCalendar, 'isWorkingDay'> | null;
    }
  | { kind: 'every'; minutes: number };

const CHINA_OFFSET_MS = 8 * 3_600_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A daily schedule at HH:MM China time; throws on a malformed time (configuration is checked before). */
export function daily(time: string, workingDays: Pick<WorkCalendar, 'isWorkingDay'> | null): Schedule {
  if (!TIME.test(time)) throw new Error(`invalid daily time ${JSON.stringify(time)} (HH:MM)`);
  return { kind: 'daily', time, workingDays };
}

/** Every N minutes (1 to 7 days' worth). */
export function every(minutes: number): Schedule {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 1440) throw new Error(`invalid interval ${minutes} (whole minutes, 1–10080)`);
  return { kind: 'every', minutes };
}

/** The slot of `schedule` at `now`, or null when the job is not due then. */
export function slotAt(schedule: Schedule, now: Date): string | null {
  const ms = now.getTime();
  if (schedule.kind === 'every') {
    const width = schedule.minutes * 60_000;
    return `${new Date(Math.floor(ms / width) * width).toISOString().slice(0, 16)}Z`;
  }
  const day = Math.floor((ms + CHINA_OFFSET_MS) / 86_400_000);
  const minuteOfDay = Math.floor((ms + CHINA_OFFSET_MS - day * 86_400_000) / 60_000);
  const [, h, m] = TIME.exec(schedule.time)!;
  if (minuteOfDay < Number(h) * 60 + Number(m)) return null;
  if (schedule.workingDays && !schedule.workingDays.isWorkingDay(day)) return null;
  return formatIsoDate(day);
}

/** How a schedule reads in the CLI and the logs. */
export function describeSchedule(schedule: Schedule): string {
  if (schedule.kind === 'every') return schedule.minutes % 60 === 0 ? `每 ${schedule.minutes / 60} 小时` : `每 ${schedule.minutes} 分钟`;
  return `${schedule.workingDays ? '每个工作日' : '每天'}北京时间 ${schedule.time}`;
}
