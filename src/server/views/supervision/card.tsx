/**
 * The back-office home's card (routes/admin.tsx): for a supervisor, the dashboard's totals with
 * a link to it; for every staff member, where the e-mail reminders go (when e-mail is configured).
 */
import type { Totals } from '../../../supervision/dashboard.js';

export interface CardProps {
  /** Null for a user who supervises nothing. */
  totals: Totals | null;
  reportYear: number;
  staleDays: number;
  mailEnabled: boolean;
  /** The user's reminder address, or null. */
  email: string | null;
}

export function SupervisionCard(p: CardProps) {
  if (!p.totals && !p.mailEnabled) return null;
  const t = p.totals;
  return (
    <>
      <h2>{t ? '督查' : '邮件提醒'}</h2>
      <ul class="action-links">
        {t ? (
          <li>
            <a href="/admin/supervision">督查看板</a>
            {t.agencies} 个机关
            {t.withProblems ? (
              <>
                ，<strong class="overdue">其中 {t.withProblems} 个存在问题</strong>（逾期申请 {t.overdue} 件，超期未发布信息 {t.catalogueOverdue} 条，专栏超过 {p.staleDays} 天未更新 {t.stale} 个，{p.reportYear}年度报告逾期或被退回 {t.reportProblems} 个，未答复投诉 {t.complaints} 件）
              </>
            ) : (
              '，均无问题'
            )}
          </li>
        ) : null}
        {p.mailEnabled ? (
          <li>
            <a href="/admin/reminders/email">提醒邮箱</a>
            {p.email ? `提醒发送到 ${p.email}` : '未设置，不接收邮件提醒'}
          </li>
        ) : null}
      </ul>
    </>
  );
}
