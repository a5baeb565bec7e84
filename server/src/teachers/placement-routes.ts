// Teachers who applied with 「其他」 (seed 003 问题 1): the region admin's list and the placement.
import type { Context } from 'koa';
import { actorOf, authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { paginationQuery } from '../http/pagination';
import { answering, type RouteDefinition } from '../http/route';
import { createSchoolBody } from '../schools/schemas';
import type { Caller } from '../schools/service';
import { listUnplacedTeachers, placeTeacher } from './placement';
import { strictObject } from '../http/schemas';

const regionParams = strictObject({ code: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } }, [
  'code',
]);
const teacherParams = strictObject(
  { id: { type: 'string', title: '教师编号', pattern: '^[0-9a-fA-F]{24}$' } },
  ['id'],
);
const listQuery = strictObject({ ...paginationQuery });
const placementBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    schoolId: { type: 'string', title: '学校编号', pattern: '^[0-9a-fA-F]{24}$' },
    newSchool: { ...createSchoolBody, title: '新建学校' },
  },
} as const;

export function placementRoutes(deps: FeatureDeps): RouteDefinition[] {
  const caller = (ctx: Context): Caller => ({ binding: authOf(ctx).binding, actor: actorOf(ctx) });
  const common = { tags: ['教师认证'], auth: 'user' as const };
  const answer = answering(common, caller);
  return [
    answer(
      {
        method: 'get',
        path: '/regions/:code/unplaced-teachers',
        summary: '本辖区选择「其他」学校的教师（学校不在系统中），申请早的在前；个人信息脱敏',
        params: regionParams,
        query: listQuery,
      },
      (caller, { params, query }) => listUnplacedTeachers(deps.clock, caller, params.code, query),
    ),
    answer(
      {
        method: 'post',
        path: '/teachers/:id/placement',
        summary:
          '把选择「其他」的教师安排到本辖区的学校：已有学校（schoolId）或新建学校（newSchool，同 POST /schools）；之后由该校管理员审核',
        params: teacherParams,
        body: placementBody,
      },
      (caller, { params, body }) => placeTeacher(deps, caller, params.id, body),
    ),
  ];
}
