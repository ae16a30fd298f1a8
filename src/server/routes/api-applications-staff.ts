/**
 * The staff JSON API of the application desk (/api/v1, session cookie + x-csrf-token):
 *
 *   GET  /applications                       the work queue (same filters as the back office)
 *   GET  /applications/:id                   the case (StaffApplicationView)
 *   POST /applications/register              staff intake (returns the 查询码 once); not POST
 *                                            /applications: that is the public online form (api-public.ts)
 *   POST /applications/:id/actions/:event    one operation per event, body with `version`
 *
 * The same service calls as the HTML pages: 422 {error, fields} for bad input, 409 for a stale
 * version (ConflictError) or a refused transition (StateError), 403 without the permission, 404
 * for a case the actor may not read (its existence is not revealed).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EVENT_LABELS, TRANSITIONS, TRANSITION_EVENTS } from '../../applications/application.js';
import { staffApplicationSchema, workQueueSchema } from '../../applications/application.schema.js';
import { registerByStaff, workQueue } from '../../applications/application.service.js';
import { defineEndpoint } from '../api.js';
import { ACTIONS, assertReadable, parseId, serviceDeps, staffView } from '../views/applications/desk.js';

const StateOut = z.object({ id: z.string(), label: z.string(), closed: z.boolean() });
const ClockStatusOut = z.enum(['paused', 'on_time', 'due_soon', 'overdue', 'replied_on_time', 'replied_late', 'closed', 'unconfirmed']);
const date = () => z.string().describe('YYYY-MM-DD');

export const QueueItemOut = z.object({
  id: z.number().int(),
  trackingNumber: z.string(),
  version: z.number().int(),
  agency: z.object({ id: z.number().int(), name: z.string() }),
  applicantName: z.string(),
  descriptionExcerpt: z.string().describe('所需信息描述的开头部分'),
  applicantTypeLabel: z.string(),
  channelLabel: z.string(),
  state: StateOut,
  submittedOn: date(),
  receivedOn: date().nullable(),
  replyDueOn: date().nullable(),
  nextDueOn: date().nullable(),
  status: ClockStatusOut,
  statusText: z.string(),
  remainingWorkingDays: z.number().int().nullable(),
  overdue: z.boolean(),
  provisional: z.boolean().describe('答复期限为推算（相关年度节假日安排尚未录入）'),
  extensionDays: z.number().int().nullable(),
  outcomeLabel: z.string().nullable(),
  closedOn: date().nullable(),
});

export const QueuePageOut = z.object({
  total: z.number().int().describe('符合条件的件数，最多数到 1000'),
  totalCapped: z.boolean().describe('为 true 时，符合条件的超过 total 件'),
  limit: z.number().int(),
  offset: z.number().int(),
  today: date(),
  items: z.array(QueueItemOut),
});

export const StaffApplicationOut = z.object({
  id: z.number().int(),
  trackingNumber: z.string(),
  version: z.number().int().describe('修改时须原样提交（乐观并发控制）'),
  agency: z.object({ id: z.number().int(), name: z.string() }),
  state: StateOut,
  channel: z.object({ id: z.string(), label: z.string() }),
  applicant: z.object({
    type: z.string(),
    typeLabel: z.string(),
    name: z.string(),
    idType: z.string(),
    idTypeLabel: z.string(),
    idNumber: z.string(),
    contactPerson: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    address: z.string().nullable(),
    postcode: z.string().nullable(),
  }),
  request: z.object({
    description: z.string(),
    purpose: z.string().nullable(),
    provisionForm: z.string(),
    provisionFormLabel: z.string(),
    delivery: z.string(),
    deliveryLabel: z.string(),
  }),
  dates: z.object({
    submittedOn: date(),
    confirmedOn: date().nullable(),
    receivedOn: date().nullable(),
    replyDueOn: date().nullable(),
    correctionDueOn: date().nullable(),
    nextDueOn: date().nullable(),
    closedOn: date().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  clocks: z.object({
    today: date(),
    status: ClockStatusOut,
    statusText: z.string(),
    provisional: z.boolean(),
    warnings: z.array(z.string()),
    violations: z.array(z.object({ code: z.string(), text: z.string() })),
    extensionDays: z.number().int().nullable(),
    report: z.unknown().describe('期限的完整计算（收到申请之日、补正告知期限、答复期限、延长、暂停、征求意见和缴费期限），每个日期附规则、步骤和中文说明'),
    reopened: z.unknown().describe('依复议或诉讼结果重新办理后的答复期限，或 null'),
  }),
  outcome: z
    .object({
      row: z.string(),
      label: z.string(),
      basis: z.string().nullable(),
      format: z.string().nullable(),
      ground: z
        .object({ id: z.string(), label: z.string() })
        .nullable()
        .describe('答复记录的答复依据（答复书按此出具）；未经答复结案或答复时尚未记录答复依据的为 null'),
    })
    .nullable(),
  timeline: z.array(
    z.object({
      id: z.number().int(),
      type: z.string(),
      label: z.string(),
      date: date(),
      at: z.string(),
      userName: z.string().nullable(),
      summary: z.string(),
      note: z.string().nullable(),
    }),
  ),
  reviewCases: z.array(
    z.object({
      id: z.number().int(),
      kind: z.string(),
      kindLabel: z.string(),
      filedOn: date(),
      body: z.string().nullable(),
      caseNumber: z.string().nullable(),
      result: z.string().nullable(),
      resultLabel: z.string(),
      decidedOn: date().nullable(),
      note: z.string().nullable(),
    }),
  ),
  actions: z.array(z.object({ event: z.string(), label: z.string(), permitted: z.boolean().describe('当前用户是否有权办理') })),
});

const IntakeOut = z.object({
  applicationId: z.number().int(),
  trackingNumber: z.string(),
  secret: z.string().describe('查询码：只在此返回一次，系统只保存其散列值'),
});

const StepOut = z.object({
  applicationId: z.number().int(),
  version: z.number().int().describe('新的版本号，下一次修改须提交它'),
  state: z.string(),
  eventId: z.number().int(),
  reviewCaseId: z.number().int().optional(),
});

/** An operation's body as documented: its schema's fields without applicationId (it is in the path). */
function bodyOf(schema: z.ZodObject): z.ZodObject {
  const { applicationId: _omit, ...shape } = schema.shape;
  return z.object(shape);
}

export function registerStaffApi(app: FastifyInstance): void {
  const { db } = app.deps;

  defineEndpoint(app, {
    method: 'GET',
    path: '/applications',
    summary: '工作队列：可查看机关的申请，逾期的在前，其次按期限排序',
    tag: 'applications (staff)',
    auth: 'staff',
    query: workQueueSchema,
    response: QueuePageOut,
    handler: async ({ req, actor }) => workQueue(db, serviceDeps(app), actor!, req.query),
  });

  defineEndpoint(app, {
    method: 'GET',
    path: '/applications/:id',
    summary: '申请详情（含申请人信息、期限及其说明、办理记录、可办理事项）',
    tag: 'applications (staff)',
    auth: 'staff',
    response: StaffApplicationOut,
    handler: async ({ req, actor }) => staffView(app, actor!, parseId((req.params as Record<string, unknown>).id)),
  });

  defineEndpoint(app, {
    method: 'POST',
    path: '/applications/register',
    summary: '工作人员登记当面、邮寄、传真、电子邮件提交的申请（收到申请之日按条例第31条确定）',
    tag: 'applications (staff)',
    auth: 'staff',
    body: staffApplicationSchema,
    response: IntakeOut,
    handler: async ({ req, actor }) => registerByStaff(db, serviceDeps(app), actor!, req.body),
  });

  for (const event of TRANSITION_EVENTS) {
    const rules = [...new Set(TRANSITIONS.filter((t) => t.event === event).map((t) => t.rule))].join('；');
    defineEndpoint(app, {
      method: 'POST',
      path: `/applications/:id/actions/${event}`,
      summary: `${EVENT_LABELS[event]}（${rules}）`,
      tag: 'applications (staff)',
      auth: 'staff',
      body: bodyOf(ACTIONS[event].schema),
      response: StepOut,
      handler: async ({ req, actor }) => {
        const id = parseId((req.params as Record<string, unknown>).id);
        await assertReadable(db, actor!, id);
        const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
        return ACTIONS[event].run(db, serviceDeps(app), actor!, { ...body, applicationId: id });
      },
    });
  }
}
