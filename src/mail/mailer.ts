/**
 * Outgoing e-mail over SMTP (nodemailer), configured by GONGKAI_SMTP_URL and GONGKAI_MAIL_FROM
 * (config.ts MailConfig). Plain-text messages only; every address is checked (mail/address.ts)
 * before it reaches a header. One pooled connection per run of messages, closed afterwards;
 * timeouts bound how long an unreachable server can hold a run. A failure is returned to the
 * caller as an error with a Chinese message (never the password), so that it can be recorded.
 */
import nodemailer from 'nodemailer';
import type { MailConfig } from '../config.js';
import { isMailAddress } from './address.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(m: MailMessage): Promise<void>;
  /** Closes the connection(s); the mailer cannot send afterwards. */
  close(): void;
}

export class MailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailError';
  }
}

/** Seconds an SMTP server may take to answer (connection, greeting, any command). */
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };

/** A mailer sending through the configured SMTP server. */
export function smtpMailer(cfg: MailConfig): Mailer {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    requireTLS: cfg.starttls === 'required',
    ignoreTLS: cfg.starttls === 'off',
    ...(cfg.user !== undefined ? { auth: { user: cfg.user, pass: cfg.password ?? '' } } : {}),
    ...TIMEOUTS,
    // No logging of the conversation (it would include the addresses and the AUTH exchange).
    logger: false,
    debug: false,
  });
  return {
    async send(m) {
      if (!isMailAddress(m.to)) throw new MailError(`收件地址无效：${m.to}`);
      if (/[\r\n]/.test(m.subject)) throw new MailError('邮件主题不能包含换行');
      try {
        await transport.sendMail({
          from: cfg.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        });
      } catch (e) {
        throw new MailError(describeSmtpError(e, cfg));
      }
    },
    close() {
      transport.close();
    },
  };
}

/** A short Chinese reason for an SMTP failure (the server's answer kept, credentials never). */
export function describeSmtpError(e: unknown, cfg: Pick<MailConfig, 'host' | 'port' | 'password'>): string {
  const err = e as { code?: string; originalCode?: string; syscall?: string; command?: string; responseCode?: number; response?: string; message?: string };
  const where = `${cfg.host}:${cfg.port}`;
  let text: string;
  // A socket error while connecting carries the system's code as originalCode (nodemailer ESOCKET).
  const code = err.code === 'ESOCKET' && (err.command === 'CONN' || err.syscall === 'connect') ? (err.originalCode ?? 'ECONNECTION') : err.code;
  switch (code) {
    case 'ECONNECTION':
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      text = `无法连接邮件服务器 ${where}`;
      break;
    case 'ETIMEDOUT':
      text = `连接邮件服务器 ${where} 超时`;
      break;
    case 'EDNS':
    case 'ENOTFOUND':
      text = `找不到邮件服务器 ${where}`;
      break;
    case 'EAUTH':
      text = `邮件服务器 ${where} 拒绝了用户名或密码`;
      break;
    case 'ETLS':
      text = `与邮件服务器 ${where} 建立加密连接失败`;
      break;
    case 'EENVELOPE':
      text = `邮件服务器 ${where} 拒绝了发件人或收件人`;
      break;
    default:
      text = `发送失败（${where}）`;
  }
  const detail = (err.response ?? err.message ?? '').replace(/\s+/g, ' ').trim();
  let out = detail ? `${text}：${detail}` : text;
  if (cfg.password) out = out.split(cfg.password).join('***');
  return out.length > 500 ? `${out.slice(0, 499)}…` : out;
}
