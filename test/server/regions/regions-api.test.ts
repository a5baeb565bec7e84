import { regionRoleBinding, schoolAdminBinding, userWith } from '../../helpers/fixtures';
import { expect } from 'chai';
import { User } from '../../../server/src/accounts/model';
import { hashPassword } from '../../../server/src/accounts/passwords';
import { School } from '../../../server/src/schools/model';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('GET /regions/{code} and /children: jurisdiction', function () {
  this.timeout(60_000);
  let server: TestServer;
  let fujian: string;
  let fuzhou: string;
  let xiamen: string;
  let schoolAdmin: string;

  before(async () => {
    server = await startTestServer('regions_api');
    const hash = await hashPassword('Pass12345');
    const school = await School.create({
      name: '鼓楼第一中心小学',
      type: '小学',
      regionCode: '350102',
      regionPath: ['000000', '350000', '350100', '350102'],
    });
    await User.create([
      userWith('fj', [regionRoleBinding('admin', '350000', ['000000'])], {
        name: '福建',
        passwordHash: hash,
      }),
      userWith('fz', [regionRoleBinding('inspector', '350100', ['000000', '350000'])], {
        name: '福州',
        passwordHash: hash,
      }),
      userWith('xm', [regionRoleBinding('admin', '350200', ['000000', '350000'])], {
        name: '厦门',
        passwordHash: hash,
      }),
      userWith('sch', [schoolAdminBinding(school)], { name: '学校', passwordHash: hash }),
    ]);
    [fujian, fuzhou, xiamen, schoolAdmin] = await Promise.all(
      ['fj', 'fz', 'xm', 'sch'].map((n) => server.login(n, 'Pass12345')),
    );
  });
  after(async () => {
    await server?.close();
  });

  it('a province admin sees its province with counts, and a county below it', async () => {
    const res = await server.api('/regions/350000', { token: fujian });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({
      code: '350000',
      name: '福建省',
      level: 'province',
      parentCode: '000000',
    });
    expect(res.body.counts).to.deep.equal({ children: 9, schools: 1, directSchools: 0 });
    const county = await server.api('/regions/350102', { token: fujian });
    expect(county.body.counts).to.deep.equal({ children: 0, schools: 1, directSchools: 1 });
  });

  it('lists the direct children', async () => {
    const res = await server.api('/regions/350000/children', { token: fujian });
    expect(res.status).to.equal(200);
    expect(res.body.total).to.equal(9);
    expect(res.body.items.map((r: { code: string }) => r.code)).to.include('350100');
  });

  it('an outsider gets 403: another city, a parent region, a school admin', async () => {
    for (const [token, path] of [
      [xiamen, '/regions/350100'],
      [xiamen, '/regions/350100/children'],
      [fuzhou, '/regions/350000'],
      [fuzhou, '/regions/350000/children'],
      [schoolAdmin, '/regions/350102'],
      [schoolAdmin, '/regions/350102/children'],
    ]) {
      const res = await server.api(path, { token });
      expect(res.status, path).to.equal(403);
      expect(res.body.error.code).to.equal('OUTSIDE_JURISDICTION');
      expect(res.body.error.message).to.equal('该地区不在您的管辖范围内');
    }
  });

  it('an unknown region is a 404 in Chinese', async () => {
    const res = await server.api('/regions/999999', { token: fujian });
    expect(res.status).to.equal(404);
    expect(res.body.error.message).to.equal('地区 999999 不存在');
  });
});
