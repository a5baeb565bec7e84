// The school list under concurrent requests (issue 9, two 500s in the soak): the first reads of a
// region whose read model was never built all build it at once; on FerretDB two upserts of one new
// `_id` both try to insert it and one is refused as a duplicate. Every such read must answer 200.
import { expect } from 'chai';
import { plainSchool, PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';
import { SchoolListIndex } from '../../../server/src/schools/list-index';
import mongoose from 'mongoose';

describe('school list: concurrent first reads of a region never built', function () {
  this.timeout(180_000);
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer('list_race');
    await regionUser('fj_race', '350000', 'admin');
    token = await server.login('fj_race', PASSWORD);
    for (let i = 0; i < 6; i++) await plainSchool(`鼓楼竞读${i}小`, '350102');
    for (let i = 0; i < 3; i++) await plainSchool(`思明竞读${i}小`, '350203');
  });
  after(() => server?.close());

  it('answers every one of many simultaneous first reads with 200 and the same rows', async () => {
    for (let round = 0; round < 2; round++) {
      // Nothing built: every request below finds the documents missing and rebuilds them.
      await SchoolListIndex.deleteMany({});
      await mongoose.connection.collection('school_list_stamps').deleteMany({});
      const queries = ['region=350102', 'region=350000', 'region=350203', 'region=350100'];
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          server.api(`/schools?${queries[i % queries.length]}&pageSize=100`, { token }),
        ),
      );
      for (const a of answers) expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(answers[0].body.total).to.equal(6);
      expect(answers[1].body.total).to.equal(9);
      expect(answers[2].body.total).to.equal(3);
    }
  });
});
