// GET /auth/captcha, POST /auth/email-code, POST /auth/forgot-password/email (seed 000 §6.1).
import type { AuthDeps } from '../accounts/service';
import { recordAudit } from '../audit/service';
import { actorOf } from '../accounts/auth';
import { User } from '../accounts/model';
import { route, type RouteDefinition } from '../http/route';
import { createCaptcha } from './captcha';
import { RecordingEmailSender, type EmailSender } from './email';
import { requestEmailReset, resetPasswordByEmail } from './service';
import { strictObject } from '../http/schemas';

const email = { type: 'string', title: '电子邮箱', format: 'email', maxLength: 100 } as const;
const emailCodeBody = strictObject(
  {
    email,
    captchaId: { type: 'string', title: '图形验证码编号', minLength: 10, maxLength: 60 },
    captcha: { type: 'string', title: '图形验证码', minLength: 1, maxLength: 10 },
  },
  ['email', 'captchaId', 'captcha'],
);
const resetBody = strictObject(
  {
    email,
    code: { type: 'string', title: '邮箱验证码', pattern: '^\\d{6}$' },
    newPassword: { type: 'string', title: '新密码', minLength: 8, maxLength: 128 },
  },
  ['email', 'code', 'newPassword'],
);

export function emailResetRoutes(deps: AuthDeps & { email: EmailSender }): RouteDefinition[] {
  const common = { auth: 'public' as const, tags: ['账号'] };
  // The two steps of the email reset: POSTs that answer 204 No Content.
  const emailStep = { ...common, method: 'post' as const, status: 204 };
  return [
    {
      ...common,
      method: 'get',
      path: '/auth/captcha',
      summary: '获取图形验证码（SVG，5 分钟内有效，只能使用一次）',
      rateLimit: { name: 'captcha', limit: 60, windowSeconds: 60 },
      handler: async (ctx) => {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = await createCaptcha(deps.clock);
      },
    },
    route({
      ...emailStep,
      path: '/auth/email-code',
      summary: '通过邮箱找回密码：校验图形验证码后向账号邮箱发送验证码（无论邮箱是否注册，回答相同）',
      body: emailCodeBody,
      rateLimit: { name: 'email', limit: 30, windowSeconds: 3600 },
      handler: async (ctx, { body }) => {
        await requestEmailReset(deps, body);
        // Development only (the recording sender): the code goes back in a header, as X-Dev-Sms-Code does.
        const dev =
          deps.email instanceof RecordingEmailSender
            ? deps.email.lastCodeFor(body.email.toLowerCase())
            : undefined;
        if (dev) ctx.set('X-Dev-Email-Code', dev);
      },
    }),
    route({
      ...emailStep,
      path: '/auth/forgot-password/email',
      summary: '用邮箱验证码设置新密码（之后所有已登录的设备须重新登录）',
      body: resetBody,
      rateLimit: { name: 'email-reset', limit: 30, windowSeconds: 3600 },
      handler: async (ctx, { body }) => {
        await resetPasswordByEmail(deps, body);
        const user = await User.findOne({ email: body.email.trim().toLowerCase() }, { loginName: 1 }).lean();
        await recordAudit(
          deps.clock,
          { ...actorOf(ctx), userId: user?._id },
          {
            action: 'user.resetPasswordByEmail',
            targetType: 'user',
            targetId: String(user?._id ?? ''),
            regionPath: [],
            after: { loginName: user?.loginName ?? null },
          },
        );
      },
    }),
  ];
}
