import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { Captcha, captchaAnswerHash } from '../../../server/src/password-reset/captcha';
import { RecordingEmailSender } from '../../../server/src/password-reset/email';
import { PASSWORD } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// Seed 000 §6.1 忘记密码: by email beside the SMS path, with an image captcha on the request.
describe('forgot password by email, with a captcha (seed 000 §6.1)', function () {
  this.timeout(60_000);
  const email = new RecordingEmailSender();
  let server: TestServer;
  let oldToken: string;

  /** A fresh captcha whose answer the test knows (the real answer is only in the picture). */
  async function solvedCaptcha(answer = 'k7Pq') {
    const res = await server.api('/auth/captcha');
    expect(res.status).to.equal(200);
    await Captcha.updateOne({ _id: res.body.captchaId }, { $set: { answerHash: captchaAnswerHash(answer) } });
    return { captchaId: res.body.captchaId as string, captcha: answer };
  }

  before(async () => {
    server = await startTestServer('email_reset', { options: { email } });
    await User.create({
      loginName: 'li',
      name: '李老师',
      email: 'li.laoshi@example.cn',
      passwordHash: await hashPassword(PASSWORD),
      mustChangePassword: false,
    });
    oldToken = await server.login('li', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  it('serves an SVG captcha, never its answer', async () => {
    const res = await server.api('/auth/captcha');
    expect(res.status).to.equal(200);
    expect(res.body.svg).to.match(/^<svg/);
    expect(res.body.captchaId).to.be.a('string');
    expect(Object.keys(res.body).sort()).to.deep.equal(['captchaId', 'expiresAt', 'svg']);
  });

  it('refuses a wrong captcha (400) and burns it: nothing is sent', async () => {
    const { captchaId } = await solvedCaptcha('abcd');
    const wrong = await server.api('/auth/email-code', {
      body: { email: 'li.laoshi@example.cn', captchaId, captcha: 'zzzz' },
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error).to.include({ code: 'CAPTCHA_INVALID' });
    expect(wrong.body.error.details.property).to.equal('captcha');
    const retry = await server.api('/auth/email-code', {
      body: { email: 'li.laoshi@example.cn', captchaId, captcha: 'abcd' },
    });
    expect(retry.status, 'one try per captcha').to.equal(400);
    expect(email.sent).to.have.length(0);
  });

  it('checks its input (400 naming the field)', async () => {
    const bad = await server.api('/auth/email-code', {
      body: { email: 'not-an-email', captchaId: 'x'.repeat(20), captcha: 'a' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.property).to.equal('email');
    const extra = await server.api('/auth/forgot-password/email', {
      body: { email: 'li.laoshi@example.cn', code: '123456', newPassword: 'Newpass123', mobile: '1' },
    });
    expect(extra.status).to.equal(400);
  });

  it('answers the same for an unknown address, sending nothing', async () => {
    const res = await server.api('/auth/email-code', {
      body: { email: 'nobody@example.cn', ...(await solvedCaptcha()) },
    });
    expect(res.status).to.equal(204);
    expect(email.sent).to.have.length(0);
  });

  it('sends a code to the account’s email (captcha answer case-insensitive), at most one a minute', async () => {
    const res = await server.api('/auth/email-code', {
      body: { email: 'Li.Laoshi@example.cn', ...(await solvedCaptcha('k7Pq')), captcha: 'K7PQ' },
    });
    expect(res.status).to.equal(204);
    expect(email.sent).to.have.length(1);
    expect(email.sent[0].to).to.equal('li.laoshi@example.cn');
    expect(email.sent[0].subject).to.include('找回密码');
    expect(res.headers.get('x-dev-email-code')).to.equal(email.lastCodeFor('li.laoshi@example.cn'));
    const again = await server.api('/auth/email-code', {
      body: { email: 'li.laoshi@example.cn', ...(await solvedCaptcha()) },
    });
    expect(again.status).to.equal(429);
    expect(email.sent).to.have.length(1);
  });

  it('sets the new password with the code, once; the old sessions end', async () => {
    const code = email.lastCodeFor('li.laoshi@example.cn')!;
    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await server.api('/auth/forgot-password/email', {
      body: { email: 'li.laoshi@example.cn', code: wrongCode, newPassword: 'Newpass123' },
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.code).to.equal('EMAIL_CODE_INVALID');
    const weak = await server.api('/auth/forgot-password/email', {
      body: { email: 'li.laoshi@example.cn', code, newPassword: 'abcdefgh' },
    });
    expect(weak.status).to.equal(400);
    expect(weak.body.error.code).to.equal('WEAK_PASSWORD');
    const ok = await server.api('/auth/forgot-password/email', {
      body: { email: 'li.laoshi@example.cn', code, newPassword: 'Newpass123' },
    });
    expect(ok.status).to.equal(204);
    expect((await server.api('/me', { token: oldToken })).status).to.equal(401);
    expect(
      (await server.api('/auth/login', { body: { account: 'li', password: 'Newpass123' } })).status,
    ).to.equal(200);
    expect(
      (await server.api('/auth/login', { body: { account: 'li', password: PASSWORD } })).status,
    ).to.equal(401);
    const reuse = await server.api('/auth/forgot-password/email', {
      body: { email: 'li.laoshi@example.cn', code, newPassword: 'Other12345' },
    });
    expect(reuse.status).to.equal(400);
  });
});
