import { recordAudit } from '../audit/service';
import { route, type RouteDefinition } from '../http/route';
import { actorOf, authOf } from './auth';
import { userView } from './model';
import {
  forgotPassword,
  linkWechat,
  register,
  requestSmsCode,
  updateProfile,
  wechatLogin,
  type ProfileDeps,
} from './profile-service';
import {
  forgotPasswordBody,
  profileBody,
  registerBody,
  smsCodeBody,
  wechatCodeBody,
} from './profile-schemas';
import { RecordingSmsProvider } from './sms';

export function profileRoutes(deps: ProfileDeps): RouteDefinition[] {
  return [
    route({
      method: 'post',
      path: '/auth/sms-code',
      auth: 'public',
      summary: '发送短信验证码（注册、验证手机号、找回密码）',
      tags: ['账号'],
      body: smsCodeBody,
      status: 204,
      rateLimit: { name: 'sms', limit: 30, windowSeconds: 3600 },
      handler: async (ctx, { body: { mobile, purpose } }) => {
        await requestSmsCode(deps, purpose, mobile);
        // Development only (no SMS gateway configured): the recording provider's code goes back in a
        // header so the mini-program's dev build can show it (a real gateway never does this).
        const devCode = deps.sms instanceof RecordingSmsProvider ? deps.sms.lastCodeFor(mobile) : undefined;
        if (devCode) ctx.set('X-Dev-Sms-Code', devCode);
      },
    }),
    route({
      method: 'post',
      path: '/auth/register',
      auth: 'public',
      summary: '手机号注册（短信验证码 + 密码）',
      tags: ['账号'],
      body: registerBody,
      responses: { 201: { description: '注册成功，已登录' } },
      handler: async (ctx, { body }) => {
        const result = await register(deps, body);
        await recordAudit(
          deps.clock,
          { ...actorOf(ctx), name: body.name },
          {
            action: 'user.register',
            targetType: 'user',
            targetId: result.user.id,
            regionPath: [],
            after: { loginName: result.user.loginName, name: body.name },
          },
        );
        ctx.status = 201;
        ctx.body = result;
      },
    }),
    route({
      method: 'post',
      path: '/auth/forgot-password',
      auth: 'public',
      summary: '通过已验证的手机号找回密码',
      tags: ['账号'],
      body: forgotPasswordBody,
      status: 204,
      handler: async (ctx, { body }) => {
        await forgotPassword(deps, body);
      },
    }),
    route({
      method: 'put',
      path: '/me/profile',
      firstLogin: true,
      summary: '完善/修改个人信息（首次登录必填：姓名、性别、手机号、邮箱；新手机号须短信验证）',
      tags: ['账号'],
      auth: 'user',
      body: profileBody,
      handler: async (ctx, { body }) => {
        const { user, binding } = authOf(ctx);
        const updated = await updateProfile(deps, user, body);
        const pick = (u: typeof user) => ({
          name: u.name,
          gender: u.gender,
          mobile: u.mobile,
          email: u.email,
          officePhone: u.officePhone,
          address: u.address,
          postcode: u.postcode,
          qq: u.qq,
        });
        await recordAudit(deps.clock, actorOf(ctx), {
          action: 'user.updateProfile',
          targetType: 'user',
          targetId: String(user._id),
          regionPath: binding
            ? [...binding.regionPath, ...(binding.regionCode ? [binding.regionCode] : [])]
            : [],
          before: pick(user),
          after: pick(updated),
        });
        ctx.body = { user: userView(updated) };
      },
    }),
    route({
      method: 'post',
      path: '/auth/wechat/login',
      auth: 'public',
      summary: '小程序登录：用 wx.login 的 code 登录已绑定微信的账号',
      tags: ['账号'],
      body: wechatCodeBody,
      rateLimit: { name: 'login', limit: 60, windowSeconds: 60 },
      handler: async (ctx, { body }) => {
        ctx.body = await wechatLogin(deps, body.code);
      },
    }),
    route({
      method: 'post',
      path: '/me/wechat',
      firstLogin: true,
      summary: '把当前微信绑定到已登录的账号',
      tags: ['账号'],
      auth: 'user',
      body: wechatCodeBody,
      status: 204,
      handler: async (ctx, { body }) => {
        const { user } = authOf(ctx);
        await linkWechat(deps, user._id, body.code);
        await recordAudit(deps.clock, actorOf(ctx), {
          action: 'user.linkWechat',
          targetType: 'user',
          targetId: String(user._id),
          regionPath: [],
          before: { wechatLinked: Boolean(user.wechatOpenId) },
          after: { wechatLinked: true },
        });
      },
    }),
  ];
}
