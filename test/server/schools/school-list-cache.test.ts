// The school list's read model as each server process holds it: decoded rows kept in memory and
// checked against the province's stamps document on every request (list-index.ts).
import { expect } from 'chai';
import mongoose from 'mongoose';
import { SchoolListIndex } from '../../../server/src/schools/list-index';
import { PASSWORD, regionUser } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

const GULOU = '350102'; // 福州市鼓楼区
const SIMING = '350203'; // 厦门市思明区

describe('school list read model: in-process rows checked against published stamps', function () {
  this.timeout(120_000);
  let server: TestServer;
  let token: string;
  const ids: string[] = [];

  const list = async (query = 'region=350000&pageSize=100') => {
    const res = await server.api(`/schools?${query}`, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as { total: number; items: { id: string; name: string }[] };
  };
  const names = async () => (await list()).items.map((s) => s.name).sort();

  before(async () => {
    server = await startTestServer('list_cache');
    await regionUser('fj_admin', '350000', 'admin');
    token = await server.login('fj_admin', PASSWORD);
    for (const [name, regionCode] of [
      ['鼓楼一小', GULOU],
      ['鼓楼二小', GULOU],
      ['鼓楼三小', GULOU],
      ['思明一小', SIMING],
    ]) {
      const res = await server.api('/schools', { token, body: { name, type: '小学', regionCode } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      ids.push(res.body.school.id);
    }
  });
  after(() => server?.close());

  it('serves a warm list from memory until the region publishes a new stamp', async () => {
    expect(await names()).to.deep.equal(['思明一小', '鼓楼一小', '鼓楼三小', '鼓楼二小']);
    // Change the stored rows behind the process's back, stamp unchanged: the warm list does not see it.
    const doc = await SchoolListIndex.findById(`schools:${GULOU}`).lean();
    const rows = JSON.parse(doc!.rows);
    rows[ids[0]].view.name = '改名一小';
    await SchoolListIndex.updateOne({ _id: doc!._id }, { $set: { rows: JSON.stringify(rows) } });
    expect(await names()).to.include('鼓楼一小');
    // A new stamp on the document and in the stamps document (what every writer does): read again.
    await SchoolListIndex.updateOne({ _id: doc!._id }, { $set: { stamp: 'changed-1' } });
    await mongoose.connection
      .collection<{ _id: string }>('school_list_stamps')
      .updateOne({ _id: 'stamps:35' }, { $set: { [`s.r${GULOU}`]: 'changed-1' } });
    expect(await names()).to.deep.equal(['思明一小', '改名一小', '鼓楼三小', '鼓楼二小']);
  });

  it('reads a region afresh while its published stamp is not on its document (a writer died in between)', async () => {
    await list(); // warm
    // A writer published a new stamp and died before writing the document.
    await mongoose.connection
      .collection<{ _id: string }>('school_list_stamps')
      .updateOne({ _id: 'stamps:35' }, { $set: { [`s.r${SIMING}`]: 'published-only' } });
    const rename = async (name: string) => {
      const doc = await SchoolListIndex.findById(`schools:${SIMING}`).lean();
      const rows = JSON.parse(doc!.rows);
      rows[ids[3]].view.name = name;
      await SchoolListIndex.updateOne({ _id: doc!._id }, { $set: { rows: JSON.stringify(rows) } });
    };
    // Whatever the document holds is what the list shows: nothing of it is kept.
    await rename('思明新名');
    expect(await names()).to.include('思明新名');
    await rename('思明再改');
    expect(await names()).to.include('思明再改');
  });

  it('shows every change through the API at once: edit, create, delete', async () => {
    await list(); // warm
    const patched = await server.api(`/schools/${ids[1]}`, {
      method: 'PATCH',
      token,
      body: { name: '鼓楼实验小学' },
    });
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    expect(await names())
      .to.include('鼓楼实验小学')
      .and.not.include('鼓楼二小');

    const created = await server.api('/schools', {
      token,
      body: { name: '思明二小', type: '小学', regionCode: SIMING },
    });
    expect(created.status).to.equal(201);
    const before = (await list()).total;
    expect((await list()).items.map((s) => s.name)).to.include('思明二小');
    const createdId = created.body.school.id;
    const deleted = await server.api(`/schools/${createdId}`, { method: 'DELETE', token });
    expect(deleted.status, JSON.stringify(deleted.body)).to.be.oneOf([200, 204]);
    expect((await list()).total).to.equal(before - 1);
    expect(await names()).to.not.include('思明二小');
  });

  it('loses no row when many schools of one region change at once', async () => {
    await list(); // warm
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        server.api('/schools', { token, body: { name: `并发小学${i}`, type: '小学', regionCode: GULOU } }),
      ),
    );
    expect(created.map((r) => r.status)).to.deep.equal(Array(6).fill(201));
    const renamed = await Promise.all(
      created.map((r, i) =>
        server.api(`/schools/${r.body.school.id}`, {
          method: 'PATCH',
          token,
          body: { name: `并发改名${i}` },
        }),
      ),
    );
    expect(renamed.map((r) => r.status)).to.deep.equal(Array(6).fill(200));
    const shown = await names();
    for (let i = 0; i < 6; i++) expect(shown).to.include(`并发改名${i}`);
  });

  it('answers the same rows with a cache of one row as with a full one', async () => {
    const full = await list();
    process.env.SCHOOL_LIST_CACHE_ROWS = '1';
    try {
      expect(await list()).to.deep.equal(full);
      expect(await list()).to.deep.equal(full);
    } finally {
      delete process.env.SCHOOL_LIST_CACHE_ROWS;
    }
  });
});
