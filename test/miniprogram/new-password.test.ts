import { expect } from 'chai';
import { passwordProblem } from '../../shared/src';
import { newPasswordProblem } from '../../miniprogram/src/services/new-password';

// First login and 忘记密码 check a new password with the server's rule, in its words, before sending.
describe('the app’s new-password check (first login, 忘记密码)', () => {
  it('refuses what the server refuses, in the server’s words', () => {
    for (const weak of ['abc12', 'abcdefgh', '12345678']) {
      expect(passwordProblem(weak), weak).to.be.a('string');
      expect(newPasswordProblem(weak, weak), weak).to.equal(passwordProblem(weak));
    }
  });
  it('asks for the same password twice, and accepts a good one', () => {
    expect(newPasswordProblem('School2026', 'School2025')).to.equal('两次输入的新密码不一致');
    expect(newPasswordProblem('School2026', 'School2026')).to.equal(undefined);
  });
});
