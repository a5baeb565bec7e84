// A school admin locked by too many wrong passwords reads as locked in the region's account list (the
// region school page shows 已锁定 and offers 解锁, not 正常 and 锁定), with the end of that lock; 解锁
// ends it at once, and the admin logs in again. Seed 000 §3.3 (锁定/解锁).
import { expect } from 'chai';
import { MAX_FAILED_LOGINS } from '../../../server/src/accounts/service';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

const clock = manualClock('2027-01-04T10:00:00+08:00');

describe('a wrong-password lock shows in the school admin list and 解锁 ends it', function () {
  this.timeout(120_000);
  let server: TestServer;
  let schoolId = '';
  let county = '';
  let outsider = '';

  before(async () => {
    server = await startTestServer('admin_lock_state', { options: { clock } });
    const s = await school('鼓楼锁定小学', '350102');
    schoolId = String(s._id);
    await schoolAdmin('lock_school', s);
    await regionUser('lock_county', '350102', 'admin');
    await regionUser('lock_other', '350103', 'admin');
    county = await server.login('lock_county', PASSWORD);
    outsider = await server.login('lock_other', PASSWORD);
  });
  after(async () => {
    await server?.close();
  });

  const listed = async () => {
    const res = await server.api(`/schools/${schoolId}/admins`, { token: county });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.items).to.have.length(1);
    return res.body.items[0] as { id: string; locked: boolean; lockedUntil: string | null };
  };
  const login = (password: string) =>
    server.api('/auth/login', { body: { account: 'lock_school', password } });

  it('unlocked at first: 正常', async () => {
    expect(await listed()).to.deep.include({ locked: false, lockedUntil: null });
  });

  it('after MAX_FAILED_LOGINS wrong passwords: locked, until 15 minutes later', async () => {
    let last = 0;
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) last = (await login('wrong-password')).status;
    expect(last).to.equal(423);
    expect(await listed()).to.deep.include({ locked: true, lockedUntil: '2027-01-04T10:15:00+08:00' });
  });

  it('an outsider cannot see or unlock the account (403)', async () => {
    const { id } = await listed();
    expect((await server.api(`/schools/${schoolId}/admins`, { token: outsider })).status).to.equal(403);
    expect((await server.api(`/users/${id}/unlock`, { token: outsider, body: {} })).status).to.equal(403);
    expect((await listed()).locked).to.equal(true);
  });

  it('解锁 ends the lock at once: the list says unlocked and the admin logs in', async () => {
    const { id } = await listed();
    const res = await server.api(`/users/${id}/unlock`, { token: county, body: {} });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.user).to.deep.include({ locked: false, lockedUntil: null });
    expect(await listed()).to.deep.include({ locked: false, lockedUntil: null });
    expect((await login(PASSWORD)).status).to.equal(200);
  });

  it('a lock whose time has passed reads as unlocked', async () => {
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await login('wrong-password');
    expect((await listed()).locked).to.equal(true);
    clock.set('2027-01-04T10:16:00+08:00');
    expect(await listed()).to.deep.include({ locked: false, lockedUntil: null });
  });
});
