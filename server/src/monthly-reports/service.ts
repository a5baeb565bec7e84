// The province's monthly text report (seed 001 第二十条: 省级教育行政部门 … 每月底前在系统中报送当月月报文本
// 信息). Only under the monthly calendar (2016 rules). The province's 管理员 writes the report of a month
// (sanitised rich text plus attachments) and files it; filing by the end of that month (Asia/Shanghai) is on
// time, the month before may still be filed, marked late. The national level sees which provinces filed.
import { Types } from 'mongoose';
import {
  NATIONAL_CODE,
  periodContaining,
  previousPeriod,
  shanghaiMidnight,
  toShanghaiIso,
  type CalendarConfig,
} from '@eduprogress/shared';
import type { Binding } from '../accounts/model';
import type { AuthContext } from '../accounts/service';
import { recordAudit, type Actor } from '../audit/service';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors';
import type { AttachmentStore, CheckedName } from '../notices/attachments';
import { hasVisibleContent, sanitizeNoticeContent } from '../notices/content';
import { Region, type RegionDoc } from '../regions/model';
import { MonthlyReport, monthlyReportId, type MonthlyReportAttachment, type MonthlyReportDoc } from './model';
import { isDuplicateKey } from '../db/duplicate-key';

const messages = {
  off: '当前上报周期为按季度，月报仅在按月上报（2016 年规则）时报送',
  badMonth: (m: string) => `月份「${m}」不正确，应形如 2026-11`,
  notProvince: (code: string) => `${code} 不是省级地区，月报由省级教育行政部门报送`,
  regionNotFound: (code: string) => `地区 ${code} 不存在`,
  writerOnly: '只有本省的管理员可以编写和报送月报',
  readerOnly: '只有本省与全国的管理员、审核员、视察员可以查看月报',
  nationalOnly: '只有全国的管理员、审核员、视察员可以查看各省月报报送情况',
  notOpen: (month: string) => `现在不能报送 ${month} 的月报：只能报送本月的月报，或补报上月的月报`,
  filed: '该月报已报送，不能再修改',
  empty: '月报正文不能为空（只含空白或被过滤的内容不算）',
  notFound: '该月报尚未编写',
  attachmentNotFound: '附件不存在',
  fileMissing: '附件文件已丢失，请重新上传',
  tooManyAttachments: (n: number) => `每份月报最多 ${n} 个附件`,
};

export const ATTACHMENTS_PER_MONTHLY_REPORT = 10;

export interface MonthlyDeps {
  clock: Clock;
  calendar: CalendarConfig;
  store: AttachmentStore;
}

export interface MonthlyCaller {
  auth: AuthContext;
  actor: Actor;
}

function requireMonthly(deps: MonthlyDeps): void {
  if (deps.calendar.cycle !== 'monthly') throw new ConflictError(messages.off, 'MONTHLY_REPORTS_OFF');
}

function checkMonth(month: string): void {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12)
    throw new ValidationError(messages.badMonth(month), { property: 'month' }, 'MONTH_INVALID');
}

/** The end of a month (the first instant of the next), Asia/Shanghai. */
export function monthDeadline(month: string): Date {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? shanghaiMidnight(y + 1, 1, 1) : shanghaiMidnight(y, m + 1, 1);
}

/** The months a province may file at `now`: this month (on time) and the one before (late). */
export function fileableMonths(now: Date): string[] {
  const current = periodContaining(now, 'monthly');
  return [previousPeriod(current).name, current.name];
}

async function provinceOf(code: string): Promise<RegionDoc> {
  const region = await Region.findById(code).lean<RegionDoc>();
  if (!region) throw new NotFoundError(messages.regionNotFound(code), 'REGION_NOT_FOUND');
  if (region.level !== 'province')
    throw new ValidationError(messages.notProvince(code), { property: 'code' }, 'NOT_A_PROVINCE');
  return region;
}

const regionRole = (b: Binding | undefined, code: string, roles: string[]) =>
  b?.kind === 'region' && b.regionCode === code && roles.includes(b.role);
const REGION_ROLES = ['admin', 'auditor', 'inspector'];

function assertWriter(caller: MonthlyCaller, code: string): void {
  if (!regionRole(caller.auth.binding, code, ['admin']))
    throw new ForbiddenError(messages.writerOnly, 'ROLE_FORBIDDEN');
}

function assertReader(caller: MonthlyCaller, code: string): void {
  const b = caller.auth.binding;
  if (!regionRole(b, code, REGION_ROLES) && !regionRole(b, NATIONAL_CODE, REGION_ROLES))
    throw new ForbiddenError(messages.readerOnly, 'OUTSIDE_JURISDICTION');
}

export function monthlyReportView(r: MonthlyReportDoc) {
  return {
    id: r._id,
    month: r.month,
    province: { code: r.provinceCode, name: r.provinceName },
    content: r.content,
    status: r.status,
    filedAt: r.filedAt ? toShanghaiIso(r.filedAt) : null,
    late: r.late ?? false,
    filer: r.filerName ?? null,
    deadline: toShanghaiIso(monthDeadline(r.month)),
    attachments: (r.attachments ?? []).map((a) => ({
      id: String(a._id),
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      uploadedAt: toShanghaiIso(a.uploadedAt),
    })),
    updatedAt: toShanghaiIso(r.updatedAt),
  };
}

/** Checks shared by every write: monthly calendar, month shape and window, the province's 管理员, not filed. */
async function writable(deps: MonthlyDeps, caller: MonthlyCaller, month: string, code: string) {
  requireMonthly(deps);
  checkMonth(month);
  const province = await provinceOf(code);
  assertWriter(caller, code);
  if (!fileableMonths(deps.clock()).includes(month))
    throw new ConflictError(messages.notOpen(month), 'MONTH_NOT_OPEN', { property: 'month' });
  const existing = await MonthlyReport.findById(monthlyReportId(month, code)).lean<MonthlyReportDoc>();
  if (existing?.status === 'filed') throw new ConflictError(messages.filed, 'MONTHLY_REPORT_FILED');
  return { province, existing };
}

async function ensureDraft(deps: MonthlyDeps, month: string, province: RegionDoc): Promise<void> {
  const now = deps.clock();
  await MonthlyReport.updateOne(
    { _id: monthlyReportId(month, province._id) },
    {
      $setOnInsert: {
        month,
        provinceCode: province._id,
        provinceName: province.name,
        content: '',
        status: 'draft',
        attachments: [],
        createdAt: now,
        updatedAt: now,
      },
    },
    { upsert: true, timestamps: false },
  ).catch((err) => {
    if (!isDuplicateKey(err)) throw err;
  });
}

/** One province's report of a month (404 MONTHLY_REPORT_NOT_FOUND before anything was written). */
export async function getMonthlyReport(
  deps: MonthlyDeps,
  caller: MonthlyCaller,
  month: string,
  code: string,
) {
  requireMonthly(deps);
  checkMonth(month);
  await provinceOf(code);
  assertReader(caller, code);
  const r = await MonthlyReport.findById(monthlyReportId(month, code)).lean<MonthlyReportDoc>();
  if (!r) throw new NotFoundError(messages.notFound, 'MONTHLY_REPORT_NOT_FOUND');
  return monthlyReportView(r);
}

/** Saves the draft's text (sanitised; 400 MONTHLY_REPORT_EMPTY when nothing visible is left); audited. */
export async function saveMonthlyReport(
  deps: MonthlyDeps,
  caller: MonthlyCaller,
  month: string,
  code: string,
  html: string,
) {
  const { province, existing } = await writable(deps, caller, month, code);
  const content = sanitizeNoticeContent(html);
  if (!hasVisibleContent(content))
    throw new ValidationError(messages.empty, { property: 'content' }, 'MONTHLY_REPORT_EMPTY');
  await ensureDraft(deps, month, province);
  const id = monthlyReportId(month, code);
  await MonthlyReport.updateOne({ _id: id }, { $set: { content, updatedBy: caller.auth.user._id } });
  await recordAudit(deps.clock, caller.actor, {
    action: 'monthlyReport.save',
    targetType: 'monthlyReport',
    targetId: id,
    regionPath: [NATIONAL_CODE, code],
    before: existing ? { content: existing.content } : null,
    after: { content },
  });
  return monthlyReportView((await MonthlyReport.findById(id).lean<MonthlyReportDoc>())!);
}

/** Files the report (409 when already filed; 400 MONTHLY_REPORT_EMPTY without text); late after the month. */
export async function fileMonthlyReport(
  deps: MonthlyDeps,
  caller: MonthlyCaller,
  month: string,
  code: string,
) {
  const { existing } = await writable(deps, caller, month, code);
  if (!existing || !hasVisibleContent(existing.content))
    throw new ValidationError(messages.empty, { property: 'content' }, 'MONTHLY_REPORT_EMPTY');
  const now = deps.clock();
  const late = now >= monthDeadline(month);
  const id = existing._id;
  await MonthlyReport.updateOne(
    { _id: id },
    {
      $set: {
        status: 'filed',
        filedAt: now,
        late,
        filedBy: caller.auth.user._id,
        filerName: caller.auth.user.name,
      },
    },
  );
  await recordAudit(deps.clock, caller.actor, {
    action: 'monthlyReport.file',
    targetType: 'monthlyReport',
    targetId: id,
    regionPath: [NATIONAL_CODE, code],
    before: { status: 'draft' },
    after: { status: 'filed', late },
  });
  return monthlyReportView((await MonthlyReport.findById(id).lean<MonthlyReportDoc>())!);
}

/**
 * Which provinces filed the month: every province with `status` none | draft | filed, `filedAt`, `late`,
 * and the counts. National 管理员/审核员/视察员 only (403 otherwise).
 */
export async function monthlyOverview(deps: MonthlyDeps, caller: MonthlyCaller, month: string) {
  requireMonthly(deps);
  checkMonth(month);
  if (!regionRole(caller.auth.binding, NATIONAL_CODE, REGION_ROLES))
    throw new ForbiddenError(messages.nationalOnly, 'OUTSIDE_JURISDICTION');
  const [provinces, reports] = await Promise.all([
    Region.find({ parentCode: NATIONAL_CODE, level: 'province' }).sort({ _id: 1 }).lean<RegionDoc[]>(),
    MonthlyReport.find({ month }).lean<MonthlyReportDoc[]>(),
  ]);
  const byCode = new Map(reports.map((r) => [r.provinceCode, r]));
  const items = provinces.map((p) => {
    const r = byCode.get(p._id);
    return {
      code: p._id,
      name: p.name,
      status: r?.status ?? 'none',
      filedAt: r?.filedAt ? toShanghaiIso(r.filedAt) : null,
      late: r?.late ?? false,
      attachments: r?.attachments?.length ?? 0,
    };
  });
  return {
    month,
    deadline: toShanghaiIso(monthDeadline(month)),
    totals: {
      provinces: items.length,
      filed: items.filter((i) => i.status === 'filed').length,
      late: items.filter((i) => i.late).length,
    },
    items,
  };
}

/** Stores one attachment of the draft (creating the draft if needed); 409 past the attachment limit. */
export async function addMonthlyAttachment(
  deps: MonthlyDeps,
  caller: MonthlyCaller,
  month: string,
  code: string,
  name: CheckedName,
  source: AsyncIterable<Uint8Array>,
) {
  const { province, existing } = await writable(deps, caller, month, code);
  if ((existing?.attachments?.length ?? 0) >= ATTACHMENTS_PER_MONTHLY_REPORT)
    throw new ConflictError(messages.tooManyAttachments(ATTACHMENTS_PER_MONTHLY_REPORT), 'ATTACHMENTS_FULL');
  await ensureDraft(deps, month, province);
  const id = monthlyReportId(month, code);
  const attachmentId = new Types.ObjectId();
  const size = await deps.store.write(id, String(attachmentId), name, source);
  const attachment: MonthlyReportAttachment = {
    _id: attachmentId,
    filename: name.filename,
    contentType: name.type.contentType,
    size,
    uploadedAt: deps.clock(),
  };
  const res = await MonthlyReport.updateOne(
    { _id: id, status: 'draft', [`attachments.${ATTACHMENTS_PER_MONTHLY_REPORT - 1}`]: { $exists: false } },
    { $push: { attachments: attachment } },
  );
  if (res.matchedCount !== 1) {
    await deps.store.remove(id, String(attachmentId));
    throw new ConflictError(messages.tooManyAttachments(ATTACHMENTS_PER_MONTHLY_REPORT), 'ATTACHMENTS_FULL');
  }
  await recordAudit(deps.clock, caller.actor, {
    action: 'monthlyReport.attachment.add',
    targetType: 'monthlyReport',
    targetId: id,
    regionPath: [NATIONAL_CODE, code],
    after: { attachment: { id: String(attachmentId), filename: name.filename, size } },
  });
  return { id: String(attachmentId), filename: name.filename, size };
}

/** A stored attachment to stream (readers of the report only). */
export async function openMonthlyAttachment(
  deps: MonthlyDeps,
  caller: MonthlyCaller,
  month: string,
  code: string,
  attachmentId: string,
) {
  requireMonthly(deps);
  checkMonth(month);
  assertReader(caller, code);
  const id = monthlyReportId(month, code);
  const r = await MonthlyReport.findById(id).lean<MonthlyReportDoc>();
  const a = r?.attachments?.find((x) => String(x._id) === attachmentId);
  if (!a) throw new NotFoundError(messages.attachmentNotFound, 'ATTACHMENT_NOT_FOUND');
  const file = await deps.store.open(id, attachmentId);
  if (!file) throw new NotFoundError(messages.fileMissing, 'ATTACHMENT_FILE_MISSING');
  return { filename: a.filename, contentType: a.contentType, ...file };
}
