/** The state machine as data, the outcome-row rules and the mapping of the log onto the clocks (pure). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkCalendar } from '../calendar/calendar.js';
import { StateError } from '../errors.js';
import { ValidationError } from '../validation.js';
import {
  CLOSED_STATES,
  EVENT_LABELS,
  STATE_LABELS,
  STATES,
  TRANSITIONS,
  TRANSITION_EVENTS,
  allowedEvents,
  assertTransition,
  closingOutcome,
  deriveClocks,
  history,
  liveStatus,
  nextState,
  outcomeRowLabel,
  outcomeRowsFor,
  replyOutcome,
  toClockEvents,
  type AppEvent,
  type ApplicationState,
  type EventData,
  type EventType,
} from './application.js';

const calendar = WorkCalendar.builtin();

let nextId = 1;
function ev<K extends EventType>(type: K, date: string, data: EventData[K]): AppEvent {
  return { id: nextId++, type, date, data, at: `${date}T02:00:00.000Z`, userId: 1, note: null } as AppEvent;
}
const reg = (date: string) => ev('registered', date, { channel: 'in_person', submittedOn: date, confirmedOn: null });

describe('the transitions table', () => {
  test('each (event, state) pair is listed at most once, and an event needs the same permission everywhere', () => {
    const seen = new Set<string>();
    for (const t of TRANSITIONS) {
      for (const from of t.from) {
        const key = `${t.event}/${from}`;
        assert.ok(!seen.has(key), `duplicate ${key}`);
        seen.add(key);
      }
      assert.equal(t.action, TRANSITIONS.find((x) => x.event === t.event)!.action, t.event);
      assert.ok(t.rule.length > 0);
    }
    assert.equal(TRANSITIONS.find((t) => t.event === 'extended')!.action, 'approve_extension');
    assert.ok(TRANSITIONS.filter((t) => t.event !== 'extended').every((t) => t.action === 'handle'));
  });

  test('every state is reachable from the two ways in (online submission, staff registration)', () => {
    const reached = new Set<ApplicationState>(['submitted', 'registered']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of TRANSITIONS) {
        if (!t.from.some((s) => reached.has(s))) continue;
        const targets = t.to === 'unchanged' ? [] : typeof t.to === 'string' ? [t.to] : t.to;
        for (const s of targets) if (!reached.has(s)) grew = reached.add(s) !== null;
      }
    }
    assert.deepEqual([...reached].sort(), [...STATES].sort());
  });

  test('closed states only take review records and a reopening; every open state can end', () => {
    for (const s of CLOSED_STATES) {
      const allowed = allowedEvents(s).filter((e) => !['review_filed', 'review_decided'].includes(e));
      assert.deepEqual(allowed, s === 'withdrawn' ? [] : ['reopened'], s);
    }
    for (const s of STATES.filter((x) => !CLOSED_STATES.includes(x))) {
      assert.ok(allowedEvents(s).includes('withdrawn'), s);
    }
  });

  test('labels exist for every state and event', () => {
    for (const s of STATES) assert.match(STATE_LABELS[s], /\p{Script=Han}/u);
    for (const e of TRANSITION_EVENTS) assert.match(EVENT_LABELS[e], /\p{Script=Han}/u);
  });

  test('nextState: targets from the table; an opinion keeps the case suspended while another consultation is open', () => {
    assert.equal(nextState('registered', 'correction_requested'), 'correction_requested');
    assert.equal(nextState('consulting', 'opinion_received'), 'in_process');
    assert.equal(nextState('consulting', 'opinion_received', { stillConsulting: true }), 'consulting');
    assert.equal(nextState('consulting', 'extended'), 'consulting');
    assert.equal(nextState('registered', 'extended'), 'in_process');
    assert.equal(nextState('replied', 'review_filed'), 'replied');
    assert.equal(nextState('fee_lapsed', 'reopened'), 'reopened');
  });

  test('a refused transition names the current state and where the event is allowed', () => {
    assert.throws(
      () => assertTransition('replied', 'correction_requested'),
      (e: unknown) =>
        e instanceof StateError &&
        e.status === 409 &&
        e.message === '该申请当前状态为「待补正」，不能答复；「答复」只能在「已登记」、「办理中」、「重新办理」状态下进行',
    );
    assert.throws(() => nextState('withdrawn', 'reopened'), /当前状态为「已撤回」/);
  });
});

describe('outcome rows (DOMAIN §3)', () => {
  test('the format follows the closing year', () => {
    const y2020 = outcomeRowsFor('2020-12-31');
    assert.equal(y2020.format, '2019');
    assert.ok(y2020.rows.some((r) => r.id === '3.6'));
    assert.ok(!y2020.rows.some((r) => r.id.startsWith('3.6.')));
    const y2021 = outcomeRowsFor('2021-01-04');
    assert.equal(y2021.format, '2021');
    assert.deepEqual(
      y2021.rows.filter((r) => r.id.startsWith('3.6')).map((r) => r.id),
      ['3.6.1', '3.6.2', '3.6.3'],
    );
    assert.equal(y2021.rows.length, 21); // 3.1, 3.2, 3.3.1–8, 3.4.1–3, 3.5.1–5, 3.6.1–3
    assert.ok(y2021.rows.every((r) => r.id.startsWith('3.') && r.id !== '3.7'));
    assert.throws(() => outcomeRowsFor('2018-12-31'), ValidationError);
  });

  test('closing without a reply: lapses and withdrawal', () => {
    assert.deepEqual(
      (['correction_lapsed', 'fee_lapsed', 'withdrawn'] as const).map((k) => closingOutcome(k, '2024-05-06').row),
      ['3.6.1', '3.6.2', '3.6.3'],
    );
    assert.deepEqual(
      (['correction_lapsed', 'fee_lapsed', 'withdrawn'] as const).map((k) => closingOutcome(k, '2020-05-06').row),
      ['3.6', '3.6', '3.6'],
    );
    assert.match(closingOutcome('correction_lapsed', '2024-05-06').basis, /第三十条/);
  });

  const cases: Array<[string, string, boolean, string | null]> = [
    ['3.1', '2025-03-03', false, null],
    ['3.2', '2020-03-03', false, null],
    ['3.3.8', '2025-03-03', false, null],
    ['3.5.5', '2025-03-03', false, null],
    ['3.6', '2020-03-03', false, null],
    ['3.6.3', '2025-03-03', false, null],
    ['3.4.3', '2025-03-03', true, null],
    ['3.4.3', '2025-03-03', false, '已经补正'],
    ['3.6', '2025-03-03', false, '3.6.3「其他」'],
    ['3.6.3', '2020-03-03', false, '只有一行3.6'],
    ['3.6.1', '2025-03-03', false, '逾期未补正'],
    ['3.6.2', '2025-03-03', false, '逾期未缴费'],
    ['3.7', '2025-03-03', false, '不是2025年度'],
    ['1', '2025-03-03', false, '不是2025年度'],
  ];
  for (const [row, date, corrected, error] of cases) {
    test(`reply with ${row} on ${date}${corrected ? ' (after a correction)' : ''}: ${error ? 'refused' : 'accepted'}`, () => {
      if (error === null) {
        assert.equal(replyOutcome(row, date, { correctionReceived: corrected }).row.id, row);
      } else {
        assert.throws(
          () => replyOutcome(row, date, { correctionReceived: corrected }),
          (e: unknown) => e instanceof ValidationError && e.fields.outcomeRow!.includes(error),
        );
      }
    });
  }

  test('labels carry their group', () => {
    assert.equal(outcomeRowLabel('2021', '3.3.1'), '（三）不予公开 1.属于国家秘密');
    assert.equal(outcomeRowLabel('2021', '3.6.2'), '（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请');
    assert.equal(outcomeRowLabel('2019', '3.6'), '（六）其他处理');
    assert.equal(outcomeRowLabel(null, null), null);
  });
});

describe('the log as clock events', () => {
  test('derived dates are placed in time order; the approving official is left out for the public', () => {
    const events = [
      reg('2025-03-03'),
      ev('consultation_started', '2025-03-05', { kind: 'third_party', party: 'X', letterReceivedOn: '2025-03-12' }),
      ev('consultation_started', '2025-03-06', { kind: 'other_agency', party: 'Y', letterReceivedOn: '2025-03-07' }),
      ev('opinion_received', '2025-03-10', { kind: 'other_agency', opinion: 'consent' }),
      ev('extended', '2025-03-11', { days: 5, reason: 'r', approvedBy: '张主任', approvedById: 3 }),
    ];
    const ce = toClockEvents(events);
    assert.deepEqual(
      ce.map((e) => `${e.date} ${e.type}`),
      [
        '2025-03-03 received',
        '2025-03-05 suspended',
        '2025-03-06 suspended',
        '2025-03-07 other_agency_consulted',
        '2025-03-10 resumed',
        '2025-03-11 extended',
        '2025-03-12 third_party_letter_received',
      ],
    );
    assert.equal((ce[5] as { approvedBy?: string }).approvedBy, '张主任');
    assert.equal((toClockEvents(events, { forPublic: true })[5] as { approvedBy?: string }).approvedBy, undefined);
  });

  test('e-mail maps to the Internet rule; an online submission is received on confirmation', () => {
    const email = toClockEvents([ev('registered', '2025-03-03', { channel: 'email', submittedOn: '2025-03-01', confirmedOn: '2025-03-03' })]);
    assert.deepEqual(email[0], { type: 'received', channel: 'online', date: '2025-03-01', confirmed: '2025-03-03' });
    const online = [ev('submitted', '2025-03-01', { channel: 'online', submittedOn: '2025-03-01' })];
    const before = deriveClocks('submitted', online, { calendar, today: '2025-03-02' });
    assert.equal(before.report, null);
    assert.equal(before.stored.received_on, null);
    assert.equal(before.stored.next_due_on, '2025-03-01');
    const after = deriveClocks('registered', [...online, ev('confirmed', '2025-03-03', { confirmedOn: '2025-03-03' })], { calendar, today: '2025-03-03' });
    assert.equal(after.stored.received_on, '2025-03-03');
    assert.equal(after.stored.reply_due_on, '2025-03-31');
  });

  test('history: open consultations, fee, extension, reopening', () => {
    const h = history([
      reg('2025-03-03'),
      ev('consultation_started', '2025-03-05', { kind: 'third_party', party: 'X', letterReceivedOn: '2025-03-12' }),
      ev('fee_notified', '2025-03-06', { method: 'pages', quantity: 40, amount: 100, noticeReceivedOn: '2025-03-14' }),
      ev('review_filed', '2025-03-20', { reviewCaseId: 1, kind: 'reconsideration' }),
    ]);
    assert.deepEqual([...h.openConsultations.keys()], ['third_party']);
    assert.equal(h.openFee?.data.amount, 100);
    assert.equal(h.lastDate, '2025-03-06'); // the handling's own dates; review records do not count
    assert.equal(h.lastAnyDate, '2025-03-14'); // derived dates (letter and notice received) too
    assert.equal(h.extended, false);
  });

  test('a reopened round: 20 working days from the decision, or the date the decision set', () => {
    const base = [
      reg('2025-03-03'),
      ev('replied', '2025-03-20', { outcomeRow: '3.1', outcomeFormat: '2021', basis: 'b', summary: null }),
      ev('review_filed', '2025-04-01', { reviewCaseId: 7, kind: 'reconsideration' }),
      ev('review_decided', '2025-06-01', { reviewCaseId: 7, result: 'corrected' }),
    ];
    const d = deriveClocks('reopened', [...base, ev('reopened', '2025-09-01', { reviewCaseId: 7, dueOn: null })], { calendar, today: '2025-09-26' });
    assert.equal(d.report!.closedBy, 'replied'); // the first handling stays as it was
    assert.equal(d.reopened!.due, '2025-09-28');
    assert.equal(d.reopened!.status, 'due_soon');
    assert.match(d.reopened!.text, /调休上班/);
    assert.equal(d.stored.reply_due_on, '2025-09-28');
    const set = deriveClocks('reopened', [...base, ev('reopened', '2025-09-01', { reviewCaseId: 7, dueOn: '2025-09-15' })], { calendar, today: '2025-09-16' });
    assert.equal(set.reopened!.status, 'overdue');
    assert.equal(set.stored.clock_status, 'overdue');
    const far = deriveClocks('reopened', [...base, ev('reopened', '2025-09-01', { reviewCaseId: 7, dueOn: '2027-02-01' })], { calendar, today: '2025-09-16' });
    assert.equal(far.provisional, true);
    assert.equal(far.stored.clock_provisional, 1);
  });

  test('liveStatus recomputes a stored due date for today', () => {
    const row = (state: ApplicationState, due: string | null) => ({ state, reply_due_on: due, clock_status: 'on_time' as const });
    assert.equal(liveStatus(row('in_process', '2025-03-31'), calendar, '2025-04-01').status, 'overdue');
    assert.equal(liveStatus(row('in_process', '2025-03-31'), calendar, '2025-03-31').status, 'due_soon');
    assert.equal(liveStatus(row('in_process', '2025-03-31'), calendar, '2025-03-10').status, 'on_time');
    assert.equal(liveStatus(row('consulting', null), calendar, '2025-03-10').status, 'paused');
    assert.equal(liveStatus(row('submitted', null), calendar, '2025-03-10').status, 'unconfirmed');
    assert.equal(liveStatus({ state: 'replied', reply_due_on: '2025-03-31', clock_status: 'replied_late' }, calendar, '2025-06-01').status, 'replied_late');
  });
});
