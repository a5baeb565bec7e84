// HTTP surface of teachers: verification by the school admin, the teacher's own application and status.
import { callerOf } from '../access/caller';
import { actorOf, authOf } from '../accounts/auth';
import type { FeatureDeps } from '../app-deps';
import { answering, route, type RouteDefinition } from '../http/route';
import { applicationBody, schoolParams, schoolTeachersQuery, teacherParams, verifyBody } from './schemas';
import { applyAsTeacher, listSchoolTeachers, myTeacher, verifyTeacher } from './service';

const messages = {
  tags: ['教师认证'],
};

export function teacherRoutes(deps: FeatureDeps): RouteDefinition[] {
  const common = { tags: messages.tags, auth: 'user' as const };
  const answer = answering(common, callerOf);
  return [
    answer(
      {
        method: 'get',
        path: '/schools/:id/teachers',
        summary: '学校的教师（按审核状态、职称、学段筛选，附各项计数；证件号、手机号脱敏）',
        params: schoolParams,
        query: schoolTeachersQuery,
      },
      (caller, { params, query }) => listSchoolTeachers(deps, caller, params.id, query),
    ),
    answer(
      {
        method: 'post',
        path: '/teachers/:id/verify',
        summary: '审核教师认证（通过 / 不通过，不通过须填写原因；学校管理员）',
        params: teacherParams,
        body: verifyBody,
      },
      (caller, { params, body }) => verifyTeacher(deps, caller, params.id, body),
    ),
    route({
      ...common,
      method: 'post',
      path: '/me/teacher-application',
      summary: '申请（或重新申请）教师认证；学校不在列表中时 schoolId 填 other',
      body: applicationBody,
      responses: { 201: { description: '已提交，待学校管理员审核' } },
      status: 201,
      handler: async (ctx, { body }) => {
        ctx.body = await applyAsTeacher(deps, authOf(ctx).user, actorOf(ctx), body);
      },
    }),
    {
      ...common,
      method: 'get',
      path: '/me/teacher',
      summary: '我的教师认证状态（待审核 / 已通过 / 未通过及原因）',
      handler: async (ctx) => {
        ctx.body = await myTeacher(authOf(ctx).user);
      },
    },
  ];
}
