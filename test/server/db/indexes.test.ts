import { expect } from 'chai';
import mongoose from 'mongoose';
import { School } from '../../../server/src/schools/model';
import { User } from '../../../server/src/accounts/model';
import { syncAllIndexes } from '../../../server/src/db/indexes';
import { useTestDatabase } from '../../helpers/db';

describe('indexes on MongoDB and FerretDB alike', function () {
  this.timeout(60_000);
  useTestDatabase('indexes');

  it('syncIndexes() succeeds for every model', async () => {
    expect(mongoose.modelNames().length).to.be.greaterThan(3);
    await syncAllIndexes();
    for (const name of mongoose.modelNames()) {
      const indexes = await mongoose.model(name).listIndexes();
      expect(indexes.map((i) => i.name)).to.include('_id_');
    }
  });

  it('a unique index rejects a duplicate login name', async () => {
    await User.create({ loginName: 'dup', name: '甲', passwordHash: 'x' });
    let code: number | undefined;
    try {
      await User.create({ loginName: 'dup', name: '乙', passwordHash: 'y' });
    } catch (err) {
      code = (err as { code?: number }).code;
    }
    expect(code).to.equal(11000);
    expect(await User.countDocuments({ loginName: 'dup' })).to.equal(1);
  });

  it('a compound unique index rejects the same school name twice in one region only', async () => {
    const base = { type: '小学' as const, regionPath: ['000000', '350000', '350100', '350102'] };
    await School.create({ ...base, name: '鼓楼第一中心小学', regionCode: '350102' });
    await School.create({ ...base, name: '鼓楼第一中心小学', regionCode: '350103' });
    let code: number | undefined;
    try {
      await School.create({ ...base, name: '鼓楼第一中心小学', regionCode: '350102' });
    } catch (err) {
      code = (err as { code?: number }).code;
    }
    expect(code).to.equal(11000);
  });
});
