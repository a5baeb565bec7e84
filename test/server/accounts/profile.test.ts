import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { RecordingSmsProvider } from '../../../server/src/accounts/sms';
import { FakeWechatAuth } from '../../../server/src/accounts/wechat';
import { AuditEntry } from '../../../server/src/audit/model';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('accounts: registration, first-login profile, forgot password, WeChat login', function () {
  this.timeout(60_000);
  let server: TestServer;
  const sms = new RecordingSmsProvider();
  const wechat = new FakeWechatAuth();

  before(async () => {
    server = await startTestServer('profile', { options: { sms, wechat } });
  });
  after(async () => {
    await server?.close();
  });

  it('registers with mobile + SMS code + password, then logs in by mobile', async () => {
    const sent = await server.api('/auth/sms-code', { body: { mobile: '13800000001', purpose: 'register' } });
    expect(sent.status).to.equal(204);
    const code = sms.lastCodeFor('13800000001')!;
    expect(code).to.match(/^\d{6}$/);
    // The development provider hands the code back for the mini-program's dev build to show.
    expect(sent.headers.get('x-dev-sms-code')).to.equal(code);

    const wrong = await server.api('/auth/register', {
      body: {
        mobile: '13800000001',
        code: code === '000000' ? '111111' : '000000',
        password: 'Teach1234',
        name: '林老师',
      },
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.code).to.equal('SMS_CODE_INVALID');
    expect(await User.countDocuments({ mobile: '13800000001' })).to.equal(0);

    const res = await server.api('/auth/register', {
      body: { mobile: '13800000001', code, password: 'Teach1234', name: '林老师' },
    });
    expect(res.status).to.equal(201);
    expect(res.body.user).to.deep.include({ loginName: '13800000001', mustChangePassword: false });
    expect(res.body.user.bindings).to.deep.equal([]);
    await server.login('13800000001', 'Teach1234');

    // The code was single-use, and the number is now taken.
    const again = await server.api('/auth/register', {
      body: { mobile: '13800000001', code, password: 'Teach1234', name: '林老师' },
    });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.equal('该手机号已注册，请直接登录或找回密码');
  });

  it('limits SMS codes to one a minute per number (429)', async () => {
    expect(
      (await server.api('/auth/sms-code', { body: { mobile: '13800000002', purpose: 'register' } })).status,
    ).to.equal(204);
    const second = await server.api('/auth/sms-code', {
      body: { mobile: '13800000002', purpose: 'register' },
    });
    expect(second.status).to.equal(429);
    expect(second.body.error.message).to.match(/^验证码发送过于频繁/);
  });

  it('rejects a malformed mobile with a Chinese message', async () => {
    const res = await server.api('/auth/sms-code', { body: { mobile: '12345', purpose: 'register' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.property).to.equal('mobile');
    expect(res.body.error.message).to.match(/^请求内容不合法：手机号（mobile）/);
  });

  describe('first login of an administrator', () => {
    let token: string;
    before(async () => {
      await User.create({
        loginName: 's10000001',
        name: '学校管理员',
        passwordHash: await hashPassword('123456'),
        mustChangePassword: true,
        bindings: [
          { kind: 'school', role: 'admin', regionCode: '350102', regionPath: ['000000', '350000', '350100'] },
        ],
      });
      token = await server.login('s10000001', '123456');
    });

    it('/me lists the first-login steps still open', async () => {
      const me = await server.api('/me', { token });
      expect(me.body.pendingSteps).to.deep.equal(['changePassword', 'completeProfile']);
    });

    it('requires an SMS code for the mobile, and changes nothing without it', async () => {
      const body = { name: '陈校长', gender: 'male', mobile: '13900000001', email: 'Chen@School.cn' };
      const res = await server.api('/me/profile', { method: 'PUT', token, body });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.deep.include({
        code: 'SMS_CODE_REQUIRED',
        message: '更换手机号需要短信验证码',
      });
      const user = await User.findOne({ loginName: 's10000001' }).lean();
      expect(user?.profileCompleted).to.equal(false);
      expect(user?.mobile).to.equal(undefined);
    });

    it('a bad email is a 400 naming the field', async () => {
      const res = await server.api('/me/profile', {
        method: 'PUT',
        token,
        body: {
          name: '陈校长',
          gender: 'male',
          mobile: '13900000001',
          email: 'not-an-email',
          smsCode: '123456',
        },
      });
      expect(res.status).to.equal(400);
      expect(res.body.error.details.property).to.equal('email');
    });

    it('completes the profile with a verified mobile; mobile and email become login names', async () => {
      await server.api('/auth/sms-code', { body: { mobile: '13900000001', purpose: 'profile' } });
      const smsCode = sms.lastCodeFor('13900000001')!;
      const res = await server.api('/me/profile', {
        method: 'PUT',
        token,
        body: {
          name: '陈校长',
          gender: 'male',
          mobile: '13900000001',
          email: 'Chen@School.cn',
          smsCode,
          officePhone: '0591-87654321',
          postcode: '350001',
          qq: '123456789',
        },
      });
      expect(res.status).to.equal(200);
      const me = await server.api('/me', { token });
      expect(me.body.pendingSteps).to.deep.equal(['changePassword']);
      await server.login('13900000001', '123456');
      await server.login('chen@school.cn', '123456');
      const audit = await AuditEntry.findOne({ action: 'user.updateProfile' }).lean();
      expect(audit?.changes.mobile).to.deep.equal({ before: null, after: '13900000001' });
      expect(audit?.regionPath).to.deep.equal(['000000', '350000', '350100', '350102']);
    });

    it('a mobile or email held by another account is a 409', async () => {
      await User.create({ loginName: 'other', name: '其他', passwordHash: 'x', bindings: [] });
      const otherToken = await (async () => {
        await User.updateOne(
          { loginName: 'other' },
          { $set: { passwordHash: await hashPassword('Other1234') } },
        );
        return server.login('other', 'Other1234');
      })();
      await server.api('/auth/sms-code', { body: { mobile: '13900000001', purpose: 'profile' } });
      const res = await server.api('/me/profile', {
        method: 'PUT',
        token: otherToken,
        body: {
          name: '其他',
          gender: 'female',
          mobile: '13900000001',
          email: 'x@y.cn',
          smsCode: sms.lastCodeFor('13900000001'),
        },
      });
      expect(res.status).to.equal(409);
      expect(res.body.error.message).to.equal('该手机号已被其他账号使用');
      expect((await User.findOne({ loginName: 'other' }).lean())?.mobile).to.equal(undefined);
    });
  });

  it('forgot password: a verified mobile sets a new password and signs out old sessions', async () => {
    const oldToken = await server.login('13800000001', 'Teach1234');
    await server.api('/auth/sms-code', { body: { mobile: '13800000001', purpose: 'reset' } });
    const code = sms.lastCodeFor('13800000001')!;
    const res = await server.api('/auth/forgot-password', {
      body: { mobile: '13800000001', code, newPassword: 'Fresh12345' },
    });
    expect(res.status).to.equal(204);
    expect((await server.api('/me', { token: oldToken })).status).to.equal(401);
    await server.login('13800000001', 'Fresh12345');
  });

  it('a reset code is never sent to a number without an account', async () => {
    const before = sms.sent.length;
    const res = await server.api('/auth/sms-code', { body: { mobile: '13700000009', purpose: 'reset' } });
    expect(res.status).to.equal(204);
    expect(sms.sent.length).to.equal(before);
  });

  it('WeChat: an unlinked identity is refused; after a password login links it, wx.login signs in', async () => {
    const first = await server.api('/auth/wechat/login', { body: { code: wechat.issueCode('openid-lin') } });
    expect(first.status).to.equal(401);
    expect(first.body.error.code).to.equal('WECHAT_NOT_LINKED');

    const token = await server.login('13800000001', 'Fresh12345');
    const link = await server.api('/me/wechat', { token, body: { code: wechat.issueCode('openid-lin') } });
    expect(link.status).to.equal(204);

    const code = wechat.issueCode('openid-lin');
    const res = await server.api('/auth/wechat/login', { body: { code } });
    expect(res.status).to.equal(200);
    expect(res.body.user.loginName).to.equal('13800000001');
    // A wx.login code is single-use.
    expect((await server.api('/auth/wechat/login', { body: { code } })).status).to.equal(401);
  });

  it('rate-limits login attempts per account (429)', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 22; i++) {
      statuses.add(
        (await server.api('/auth/login', { body: { account: 'nobody-here', password: 'x' } })).status,
      );
    }
    expect([...statuses].sort()).to.deep.equal([401, 429]);
  });
});

describe('accounts: SMS codes with a real gateway', function () {
  this.timeout(60_000);

  it('a real SMS gateway never hands the code back', async () => {
    const sent: string[] = [];
    const gateway = { name: 'gateway', send: async (_m: string, text: string) => void sent.push(text) };
    const other = await startTestServer('profile_gateway', {
      options: { sms: gateway, wechat: new FakeWechatAuth() },
    });
    try {
      const res = await other.api('/auth/sms-code', { body: { mobile: '13800000009', purpose: 'register' } });
      expect(res.status).to.equal(204);
      expect(sent).to.have.length(1);
      expect(res.headers.get('x-dev-sms-code')).to.equal(null);
    } finally {
      await other.close();
    }
  });
});
