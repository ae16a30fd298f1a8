/**
 * The date an application counts as received (收到申请之日), by channel: 《政府信息公开条例》第31条.
 * Every clock of the application (第30条, 第33条) starts from this date.
 */
import { DateFormatError, WEEKDAY_NAMES, formatChineseDate, formatIsoDate, parseIsoDate, weekday, type DayNumber } from '../calendar/date.js';

/**
 * How the application reached the agency (第31条):
 * - in_person: 当面提交 — the day submitted (第一项);
 * - post_signed: 邮寄，须签收 — the day the agency signed for it (第二项前段);
 * - post_ordinary: 平常信函等无需签收的邮寄方式 — the day the office confirms with the applicant,
 *   which it must do on the day the letter arrives (第二项后段);
 * - online: 互联网渠道 (website form, e-mail …) — the day both sides confirm (第三项);
 * - fax: 传真 — the day both sides confirm (第三项).
 */
export type Channel = 'in_person' | 'post_signed' | 'post_ordinary' | 'online' | 'fax';

export const CHANNELS: readonly Channel[] = ['in_person', 'post_signed', 'post_ordinary', 'online', 'fax'];

export const CHANNEL_LABELS: Record<Channel, string> = {
  in_person: '当面提交',
  post_signed: '邮寄（签收）',
  post_ordinary: '平常信函',
  online: '互联网渠道',
  fax: '传真',
};

export interface ReceiptInput {
  channel: Channel;
  /**
   * The day the application arrived: submitted in person (in_person), signed for (post_signed),
   * the letter arrived (post_ordinary), sent online / by fax (online, fax). ISO YYYY-MM-DD.
   */
  date: string;
  /** The day the office and the applicant confirmed it: required for post_ordinary, online, fax. */
  confirmed?: string;
}

export interface ReceiptResult {
  /** The receipt date (ISO). */
  date: string;
  day: DayNumber;
  channel: Channel;
  /** The rule applied, citing 第31条. */
  rule: string;
  /** Why this is the receipt date, in Chinese. */
  text: string;
  /** Departures from 第31条 seen in the input (e.g. an ordinary letter confirmed days after it arrived). */
  violations: string[];
}

/** Bad input to receiptDate or computeClocks; the message is Chinese and says what is wrong. */
export class ClockInputError extends Error {
  constructor(
    message: string,
    /** 0-based index of the offending event, when the error concerns one. */
    readonly eventIndex?: number,
  ) {
    super(message);
    this.name = 'ClockInputError';
  }
}

export const RECEIPT_RULES: Record<Channel, string> = {
  in_person: '条例第31条第（一）项：申请人当面提交政府信息公开申请的，以提交之日为收到申请之日',
  post_signed: '条例第31条第（二）项：申请人以邮寄方式提交政府信息公开申请的，以行政机关签收之日为收到申请之日',
  post_ordinary:
    '条例第31条第（二）项：以平常信函等无需签收的邮寄方式提交政府信息公开申请的，政府信息公开工作机构应当于收到申请的当日与申请人确认，确认之日为收到申请之日',
  online: '条例第31条第（三）项：申请人通过互联网渠道或者政府信息公开工作机构的传真提交政府信息公开申请的，以双方确认之日为收到申请之日',
  fax: '条例第31条第（三）项：申请人通过互联网渠道或者政府信息公开工作机构的传真提交政府信息公开申请的，以双方确认之日为收到申请之日',
};

const DATE_FIELD_LABELS: Record<Channel, string> = {
  in_person: '提交日期',
  post_signed: '签收日期',
  post_ordinary: '信件收到日期',
  online: '提交日期',
  fax: '传真收到日期',
};

/** Parses an ISO date of the input, or throws ClockInputError naming the field. */
export function parseInputDate(value: unknown, what: string, eventIndex?: number): DayNumber {
  if (typeof value !== 'string' || value === '') {
    throw new ClockInputError(`${what}缺失或不是日期字符串（应为 YYYY-MM-DD）`, eventIndex);
  }
  try {
    return parseIsoDate(value);
  } catch (e) {
    if (e instanceof DateFormatError) throw new ClockInputError(`${what}：${e.message}`, eventIndex);
    throw e;
  }
}

/** The receipt date of an application by channel (《条例》第31条). */
export function receiptDate(input: ReceiptInput, eventIndex?: number): ReceiptResult {
  const channel = input?.channel;
  if (!CHANNELS.includes(channel)) {
    throw new ClockInputError(
      `提交渠道「${String(channel)}」无效，应为 ${CHANNELS.map((c) => `${c}（${CHANNEL_LABELS[c]}）`).join('、')}`,
      eventIndex,
    );
  }
  const label = CHANNEL_LABELS[channel];
  const arrived = parseInputDate(input.date, `${label}的${DATE_FIELD_LABELS[channel]}（date）`, eventIndex);
  const violations: string[] = [];
  let day = arrived;
  let text: string;
  const wd = (d: DayNumber) => WEEKDAY_NAMES[weekday(d)];
  switch (channel) {
    case 'in_person':
      text = `申请人于${formatChineseDate(arrived)}当面提交申请，以提交之日为收到申请之日`;
      break;
    case 'post_signed':
      text = `行政机关于${formatChineseDate(arrived)}签收邮寄的申请，以签收之日为收到申请之日`;
      break;
    default: {
      if (input.confirmed === undefined || input.confirmed === null || input.confirmed === '') {
        const need = channel === 'post_ordinary' ? '与申请人确认的日期' : '双方确认的日期';
        throw new ClockInputError(`${label}提交的申请须提供${need}（confirmed），收到申请之日以确认之日为准（条例第31条）`, eventIndex);
      }
      day = parseInputDate(input.confirmed, `${label}的确认日期（confirmed）`, eventIndex);
      if (day < arrived) {
        throw new ClockInputError(
          `${label}的确认日期 ${formatIsoDate(day)} 早于${DATE_FIELD_LABELS[channel]} ${formatIsoDate(arrived)}`,
          eventIndex,
        );
      }
      if (channel === 'post_ordinary') {
        text = `平常信函于${formatChineseDate(arrived)}收到，于${formatChineseDate(day)}与申请人确认，以确认之日为收到申请之日`;
        if (day > arrived) {
          violations.push(
            `平常信函于${formatChineseDate(arrived)}收到，但${formatChineseDate(day)}才与申请人确认；条例第31条第（二）项要求收到申请的当日确认`,
          );
        }
      } else {
        text = `申请于${formatChineseDate(arrived)}通过${label}提交，双方于${formatChineseDate(day)}确认，以双方确认之日为收到申请之日`;
      }
    }
  }
  text += `：${formatChineseDate(day)}（${wd(day)}）。各项期限自收到申请之日的次日起算（即使该日不是工作日）。`;
  return { date: formatIsoDate(day), day, channel, rule: RECEIPT_RULES[channel], text, violations };
}
