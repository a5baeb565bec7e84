// Reading the audit trail (001 §22: 合规、可追溯) within the caller's jurisdiction, newest first.
import type { Binding } from '../accounts/model';
import { authOf } from '../accounts/auth';
import { ForbiddenError, ValidationError } from '../http/errors';
import { paginationQuery, skipOf, type Page } from '../http/pagination';
import { route, type RouteDefinition } from '../http/route';
import { getRegionWithin } from '../regions/service';
import { AuditEntry, type AuditDoc } from './model';
import { strictObject } from '../http/schemas';

const messages = {
  noAccess: '当前身份不能查看操作日志',
  regionForSchool: '学校管理员只能查看本校的操作日志，不能按地区筛选',
  badRange: '开始时间不能晚于结束时间',
};

const auditQuery = strictObject({
  region: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' },
  action: {
    type: 'string',
    title: '操作',
    minLength: 1,
    maxLength: 64,
    pattern: '^[A-Za-z][A-Za-z0-9_.-]*$',
  },
  targetType: {
    type: 'string',
    title: '对象类型',
    minLength: 1,
    maxLength: 64,
    pattern: '^[A-Za-z][A-Za-z0-9_.-]*$',
  },
  targetId: { type: 'string', title: '对象编号', minLength: 1, maxLength: 100 },
  from: { type: 'string', title: '开始时间', format: 'date-time' },
  to: { type: 'string', title: '结束时间', format: 'date-time' },
  ...paginationQuery,
});

export interface AuditQuery {
  region?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function entryView(e: AuditDoc) {
  return {
    id: String(e._id),
    at: e.at,
    actor: { id: e.actorId ? String(e.actorId) : null, name: e.actorName ?? null },
    bindingId: e.bindingId ? String(e.bindingId) : null,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    regionPath: e.regionPath,
    changes: e.changes,
    reason: e.reason,
    requestId: e.requestId,
    ip: e.ip,
  };
}

/**
 * Region users read the entries whose region path holds their region (or the narrower `region` they ask
 * for); the national level reads everything. A school admin reads the entries about its school — the
 * school itself and anything keyed by the school's id, such as its reports — and about its own account.
 */
export async function queryAudit(
  binding: Binding | undefined,
  userId: string,
  q: AuditQuery,
): Promise<Page<ReturnType<typeof entryView>>> {
  const filter: Record<string, unknown> = {};
  if (binding?.kind === 'region' && binding.regionCode) {
    const region = await getRegionWithin(binding, q.region ?? binding.regionCode);
    // Every path starts at the national root; entries with an empty path (e.g. registrations) are national.
    if (region.parentCode !== null) filter.regionPath = region._id;
  } else if (binding?.kind === 'school' && binding.schoolId) {
    if (q.region) throw new ForbiddenError(messages.regionForSchool, 'OUTSIDE_JURISDICTION');
    const school = String(binding.schoolId);
    filter.$or = [{ targetId: { $regex: escapeRegex(school) } }, { targetType: 'user', targetId: userId }];
  } else {
    throw new ForbiddenError(messages.noAccess, 'ROLE_FORBIDDEN');
  }
  if (q.action) filter.action = q.action;
  if (q.targetType) filter.targetType = q.targetType;
  if (q.targetId) filter.targetId = q.targetId;
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  if (from && to && from > to) throw new ValidationError(messages.badRange, { property: 'from' });
  if (from || to) filter.at = { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
  const [docs, total] = await Promise.all([
    AuditEntry.find(filter)
      .sort({ at: -1, _id: -1 })
      .skip(skipOf(q.page, q.pageSize))
      .limit(q.pageSize)
      .lean<AuditDoc[]>(),
    AuditEntry.countDocuments(filter),
  ]);
  return { items: docs.map(entryView), total, page: q.page, pageSize: q.pageSize };
}

export function auditRoutes(): RouteDefinition[] {
  return [
    route({
      method: 'get',
      path: '/audit',
      summary: '操作日志（谁、以何身份、何时、对什么做了什么、前后差异），仅限管辖范围，最新在前',
      tags: ['操作日志'],
      auth: 'user',
      query: auditQuery,
      handler: async (ctx, { query }) => {
        const { user, binding } = authOf(ctx);
        ctx.body = await queryAudit(binding, String(user._id), query);
      },
    }),
  ];
}
