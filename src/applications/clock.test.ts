import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkCalendar } from '../calendar/calendar.js';
import {
  ClockInputError,
  FEE_PAYMENT_WORKING_DAYS,
  computeClocks,
  receiptDate,
  type ClockEvent,
  type ClockOptions,
  type ClockReport,
} from './clock.js';

const cal = WorkCalendar.builtin();

function run(events: ClockEvent[], today: string, opts: Partial<ClockOptions> = {}): ClockReport {
  return computeClocks(events, { calendar: cal, today, ...opts });
}

const received = (date: string): ClockEvent => ({ type: 'received', channel: 'in_person', date });

// ---------------------------------------------------------------------------------------------
// Receipt date (第31条)

describe('receiptDate (条例第31条)', () => {
  const cases: Array<[string, Parameters<typeof receiptDate>[0], string, string]> = [
    ['in person: the day submitted', { channel: 'in_person', date: '2025-03-03' }, '2025-03-03', '第31条第（一）项'],
    ['post with signature: the day signed for', { channel: 'post_signed', date: '2025-03-04' }, '2025-03-04', '以行政机关签收之日'],
    ['ordinary letter: the confirmation day', { channel: 'post_ordinary', date: '2025-03-04', confirmed: '2025-03-04' }, '2025-03-04', '确认之日为收到申请之日'],
    ['online (e-mail included): the day both confirm', { channel: 'online', date: '2025-03-01', confirmed: '2025-03-03' }, '2025-03-03', '第31条第（三）项'],
    ['fax: the day both confirm', { channel: 'fax', date: '2025-03-03', confirmed: '2025-03-05' }, '2025-03-05', '传真'],
  ];
  for (const [name, input, date, rule] of cases) {
    test(name, () => {
      const r = receiptDate(input);
      assert.equal(r.date, date);
      assert.ok(r.rule.includes(rule), r.rule);
      assert.ok(r.rule.includes('条例第31条'));
      assert.ok(r.text.includes('收到申请之日'), r.text);
      assert.deepEqual(r.violations, []);
    });
  }

  test('an ordinary letter confirmed days after it arrived: receipt is the confirmation day, with a violation note', () => {
    const r = receiptDate({ channel: 'post_ordinary', date: '2025-03-03', confirmed: '2025-03-06' });
    assert.equal(r.date, '2025-03-06');
    assert.equal(r.violations.length, 1);
    assert.match(r.violations[0]!, /收到申请的当日确认/);
  });

  const bad: Array<[string, unknown, string]> = [
    ['online without confirmation', { channel: 'online', date: '2025-03-03' }, '双方确认的日期（confirmed）'],
    ['fax without confirmation', { channel: 'fax', date: '2025-03-03' }, '传真'],
    ['ordinary letter without confirmation', { channel: 'post_ordinary', date: '2025-03-03' }, '与申请人确认的日期'],
    ['confirmation before arrival', { channel: 'online', date: '2025-03-05', confirmed: '2025-03-03' }, '早于'],
    ['unknown channel', { channel: 'pigeon', date: '2025-03-03' }, '提交渠道「pigeon」无效'],
    ['missing date', { channel: 'in_person' }, '提交日期（date）缺失'],
    ['malformed date', { channel: 'in_person', date: '2025/03/03' }, '日期无效'],
    ['impossible date', { channel: 'post_signed', date: '2025-02-30' }, '该月没有第 30 日'],
  ];
  for (const [name, input, fragment] of bad) {
    test(`rejects: ${name}`, () => {
      assert.throws(
        () => receiptDate(input as Parameters<typeof receiptDate>[0]),
        (e: unknown) => e instanceof ClockInputError && e.message.includes(fragment),
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Reply and correction-notice due dates

describe('due dates', () => {
  // [name, events, today, correction notice due (receipt + 7), reply due]
  const cases: Array<[string, ClockEvent[], string, string, string | null]> = [
    // 03-04..07 = 1–4, 03-10..12 = 5–7; 03-10..14 = 5–9, 17–21 = 10–14, 24–28 = 15–19, 03-31 = 20.
    ['ordinary month', [received('2025-03-03')], '2025-03-10', '2025-03-12', '2025-03-31'],
    // 01-21..24 = 1–4, 01-26 (Sun, 调休) = 5, 01-27 = 6, 01-28..02-04 春节 off, 02-05 = 7 …
    // 02-05..07 = 7–9, 02-08 (Sat, 调休) = 10, 02-10..14 = 11–15, 02-17..21 = 16–20.
    ['Spring Festival 2025', [received('2025-01-20')], '2025-01-21', '2025-02-05', '2025-02-21'],
    // Receipt on a holiday: online, confirmed on National Day 2025-10-03; 10-09 = 1, 10-10 = 2,
    // 10-11 (Sat, 调休) = 3, 10-13..17 = 4–8 (notice due 10-16 = 7), 20–24 = 9–13, 27–31 = 14–18,
    // 11-03 = 19, 11-04 = 20.
    ['receipt on a holiday', [{ type: 'received', channel: 'online', date: '2025-10-02', confirmed: '2025-10-03' }], '2025-10-10', '2025-10-16', '2025-11-04'],
    // 2020: Spring Festival extended to 02-02 (01-24..02-02 off). Receipt on the make-up Sunday 01-19:
    // notice: 01-20..23 = 1–4, 02-03..05 = 5–7;
    // reply: 01-20..23 = 1–4, 02-03..07 = 5–9, 02-10..14 = 10–14, 02-17..21 = 15–19, 02-24 = 20.
    ['extended Spring Festival 2020, receipt on the Sunday make-up day', [received('2020-01-19')], '2020-01-20', '2020-02-05', '2020-02-24'],
  ];
  for (const [name, events, today, noticeDue, replyDue] of cases) {
    test(name, () => {
      const r = run(events, today);
      assert.equal(r.correction.noticeDue.date, noticeDue);
      assert.equal(r.reply.due?.date ?? null, replyDue);
      assert.equal(r.provisional, false);
      assert.deepEqual(r.violations, []);
    });
  }

  test('every date explains itself: rule, steps, text listing the skipped days and why', () => {
    const r = run([received('2025-01-20')], '2025-01-21');
    const due = r.reply.due!;
    assert.match(due.rule, /条例第33条/);
    assert.equal(
      due.text,
      '自2025年1月20日（收到申请）次日起算，答复期限20个工作日（条例第33条第一款）；2025年1月21日至2月21日计20个工作日；' +
        '第20个工作日为2025年2月21日（星期五），即答复期限届满之日。' +
        '期间不计：周末 2025年1月25日、2025年2月9日、2025年2月15日至16日；春节假期 2025年1月28日至2月4日（8天）。' +
        '调休上班计入：2025年1月26日（星期日，春节调休上班）、2025年2月8日（星期六，春节调休上班）。',
    );
    assert.deepEqual(
      due.steps.map((s) => s.kind),
      ['start', 'count', 'end'],
    );
    const count = due.steps[1]!;
    assert.ok(count.kind === 'count');
    assert.equal(count.workingDays, 20);
    assert.deepEqual(
      count.runs.map((x) => x.reason),
      ['周末', '调休上班（春节）', '春节假期', '调休上班（春节）', '周末', '周末'],
    );
    const notice = r.correction.noticeDue;
    assert.match(notice.rule, /条例第30条/);
    assert.match(notice.text, /^自2025年1月20日（收到申请）次日起算7个工作日，第7个工作日为2025年2月5日（星期三），即告知补正的最后期限。/);
    assert.match(r.receipt.rule, /条例第31条/);
    assert.equal(r.receipt.date, '2025-01-20');
  });
});

// ---------------------------------------------------------------------------------------------
// Correction (第30条)

describe('correction (条例第30条)', () => {
  test('restart from the corrected application', () => {
    // Corrected application 03-14 (Fri): 03-17..21 = 1–5, 24–28 = 6–10, 03-31..04-03 = 11–14,
    // 04-04..06 清明 off, 04-07..11 = 15–19, 04-14 = 20.
    const r = run(
      [
        received('2025-03-03'),
        { type: 'correction_requested', date: '2025-03-07', deadline: '2025-03-21' },
        { type: 'correction_received', date: '2025-03-14' },
      ],
      '2025-03-17',
    );
    assert.equal(r.reply.start, '2025-03-14');
    assert.equal(r.reply.startLabel, '收到补正后的申请');
    assert.equal(r.reply.due?.date, '2025-04-14');
    assert.match(r.reply.due!.text, /^自2025年3月14日（收到补正后的申请）次日起算/);
    assert.match(r.reply.due!.text, /清明节假期 2025年4月4日至6日（3天）/);
    assert.match(r.reply.due!.rule, /第30条/);
    assert.equal(r.correction.noticeLate, false);
    assert.equal(r.correction.requestedOn, '2025-03-07');
    assert.equal(r.correction.deadline, '2025-03-21');
    assert.equal(r.correction.receivedOn, '2025-03-14');
    assert.equal(r.status, 'on_time');
    assert.equal(r.reply.usedWorkingDays, 1);
  });

  test('a correction notice after the 7th working day is a violation', () => {
    const r = run([received('2025-03-03'), { type: 'correction_requested', date: '2025-03-13' }], '2025-03-13');
    assert.equal(r.correction.noticeDue.date, '2025-03-12');
    assert.equal(r.correction.noticeLate, true);
    assert.deepEqual(r.violations.map((v) => v.code), ['late_correction_notice']);
    assert.match(r.violations[0]!.text, /晚于条例第30条规定的7个工作日/);
    // A notice on the 7th working day itself is on time.
    assert.equal(run([received('2025-03-03'), { type: 'correction_requested', date: '2025-03-12' }], '2025-03-12').correction.noticeLate, false);
  });

  test('waiting for the correction: paused, reply due unknown; past the deadline: a warning', () => {
    const events: ClockEvent[] = [received('2025-03-03'), { type: 'correction_requested', date: '2025-03-05', deadline: '2025-03-19' }];
    const r = run(events, '2025-03-10');
    assert.equal(r.status, 'paused');
    assert.equal(r.reply.due, null);
    assert.equal(r.reply.start, null);
    assert.match(r.reply.pending!, /自收到补正之日起重新计算/);
    assert.deepEqual(r.warnings, []);
    const late = run(events, '2025-03-20');
    assert.equal(late.status, 'paused');
    assert.match(late.warnings[0]!, /补正期限2025年3月19日已过.*视为放弃申请/);
  });

  test('lapsed correction closes the application', () => {
    const r = run(
      [received('2025-03-03'), { type: 'correction_requested', date: '2025-03-05', deadline: '2025-03-19' }, { type: 'correction_lapsed', date: '2025-03-20' }],
      '2025-04-30',
    );
    assert.equal(r.status, 'closed');
    assert.equal(r.closedBy, 'correction_lapsed');
    assert.equal(r.correction.lapsedOn, '2025-03-20');
    assert.equal(r.reply.due, null);
    assert.equal(r.reply.remainingWorkingDays, null);
    assert.match(r.reply.pending!, /视为放弃申请/);
    assert.match(r.statusText, /已终止/);
  });

  test('a correction received after the deadline is accepted with a warning', () => {
    const r = run(
      [received('2025-03-03'), { type: 'correction_requested', date: '2025-03-05', deadline: '2025-03-10' }, { type: 'correction_received', date: '2025-03-12' }],
      '2025-03-12',
    );
    assert.equal(r.reply.start, '2025-03-12');
    assert.match(r.warnings.join(), /晚于补正期限/);
  });
});

// ---------------------------------------------------------------------------------------------
// Suspensions (第32–34条, 109号)

describe('suspensions', () => {
  test('a third-party consultation spanning National Day 2025', () => {
    // Receipt 09-15 (Mon). 09-16..19 = 1–4, 09-22 (the day the clock stops, counted) = 5.
    // Stopped (09-22, 10-20]: 09-23..26, 09-28 (Sun 调休), 09-29..30, 10-09..10, 10-11 (Sat 调休),
    // 10-13..17, 10-20 = 16 working days not counted.
    // Restart 10-21: 10-21..24 = 6–9, 10-27..31 = 10–14, 11-03..07 = 15–19, 11-10 = 20.
    const events: ClockEvent[] = [
      received('2025-09-15'),
      { type: 'suspended', date: '2025-09-22', reason: 'third_party' },
      { type: 'third_party_letter_received', date: '2025-09-24' },
      { type: 'resumed', date: '2025-10-20', reason: 'third_party' },
    ];
    const r = run(events, '2025-10-27');
    assert.equal(r.reply.due?.date, '2025-11-10');
    const steps = r.reply.due!.steps;
    assert.deepEqual(
      steps.map((s) => s.kind),
      ['start', 'count', 'pause', 'count', 'end'],
    );
    const pause = steps[2]!;
    assert.ok(pause.kind === 'pause');
    assert.deepEqual([pause.from, pause.until, pause.workingDaysExcluded, pause.reasons], ['2025-09-22', '2025-10-20', 16, ['third_party']]);
    assert.match(r.reply.due!.text, /2025年9月22日暂停计时（当日计入；征求第三方意见，所需时间不计算在答复期限内，条例第33条第二款），2025年10月20日恢复（当日不计，次日起继续计算），其间16个工作日不计/);
    assert.match(r.reply.due!.text, /2025年9月16日至22日计5个工作日/);
    assert.match(r.reply.due!.text, /2025年10月21日至11月10日计15个工作日/);
    // Status: used 5 + 10-21..24, 10-27 = 10; remaining 10-28..31, 11-03..07, 11-10 = 10.
    assert.equal(r.reply.usedWorkingDays, 10);
    assert.equal(r.reply.remainingWorkingDays, 10);
    assert.equal(r.status, 'on_time');
    // The third party's own deadline (第32条): 09-25..26 = 1–2, 09-28 (Sun 调休) = 3, 09-29..30 = 4–5,
    // 10-01..08 off, 10-09..10 = 6–7, 10-11 (Sat 调休) = 8, 10-13..17 = 9–13, 10-20 = 14, 10-21 = 15.
    assert.equal(r.deadlines.length, 1);
    assert.equal(r.deadlines[0]!.kind, 'third_party_opinion');
    assert.equal(r.deadlines[0]!.due.date, '2025-10-21');
    assert.match(r.deadlines[0]!.due.rule, /条例第32条/);
    assert.equal(r.deadlines[0]!.passed, true);
    assert.deepEqual(r.suspensions, [{ reason: 'third_party', from: '2025-09-22', until: '2025-10-20' }]);
  });

  test('an open suspension: paused, due unknown, remaining working days reported', () => {
    // 03-04..07 = 1–4, 03-10 = 5 → 15 left.
    const events: ClockEvent[] = [
      received('2025-03-03'),
      { type: 'suspended', date: '2025-03-10', reason: 'other_agency' },
      { type: 'other_agency_consulted', date: '2025-03-11' },
    ];
    const r = run(events, '2025-03-20');
    assert.equal(r.status, 'paused');
    assert.equal(r.reply.due, null);
    assert.equal(r.reply.remainingWorkingDays, 15);
    assert.match(r.statusText, /暂停计时（征求其他机关意见，尚余15个工作日）/);
    assert.match(r.reply.pending!, /尚未恢复；已计5个工作日，尚余15个工作日/);
    // The consulted agency's deadline (第34条): 03-12..14 = 1–3, 17–21 = 4–8, 24–28 = 9–13, 03-31 = 14, 04-01 = 15.
    assert.equal(r.deadlines[0]!.due.date, '2025-04-01');
    assert.match(r.deadlines[0]!.due.rule, /条例第34条.*视为同意/);
    assert.deepEqual(r.warnings, []);
    const later = run(events, '2025-04-02');
    assert.match(later.warnings.join(), /视为同意公开（条例第34条），请恢复计时/);
  });

  test('a fee suspension (109号), and the payment deadline', () => {
    // Receipt 06-03 (Tue; 端午 05-31..06-02 is before). 06-04..06 = 1–3, 06-09 = 4.
    // Stopped (06-09, 06-20]. Restart: 06-23..27 = 5–9, 06-30 = 10, 07-01..04 = 11–14, 07-07..11 = 15–19, 07-14 = 20.
    const events: ClockEvent[] = [
      received('2025-06-03'),
      { type: 'suspended', date: '2025-06-09', reason: 'fee' },
      { type: 'fee_notice_received', date: '2025-06-10' },
      { type: 'resumed', date: '2025-06-20', reason: 'fee' },
    ];
    const r = run(events, '2025-06-23');
    assert.equal(r.reply.due?.date, '2025-07-14');
    assert.match(r.reply.due!.text, /等待申请人缴纳信息处理费，自收费通知至缴费的时间不计算在答复期限内，国办函〔2020〕109号/);
    // Payment due 20 working days (verify) after the notice: 06-11..13 = 1–3, 16–20 = 4–8, 23–27 = 9–13,
    // 06-30 = 14, 07-01..04 = 15–18, 07-07 = 19, 07-08 = 20.
    assert.equal(FEE_PAYMENT_WORKING_DAYS, 20);
    const fee = r.deadlines.find((x) => x.kind === 'fee_payment')!;
    assert.equal(fee.due.date, '2025-07-08');
    assert.match(fee.due.rule, /109号/);
    // Configurable
    const r10 = run(events, '2025-06-23', { feePaymentDays: 10 });
    assert.equal(r10.deadlines[0]!.due.date, '2025-06-24');
  });

  test('unpaid fee: warning after the deadline, then fee_lapsed closes the application', () => {
    const events: ClockEvent[] = [
      received('2025-06-03'),
      { type: 'suspended', date: '2025-06-09', reason: 'fee' },
      { type: 'fee_notice_received', date: '2025-06-10' },
    ];
    assert.match(run(events, '2025-07-09').warnings.join(), /缴费期限已于2025年7月8日届满.*fee_lapsed/);
    const r = run([...events, { type: 'fee_lapsed', date: '2025-07-09' }], '2025-07-10');
    assert.equal(r.status, 'closed');
    assert.equal(r.closedBy, 'fee_lapsed');
    assert.deepEqual(r.suspensions, [{ reason: 'fee', from: '2025-06-09', until: '2025-07-09' }]);
  });

  test('overlapping suspensions are counted once', () => {
    // Union (03-10, 03-25]. Used 5 at 03-10. Restart: 03-26..28 = 6–8, 03-31..04-03 = 9–12,
    // 04-04..06 清明, 04-07..11 = 13–17, 04-14..16 = 18–20.
    const r = run(
      [
        received('2025-03-03'),
        { type: 'suspended', date: '2025-03-10', reason: 'third_party' },
        { type: 'suspended', date: '2025-03-14', reason: 'other_agency' },
        { type: 'resumed', date: '2025-03-20', reason: 'third_party' },
        { type: 'resumed', date: '2025-03-25', reason: 'other_agency' },
      ],
      '2025-03-26',
    );
    assert.equal(r.reply.due?.date, '2025-04-16');
    const pause = r.reply.due!.steps.find((s) => s.kind === 'pause')!;
    assert.ok(pause.kind === 'pause');
    assert.deepEqual(pause.reasons, ['third_party', 'other_agency']);
    assert.equal(pause.until, '2025-03-25');
  });

  test('a reply during a suspension ends it', () => {
    const r = run([received('2025-03-03'), { type: 'suspended', date: '2025-03-10', reason: 'third_party' }, { type: 'replied', date: '2025-04-20' }], '2025-05-01');
    assert.equal(r.status, 'replied_on_time');
    assert.deepEqual(r.suspensions, [{ reason: 'third_party', from: '2025-03-10', until: '2025-04-20' }]);
    assert.equal(r.reply.late, false);
  });

  test('suspended after the due date: still overdue', () => {
    const r = run([received('2025-03-03'), { type: 'suspended', date: '2025-04-02', reason: 'fee' }], '2025-04-03');
    assert.equal(r.reply.due?.date, '2025-03-31');
    assert.equal(r.status, 'overdue');
  });
});

// ---------------------------------------------------------------------------------------------
// Extension (第33条)

describe('extension (条例第33条)', () => {
  // Receipt 2024-12-02 (Mon): 12-03..06 = 1–4, 09–13 = 5–9, 16–20 = 10–14, 23–27 = 15–19, 12-30 = 20.
  // +20: 12-31 = 21, 2025-01-01 元旦 off, 01-02..03 = 22–23, 06–10 = 24–28, 13–17 = 29–33,
  // 20–24 = 34–38, 01-26 (Sun, 春节调休) = 39, 01-27 = 40.
  test('an extension across New Year, decided in time', () => {
    const r = run(
      [received('2024-12-02'), { type: 'extended', date: '2024-12-27', days: 20, approvedBy: '办公室主任' }],
      '2025-01-06',
    );
    assert.equal(r.reply.limit, 40);
    assert.equal(r.reply.extensionDays, 20);
    assert.equal(r.reply.due?.date, '2025-01-27');
    assert.deepEqual(r.extension, { date: '2024-12-27', days: 20, approvedBy: '办公室主任', mustDecideBy: '2024-12-30', timely: true });
    assert.deepEqual(r.violations, []);
    assert.deepEqual(r.warnings, []);
    const text = r.reply.due!.text;
    assert.match(text, /经办公室主任同意延长20个工作日，共40个工作日/);
    assert.match(text, /元旦假期 2025年1月1日（1天）/);
    assert.match(text, /2025年1月26日（星期日，春节调休上班）/);
    assert.ok(r.reply.due!.steps.some((s) => s.kind === 'extend' && s.days === 20));
  });

  test('an extension decided after the due date: explicit violation, limit still extended', () => {
    const r = run([received('2024-12-02'), { type: 'extended', date: '2024-12-31', days: 20, approvedBy: '办公室主任' }], '2025-01-06');
    assert.equal(r.reply.due?.date, '2025-01-27');
    assert.equal(r.extension?.timely, false);
    assert.deepEqual(r.violations.map((v) => v.code), ['late_extension']);
    assert.match(r.violations[0]!.text, /晚于原答复期限届满之日2024年12月30日/);
  });

  test('an extension decided on the due date itself is in time', () => {
    const r = run([received('2024-12-02'), { type: 'extended', date: '2024-12-30', days: 5, approvedBy: '主任' }], '2024-12-30');
    assert.equal(r.extension?.timely, true);
    // 12-31 = 21, 01-02..03 = 22–23, 01-06..07 = 24–25
    assert.equal(r.reply.due?.date, '2025-01-07');
  });

  test('no approver recorded: a warning', () => {
    const r = run([received('2024-12-02'), { type: 'extended', date: '2024-12-20', days: 10 }], '2024-12-20');
    assert.match(r.warnings.join(), /未记录批准人/);
  });

  test('extension after a suspension: the decision deadline accounts for the stopped time', () => {
    // Receipt 2025-03-03; stopped (03-10, 03-25] (used 5); original due: 03-26..28 = 6–8,
    // 03-31..04-03 = 9–12, 04-07..11 = 13–17, 04-14..16 = 18–20 → 04-16. Decided 04-15: in time.
    const r = run(
      [
        received('2025-03-03'),
        { type: 'suspended', date: '2025-03-10', reason: 'third_party' },
        { type: 'resumed', date: '2025-03-25', reason: 'third_party' },
        { type: 'extended', date: '2025-04-15', days: 20, approvedBy: '主任' },
      ],
      '2025-04-15',
    );
    assert.equal(r.extension?.mustDecideBy, '2025-04-16');
    assert.equal(r.extension?.timely, true);
  });
});

// ---------------------------------------------------------------------------------------------
// Status at today

describe('status boundaries', () => {
  // Receipt 2025-03-03, due 2025-03-31 (Monday).
  const base: ClockEvent[] = [received('2025-03-03')];
  const cases: Array<[string, number | undefined, string, number | null, RegExp]> = [
    ['2025-03-03', undefined, 'on_time', 20, /剩余20个工作日/],
    ['2025-03-21', undefined, 'on_time', 6, /剩余6个工作日，2025年3月31日届满/],
    ['2025-03-23', undefined, 'on_time', 6, /剩余6个工作日/], // Sunday
    ['2025-03-24', undefined, 'due_soon', 5, /即将到期（剩余5个工作日/],
    ['2025-03-28', undefined, 'due_soon', 1, /剩余1个工作日/],
    ['2025-03-31', undefined, 'due_soon', 0, /今天是答复期限的最后一天/],
    ['2025-04-01', undefined, 'overdue', -1, /已逾期1个工作日/],
    ['2025-04-05', undefined, 'overdue', -3, /已逾期3个工作日/], // 清明 (Saturday)
    ['2025-03-28', 0, 'on_time', 1, /办理中/],
    ['2025-03-31', 0, 'due_soon', 0, /最后一天/],
    ['2025-03-21', 6, 'due_soon', 6, /即将到期/],
  ];
  for (const [today, dueSoonDays, status, remaining, text] of cases) {
    test(`${today}${dueSoonDays !== undefined ? ` (dueSoonDays ${dueSoonDays})` : ''} → ${status}`, () => {
      const r = run(base, today, dueSoonDays === undefined ? {} : { dueSoonDays });
      assert.equal(r.status, status);
      assert.equal(r.reply.remainingWorkingDays, remaining);
      assert.match(r.statusText, text);
      assert.equal(r.today, today);
    });
  }

  test('overdue is a violation', () => {
    const r = run(base, '2025-04-01');
    assert.deepEqual(r.violations.map((v) => v.code), ['overdue']);
  });

  test('replied on the due date: on time; the next working day: late', () => {
    const onTime = run([...base, { type: 'replied', date: '2025-03-31' }], '2025-04-10');
    assert.equal(onTime.status, 'replied_on_time');
    assert.equal(onTime.reply.late, false);
    assert.equal(onTime.reply.repliedOn, '2025-03-31');
    assert.equal(onTime.reply.usedWorkingDays, 20);
    assert.equal(onTime.reply.remainingWorkingDays, null);
    const late = run([...base, { type: 'replied', date: '2025-04-01' }], '2025-04-10');
    assert.equal(late.status, 'replied_late');
    assert.equal(late.reply.late, true);
    assert.match(late.statusText, /逾期答复（逾期1个工作日）/);
    assert.deepEqual(late.violations.map((v) => v.code), ['late_reply']);
  });

  test('withdrawn: closed', () => {
    const r = run([...base, { type: 'withdrawn', date: '2025-03-05' }], '2025-04-10');
    assert.equal(r.status, 'closed');
    assert.equal(r.closedBy, 'withdrawn');
    assert.equal(r.reply.usedWorkingDays, 2);
  });

  test('today defaults to the current date in China', () => {
    const r = computeClocks([received('2025-03-03')], { calendar: cal });
    assert.match(r.today, /^\d{4}-\d{2}-\d{2}$/);
  });
});

// ---------------------------------------------------------------------------------------------
// Beyond the calendar

describe('provisional results beyond the calendar years', () => {
  // Receipt 2026-12-10 (Thu): 12-11 = 1, 14–18 = 2–6, 21–25 = 7–11, 28–31 = 12–15,
  // 2027-01-01 (Fri, assumed a working day) = 16, 01-04..07 = 17–20.
  test('computed from Monday–Friday, marked provisional with a Chinese warning', () => {
    const r = run([received('2026-12-10')], '2026-12-15');
    assert.equal(r.reply.due?.date, '2027-01-07');
    assert.equal(r.reply.due?.provisional, true);
    assert.equal(r.provisional, true);
    assert.match(r.warnings[0]!, /^警告：2027年节假日安排尚未录入，结果按周一至周五推算/);
    assert.match(r.reply.due!.text, /推算：2027年节假日安排尚未录入/);
    // The correction notice due date (12-21) stays inside 2026: not provisional.
    assert.equal(r.correction.noticeDue.date, '2026-12-21');
    assert.equal(r.correction.noticeDue.provisional, false);
  });

  test('with 2027 data added, the same case is exact', () => {
    const with2027 = cal.withYearsOf(
      WorkCalendar.fromData(
        { years: { '2027': { notices: ['（虚构示例）'], holidays: [{ name: '元旦', off: ['2027-01-01', '2027-01-03'], work: [] }] } } },
        'test.json',
      ),
    );
    const r = computeClocks([received('2026-12-10')], { calendar: with2027, today: '2026-12-15' });
    assert.equal(r.reply.due?.date, '2027-01-08');
    assert.equal(r.provisional, false);
    assert.deepEqual(r.warnings, []);
  });

  test('a status computed in an uncovered year is provisional too', () => {
    const r = run([received('2026-12-28')], '2027-01-05');
    assert.equal(r.provisional, true);
    assert.equal(r.status, 'on_time');
  });
});

// ---------------------------------------------------------------------------------------------
// Invalid sequences

describe('invalid event sequences (ClockInputError)', () => {
  const r0 = received('2025-03-03');
  const cases: Array<[string, unknown[], string, number | undefined, string?]> = [
    ['no events', [], '没有任何事件', undefined],
    ['first event not received', [{ type: 'replied', date: '2025-03-03' }], '第1个事件应为 received', 0],
    ['received twice', [r0, received('2025-03-04')], '申请只能收到一次', 1],
    ['unknown event type', [r0, { type: 'lost', date: '2025-03-04' }], '事件类型无效', 1],
    ['malformed date', [r0, { type: 'replied', date: '2025-3-4' }], '日期无效', 1],
    ['missing date', [r0, { type: 'replied' }], '日期（date）缺失', 1],
    ['date before receipt', [r0, { type: 'replied', date: '2025-03-01' }], '早于收到申请之日', 1],
    [
      'events out of order',
      [r0, { type: 'suspended', date: '2025-03-10', reason: 'fee' }, { type: 'resumed', date: '2025-03-07', reason: 'fee' }],
      '早于前一个事件的日期',
      2,
    ],
    ['correction received without request', [r0, { type: 'correction_received', date: '2025-03-05' }], '应先有 correction_requested', 1],
    [
      'second correction request',
      [r0, { type: 'correction_requested', date: '2025-03-04' }, { type: 'correction_received', date: '2025-03-05' }, { type: 'correction_requested', date: '2025-03-06' }],
      '一次性告知',
      3,
    ],
    ['correction requested while suspended', [r0, { type: 'suspended', date: '2025-03-04', reason: 'third_party' }, { type: 'correction_requested', date: '2025-03-05' }], '暂停计时期间', 2],
    ['correction deadline before the request', [r0, { type: 'correction_requested', date: '2025-03-05', deadline: '2025-03-04' }], '补正期限 2025-03-04 早于告知补正之日', 1],
    ['correction lapsed before the deadline', [r0, { type: 'correction_requested', date: '2025-03-05', deadline: '2025-03-19' }, { type: 'correction_lapsed', date: '2025-03-19' }], '尚未届满', 2],
    ['correction lapsed without request', [r0, { type: 'correction_lapsed', date: '2025-03-19' }], '应先有 correction_requested', 1],
    ['suspended twice for the same reason', [r0, { type: 'suspended', date: '2025-03-04', reason: 'fee' }, { type: 'suspended', date: '2025-03-05', reason: 'fee' }], '尚未恢复', 2],
    ['resumed without suspension', [r0, { type: 'resumed', date: '2025-03-04', reason: 'fee' }], '没有因「等待申请人缴纳信息处理费」（fee）而暂停的计时', 1],
    ['resumed with another reason', [r0, { type: 'suspended', date: '2025-03-04', reason: 'fee' }, { type: 'resumed', date: '2025-03-05', reason: 'third_party' }], '征求第三方意见', 2],
    ['invalid reason', [r0, { type: 'suspended', date: '2025-03-04', reason: 'holiday' }], '暂停原因「holiday」无效', 1],
    ['suspended while waiting for the correction', [r0, { type: 'correction_requested', date: '2025-03-04' }, { type: 'suspended', date: '2025-03-05', reason: 'fee' }], '等待补正期间', 2],
    [
      'second extension',
      [r0, { type: 'extended', date: '2025-03-10', days: 10, approvedBy: 'a' }, { type: 'extended', date: '2025-03-11', days: 5, approvedBy: 'a' }],
      '只能延长一次',
      2,
    ],
    ['extension over 20 days', [r0, { type: 'extended', date: '2025-03-10', days: 21 }], '最长不得超过20个工作日', 1],
    ['extension of 0 days', [r0, { type: 'extended', date: '2025-03-10', days: 0 }], '延长天数应为正整数', 1],
    ['extension of 2.5 days', [r0, { type: 'extended', date: '2025-03-10', days: 2.5 }], '延长天数应为正整数', 1],
    ['extension while waiting for the correction', [r0, { type: 'correction_requested', date: '2025-03-04' }, { type: 'extended', date: '2025-03-05', days: 5 }], '不能延长', 2],
    ['an event after the reply', [r0, { type: 'replied', date: '2025-03-10' }, { type: 'extended', date: '2025-03-11', days: 5 }], '已于2025-03-10因「答复」终止', 2],
    ['an event after a lapsed correction', [r0, { type: 'correction_requested', date: '2025-03-04', deadline: '2025-03-05' }, { type: 'correction_lapsed', date: '2025-03-06' }, { type: 'replied', date: '2025-03-07' }], '终止', 3],
    ['reply while waiting for the correction', [r0, { type: 'correction_requested', date: '2025-03-04' }, { type: 'replied', date: '2025-03-05' }], '尚在等待申请人补正', 2],
    ['fee lapsed without a fee suspension', [r0, { type: 'fee_lapsed', date: '2025-03-05' }], '没有因收费而暂停的计时', 1],
    [
      'fee lapsed before the payment deadline',
      [r0, { type: 'suspended', date: '2025-03-04', reason: 'fee' }, { type: 'fee_notice_received', date: '2025-03-05' }, { type: 'fee_lapsed', date: '2025-04-02' }],
      '缴费期限 2025-04-02 尚未届满',
      3,
    ],
    ['second fee notice', [r0, { type: 'fee_notice_received', date: '2025-03-05' }, { type: 'fee_notice_received', date: '2025-03-06' }], '已有收费通知', 2],
    ['received without confirmation (online)', [{ type: 'received', channel: 'online', date: '2025-03-03' }], 'confirmed', 0],
    ['invalid channel', [{ type: 'received', channel: 'phone', date: '2025-03-03' }], '提交渠道「phone」无效', 0],
  ];
  for (const [name, events, fragment, index] of cases) {
    test(name, () => {
      assert.throws(
        () => run(events as ClockEvent[], '2025-06-30'),
        (e: unknown) => {
          assert.ok(e instanceof ClockInputError, String(e));
          assert.ok(e.message.includes(fragment), `message lacks 「${fragment}」: ${e.message}`);
          assert.equal(e.eventIndex, index);
          return true;
        },
      );
    });
  }

  test('today before the last event', () => {
    assert.throws(() => run([r0, { type: 'replied', date: '2025-03-10' }], '2025-03-09'), /计算日期（today）2025-03-09 早于最后一个事件的日期 2025-03-10/);
    assert.throws(() => run([r0], '2025-03-02'), ClockInputError);
    assert.throws(() => run([r0], '2025-13-01'), /计算日期（today）/);
  });

  test('bad options', () => {
    assert.throws(() => run([r0], '2025-03-04', { dueSoonDays: -1 }), /dueSoonDays/);
    assert.throws(() => run([r0], '2025-03-04', { feePaymentDays: 0 }), /feePaymentDays/);
  });

  test('a received event confirmed later moves the receipt date; earlier events are rejected', () => {
    const r = run([{ type: 'received', channel: 'post_ordinary', date: '2025-03-03', confirmed: '2025-03-05' }], '2025-03-05');
    assert.equal(r.receipt.date, '2025-03-05');
    assert.deepEqual(r.violations.map((v) => v.code), ['late_confirmation']);
    // 03-06..07 = 1–2, 03-10..14 = 3–7
    assert.equal(r.correction.noticeDue.date, '2025-03-14');
  });
});
