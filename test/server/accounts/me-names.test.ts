// GET /me and POST /me/binding name each region binding's region beside its code, so the mini-program's
// 我的身份 reads 福建省 管理员 rather than 350000 管理员 (accounts/bindings.ts: meView).
import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { PASSWORD, regionBinding, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('accounts: /me names the regions of the bindings', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer('me_names');
    await regionUser('twoHats', '350000', 'admin');
    await User.updateOne(
      { loginName: 'twoHats' },
      { $push: { bindings: await regionBinding('auditor', '350300') } },
    );
  });
  after(async () => {
    await server?.close();
  });

  it('every region binding and the active one carry the region name', async () => {
    const token = await server.login('twoHats', PASSWORD);
    const me = await server.api('/me', { token });
    expect(me.status).to.equal(200);
    expect(me.body.activeBinding).to.deep.include({
      regionCode: '350000',
      regionName: '福建省',
      role: 'admin',
    });
    const names = me.body.user.bindings.map((b: any) => [b.regionCode, b.regionName]);
    expect(names).to.have.deep.members([
      ['350000', '福建省'],
      ['350300', '莆田市'],
    ]);
    const other = me.body.user.bindings.find((b: any) => b.regionCode === '350300');
    const switched = await server.api('/me/binding', { token, body: { bindingId: other.id } });
    expect(switched.status).to.equal(200);
    expect(switched.body.activeBinding).to.deep.include({ regionCode: '350300', regionName: '莆田市' });
  });
});
