import { hit } from '../http/rate-limit';
import type { RouteDefinition } from '../http/route';
import { route } from '../http/route';
import { authOf } from './auth';
import { meView } from './bindings';
import { changePassword, login, logout, refresh, type AuthDeps } from './service';
import { changePasswordBody, loginBody, refreshBody } from './schemas';

export function accountRoutes(deps: AuthDeps): RouteDefinition[] {
  return [
    route({
      method: 'post',
      path: '/auth/login',
      auth: 'public',
      summary: '登录（登录名、手机号或邮箱 + 密码）',
      tags: ['账号'],
      body: loginBody,
      rateLimit: { name: 'login', limit: 60, windowSeconds: 60 },
      handler: async (ctx, { body }) => {
        const { account, password } = body;
        // Per account (per IP: the rateLimit above), counted in the database so every instance shares them.
        await hit(deps.clock, `login:account:${account.trim().toLowerCase()}`, 20, 60);
        ctx.body = await login(deps, account, password);
      },
    }),
    route({
      method: 'post',
      path: '/auth/refresh',
      auth: 'public',
      summary: '用刷新令牌换取新的令牌',
      tags: ['账号'],
      body: refreshBody,
      handler: async (ctx, { body }) => {
        ctx.body = await refresh(deps, body.refreshToken);
      },
    }),
    {
      method: 'post',
      path: '/auth/logout',
      firstLogin: true,
      summary: '退出登录（吊销令牌）',
      tags: ['账号'],
      auth: 'user',
      status: 204,
      handler: async (ctx) => {
        await logout(ctx.state.token);
      },
    },
    route({
      method: 'post',
      path: '/auth/password',
      firstLogin: true,
      summary: '修改密码',
      tags: ['账号'],
      auth: 'user',
      body: changePasswordBody,
      status: 204,
      handler: async (ctx, { body: { oldPassword, newPassword } }) => {
        await changePassword(authOf(ctx).user, oldPassword, newPassword);
      },
    }),
    {
      method: 'get',
      path: '/me',
      firstLogin: true,
      summary: '当前用户、当前身份与尚未完成的首次登录步骤',
      tags: ['账号'],
      auth: 'user',
      handler: async (ctx) => {
        const { user, binding } = authOf(ctx);
        // With the steps the first-login guard found still open (first-login/region-form.ts: fillRegionForm).
        ctx.body = await meView(user, binding, (ctx.state.firstLoginSteps as string[] | undefined) ?? []);
      },
    },
  ];
}
