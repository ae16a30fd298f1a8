/** Bad input to every form, field by field: too long, missing, wrong type, malformed; all messages Chinese. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrors, parseInput, ValidationError } from '../validation.js';
import { personInput } from '../../test/support/application-fixtures.js';
import {
  extendSchema,
  isValidResidentId,
  isValidUscc,
  issueFeeNoticeSchema,
  LIMITS,
  onlineApplicationSchema,
  replySchema,
  requestCorrectionSchema,
  reopenSchema,
  staffApplicationSchema,
  startConsultationSchema,
  workQueueSchema,
} from './application.schema.js';

const HAN = /\p{Script=Han}/u;

function errors(schema: Parameters<typeof parseInput>[0], input: unknown): Record<string, string> {
  const r = schema.safeParse(input);
  assert.ok(!r.success, 'expected a validation failure');
  const f = fieldErrors(r.error);
  for (const m of Object.values(f)) assert.match(m, HAN, `not Chinese: ${m}`);
  return f;
}

const valid = personInput(1);

describe('the online form (条例第29条)', () => {
  test('a valid application parses; form strings are trimmed and converted', () => {
    const v = parseInput(onlineApplicationSchema, { ...valid, agencyId: '1', applicantName: '  王小明 ', contactEmail: ' wangxm@example.com ', purpose: '' });
    assert.equal(v.agencyId, 1);
    assert.equal(v.applicantName, '王小明');
    assert.equal(v.contactEmail, 'wangxm@example.com');
    assert.equal(v.purpose, undefined);
    assert.equal(v.idNumber, '11010519491231002X');
  });

  const tooLong: Array<[string, number, string]> = [
    ['applicantName', LIMITS.name, '申请人姓名或名称不能超过100个字'],
    ['idNumber', LIMITS.idNumber, '证件号码不能超过50个字'],
    ['contactPerson', LIMITS.contactPerson, '联系人姓名不能超过50个字'],
    ['contactPhone', LIMITS.phone, '联系电话不能超过30个字'],
    ['contactAddress', LIMITS.address, '通信地址不能超过200个字'],
    ['description', LIMITS.description, '所需政府信息的名称、文号或特征性描述不能超过5000个字'],
    ['purpose', LIMITS.purpose, '用途不能超过1000个字'],
  ];
  for (const [field, max, message] of tooLong) {
    test(`${field}: at most ${max} characters`, () => {
      const ok = onlineApplicationSchema.safeParse({ ...valid, [field]: field === 'contactPhone' ? '1'.repeat(max) : '字'.repeat(max) });
      if (field !== 'idNumber') assert.ok(ok.success || !(field in fieldErrors(ok.error)), JSON.stringify(!ok.success && fieldErrors(ok.error)));
      assert.equal(errors(onlineApplicationSchema, { ...valid, [field]: '字'.repeat(max + 1) })[field], message);
    });
  }

  test('e-mail and postcode too long or malformed', () => {
    const f = errors(onlineApplicationSchema, { ...valid, contactEmail: `${'a'.repeat(250)}@example.com`, postcode: '1234567' });
    assert.ok(f.contactEmail);
    assert.equal(f.postcode, '邮政编码不能超过6个字');
    assert.equal(errors(onlineApplicationSchema, { ...valid, postcode: '12a456' }).postcode, '邮政编码应为6位数字');
  });

  const required: Array<[string, string]> = [
    ['agencyId', '请选择受理机关'],
    ['applicantType', '请选择申请人类型'],
    ['applicantName', '请填写申请人姓名或名称'],
    ['idType', '请选择证件类型'],
    ['idNumber', '请填写证件号码'],
    ['description', '请填写所需政府信息的名称、文号或特征性描述'],
    ['provisionForm', '请选择信息的提供形式'],
    ['delivery', '请选择获取信息的方式'],
  ];
  for (const [field, message] of required) {
    test(`${field}: required (missing, empty, blank)`, () => {
      const { [field]: _omit, ...rest } = valid;
      assert.equal(errors(onlineApplicationSchema, rest)[field], message);
      assert.equal(errors(onlineApplicationSchema, { ...valid, [field]: '' })[field], message);
      if (!['agencyId', 'applicantType', 'idType', 'provisionForm', 'delivery'].includes(field)) {
        assert.equal(errors(onlineApplicationSchema, { ...valid, [field]: '   ' })[field], message);
      }
    });
  }

  test('wrong types', () => {
    const f = errors(onlineApplicationSchema, {
      ...valid,
      agencyId: 'abc',
      applicantName: 42,
      applicantType: 'company',
      description: { text: 'x' },
      contactEmail: 5,
      delivery: ['email'],
    });
    assert.equal(f.agencyId, '受理机关应为整数');
    assert.equal(f.applicantName, '申请人姓名或名称应为文字');
    assert.match(f.applicantType!, /^申请人类型「company」无效，应为：自然人（natural_person）、商业企业/);
    assert.equal(f.description, '所需政府信息的名称、文号或特征性描述应为文字');
    assert.equal(f.contactEmail, '电子邮箱应为文字');
    assert.match(f.delivery!, /获取信息的方式「email」无效/);
    assert.equal(errors(onlineApplicationSchema, { ...valid, agencyId: 1.5 }).agencyId, '受理机关应为整数');
    assert.equal(errors(onlineApplicationSchema, { ...valid, agencyId: 0 }).agencyId, '受理机关不能小于1');
    assert.equal(errors(onlineApplicationSchema, 'not an object')._form !== undefined, true);
    assert.equal(errors(onlineApplicationSchema, null)._form !== undefined, true);
  });

  test('identity documents: checksums of 居民身份证 and 统一社会信用代码', () => {
    assert.ok(isValidResidentId('11010519491231002X'));
    assert.ok(!isValidResidentId('110105194912310021'));
    assert.ok(!isValidResidentId('11010519491331002X')); // month 13
    assert.ok(!isValidResidentId('1101051949123100'));
    assert.ok(isValidUscc('91350100M000100Y43'));
    assert.ok(!isValidUscc('91350100M000100Y44'));
    assert.ok(!isValidUscc('91350100M0001OOY43')); // O is not in the alphabet
    assert.match(errors(onlineApplicationSchema, { ...valid, idNumber: '110105194912310021' }).idNumber!, /居民身份证号码不正确/);
    // lower-case x and spaces are normalised
    assert.equal(parseInput(onlineApplicationSchema, { ...valid, idNumber: '110105 19491231002x' }).idNumber, '11010519491231002X');
    const org = { ...valid, applicantType: 'commercial', applicantName: '某某科技有限公司', idType: 'uscc', idNumber: '91350100M000100Y43', contactPerson: '李经理' };
    assert.equal(parseInput(onlineApplicationSchema, org).idType, 'uscc');
    assert.match(errors(onlineApplicationSchema, { ...org, idNumber: '91350100M000100Y44' }).idNumber!, /统一社会信用代码不正确/);
    assert.equal(errors(onlineApplicationSchema, { ...org, contactPerson: '' }).contactPerson, '法人或其他组织申请的，请填写联系人姓名');
    assert.match(errors(onlineApplicationSchema, { ...org, idType: 'resident_id' }).idType!, /法人或其他组织的身份证明/);
    assert.match(errors(onlineApplicationSchema, { ...valid, idType: 'uscc' }).idType!, /自然人的身份证明不能是统一社会信用代码/);
  });

  test('contact and delivery rules', () => {
    const none = { ...valid, contactPhone: '', contactEmail: '', contactAddress: '', delivery: 'pickup' };
    assert.match(errors(onlineApplicationSchema, none).contactPhone!, /至少填写一种联系方式/);
    assert.equal(errors(onlineApplicationSchema, { ...valid, delivery: 'post', contactAddress: '' }).contactAddress, '选择邮寄的，请填写通信地址');
    assert.equal(errors(onlineApplicationSchema, { ...valid, delivery: 'email', contactEmail: '' }).contactEmail, '选择通过电子邮件获取的，请填写电子邮箱');
    assert.match(errors(onlineApplicationSchema, { ...valid, provisionForm: 'paper', delivery: 'online' }).delivery!, /纸质文本只能邮寄或自行领取/);
    assert.match(errors(onlineApplicationSchema, { ...valid, contactPhone: '电话138' }).contactPhone!, /联系电话格式不对/);
    assert.equal(parseInput(onlineApplicationSchema, { ...valid, contactPhone: '(0632) 301-0001转123' }).contactPhone, '(0632) 301-0001转123');
  });

  test('all problems at once: field errors and rules across fields together', () => {
    const f = errors(onlineApplicationSchema, { ...valid, applicantName: '', contactPhone: '', contactEmail: '', contactAddress: '', delivery: 'post' });
    assert.deepEqual(Object.keys(f).sort(), ['applicantName', 'contactAddress', 'contactPhone']);
  });
});

describe('staff registration (条例第31条)', () => {
  const staff = { ...valid, channel: 'in_person', submittedOn: '2025-03-03' };

  test('dates as people type them become ISO; impossible or malformed dates are refused', () => {
    for (const typed of ['2025-03-03', '2025/3/3', '2025.3.3', '20250303', '2025年3月3日', '２０２５－０３－０３']) {
      assert.equal(parseInput(staffApplicationSchema, { ...staff, submittedOn: typed }).submittedOn, '2025-03-03', typed);
    }
    for (const [typed, fragment] of [
      ['2025-02-30', '该月没有第 30 日'],
      ['2025-13-01', '月份应在 1–12'],
      ['03/03/2025', '格式不对'],
      ['yesterday', '格式不对'],
      ['2025-03-03T10:00:00', '格式不对'],
      ['9999-01-01', '年份超出'],
    ] as const) {
      assert.ok(errors(staffApplicationSchema, { ...staff, submittedOn: typed }).submittedOn!.includes(fragment), typed);
    }
    assert.equal(errors(staffApplicationSchema, { ...staff, submittedOn: 20250303 }).submittedOn, '提交、签收或收到日期应为日期文字（YYYY-MM-DD）');
    assert.equal(errors(staffApplicationSchema, { ...staff, submittedOn: 'x'.repeat(500) }).submittedOn, '提交、签收或收到日期格式不对（应为 YYYY-MM-DD，例如 2025-01-20）');
  });

  test('confirmation date by channel', () => {
    assert.match(errors(staffApplicationSchema, { ...staff, channel: 'post_ordinary' }).confirmedOn!, /平常信函须填写与申请人确认的日期/);
    assert.match(errors(staffApplicationSchema, { ...staff, channel: 'email' }).confirmedOn!, /双方确认的日期/);
    assert.match(errors(staffApplicationSchema, { ...staff, confirmedOn: '2025-03-04' }).confirmedOn!, /无需填写确认日期/);
    assert.match(errors(staffApplicationSchema, { ...staff, channel: 'fax', confirmedOn: '2025-03-02' }).confirmedOn!, /不能早于收到日期/);
    assert.match(errors(staffApplicationSchema, { ...staff, channel: 'online' }).channel!, /提交方式「online」无效/);
    assert.equal(parseInput(staffApplicationSchema, { ...staff, channel: 'fax', confirmedOn: '2025-03-04' }).confirmedOn, '2025-03-04');
  });

  test('internal note: optional, at most 2000 characters', () => {
    assert.equal(errors(staffApplicationSchema, { ...staff, note: '注'.repeat(2001) }).note, '备注不能超过2000个字');
  });
});

describe('operations', () => {
  const ref = { applicationId: '7', version: '3' };

  test('the version is required and a positive whole number', () => {
    assert.equal(errors(extendSchema, { applicationId: 7, date: '2025-03-03', days: 5, reason: 'x' }).version, '请填写版本号');
    assert.equal(errors(extendSchema, { ...ref, version: '0', date: '2025-03-03', days: 5, reason: 'x' }).version, '版本号不能小于1');
    assert.equal(errors(extendSchema, { ...ref, version: '', date: '2025-03-03', days: 5, reason: 'x' }).version, '请填写版本号');
  });

  test('extension: 1 to 20 working days, a reason (条例第33条)', () => {
    assert.equal(parseInput(extendSchema, { ...ref, date: '2025-03-03', days: '20', reason: '信息量大' }).days, 20);
    assert.equal(errors(extendSchema, { ...ref, date: '2025-03-03', days: 21, reason: 'x' }).days, '延长工作日数不能大于20');
    assert.equal(errors(extendSchema, { ...ref, date: '2025-03-03', days: 0, reason: 'x' }).days, '延长工作日数不能小于1');
    assert.equal(errors(extendSchema, { ...ref, date: '2025-03-03', days: 5 }).reason, '请填写延期理由');
  });

  test('correction, consultation and fee dates in order', () => {
    assert.equal(errors(requestCorrectionSchema, { ...ref, date: '2025-03-10', deadline: '2025-03-07', items: 'x' }).deadline, '补正期限不能早于告知补正日期');
    assert.equal(errors(requestCorrectionSchema, { ...ref, date: '2025-03-10', deadline: '2025-03-17', items: '补'.repeat(2001) }).items, '需要补正的事项不能超过2000个字');
    assert.match(errors(startConsultationSchema, { ...ref, kind: 'third_party', date: '2025-03-10', letterReceivedOn: '2025-03-09', party: 'X' }).letterReceivedOn!, /不能早于发出日期/);
    assert.match(errors(startConsultationSchema, { ...ref, kind: 'public', date: '2025-03-10', party: 'X' }).kind!, /征求意见对象「public」无效/);
    assert.match(errors(issueFeeNoticeSchema, { ...ref, date: '2025-03-10', noticeReceivedOn: '2025-03-09', method: 'pages', quantity: 50 }).noticeReceivedOn!, /不能早于发出日期/);
    assert.match(errors(issueFeeNoticeSchema, { ...ref, date: '2025-03-10', noticeReceivedOn: '2025-03-10', method: 'both', quantity: 50 }).method!, /按件计收（items）、按量计收（pages）/);
  });

  test('reply: an outcome row and a legal basis', () => {
    const f = errors(replySchema, { ...ref, date: '2025-03-10' });
    assert.equal(f.outcomeRow, '请填写办理结果');
    assert.equal(f.basis, '请填写法律依据');
    assert.equal(errors(replySchema, { ...ref, date: '2025-03-10', outcomeRow: '3.1', basis: '依'.repeat(501) }).basis, '法律依据不能超过500个字');
  });

  test('reopening: the due date set by the decision is optional', () => {
    assert.equal(parseInput(reopenSchema, { ...ref, reviewCaseId: '2', date: '2025-03-10', dueOn: '' }).dueOn, undefined);
    assert.equal(parseInput(reopenSchema, { ...ref, reviewCaseId: '2', date: '2025-03-10', dueOn: '2025-04-01' }).dueOn, '2025-04-01');
  });

  test('work queue filters from a query string', () => {
    const v = parseInput(workQueueSchema, { agencyIds: '3', state: 'open', overdueOnly: 'on', limit: '20', offset: '40', q: ' 王 ' });
    assert.deepEqual(v, { agencyIds: [3], state: 'open', overdueOnly: true, limit: 20, offset: 40, q: '王' });
    assert.deepEqual(parseInput(workQueueSchema, {}), { overdueOnly: false });
    assert.throws(() => parseInput(workQueueSchema, { q: '搜'.repeat(101) }), (e: unknown) => e instanceof ValidationError && e.fields.q === '搜索词不能超过100个字');
  });
});
