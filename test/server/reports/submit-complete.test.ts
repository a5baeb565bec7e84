// 上报 needs every required field of the form version a report is filed under (shared blankRequiredFields):
// a draft may stay incomplete, a submission with blanks is 400 FORM_INCOMPLETE naming the fields by title
// and changes nothing; 无变化 of an incomplete last period is refused alike.
import { expect } from 'chai';
import { Report } from '../../../server/src/reports/model';
import { goodSchoolReport, schoolReportDoc } from '../../helpers/reports';
import { manualClock, PASSWORD, regionUser, school, schoolAdmin } from '../../helpers/fixtures';
import { startTestServer, type TestServer } from '../../helpers/server';

// 2027-01-03 10:00 in Shanghai: 2026Q4 is being reported, the county window (1–5 Jan) is open.
const clock = manualClock('2027-01-03T10:00:00+08:00');

describe('上报 refuses blank required fields; drafts may stay incomplete', function () {
  this.timeout(120_000);
  let server: TestServer;
  const t: Record<string, string> = {};
  let schoolA: string;
  let schoolB: string;

  before(async () => {
    server = await startTestServer('submit-complete', { options: { clock } });
    const a = await school('鼓楼实验小学', '350102');
    const b = await school('鼓楼第二小学', '350102');
    schoolA = String(a._id);
    schoolB = String(b._id);
    await schoolAdmin('completeA', a);
    await schoolAdmin('completeB', b);
    await regionUser('completeAuditor', '350102', 'auditor');
    await regionUser('completeCounty', '350102', 'admin');
    for (const name of ['completeA', 'completeB', 'completeAuditor', 'completeCounty'])
      t[name] = await server.login(name, PASSWORD);
    // Last period's report of school B was auto-submitted with blanks.
    await Report.collection.insertOne(
      schoolReportDoc('2026Q3', b, {
        state: 'submitted',
        autoSubmitted: true,
        formVersion: 2,
        data: { classes: 8 },
      }) as never,
    );
  });
  after(async () => {
    await server?.close();
  });

  const path = (id: string) => `/schools/${id}/reports/2026Q4`;
  const { teachers: _t, teacherTerminals, ...withoutTeachers } = goodSchoolReport;
  const incomplete = { ...withoutTeachers, teacherTerminals: { desktop: 1, laptop: 0 } };

  it('a draft with blank required fields is saved', async () => {
    const res = await server.api(path(schoolA), {
      method: 'PUT',
      token: t.completeA,
      body: { data: incomplete },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.include({ state: 'draft', saved: true });
    expect(res.body.data).not.to.have.property('teachers');
    expect(teacherTerminals).to.be.an('object');
  });

  it('a draft with a wrong value is still refused', async () => {
    const res = await server.api(path(schoolA), {
      method: 'PUT',
      token: t.completeA,
      body: { data: { ...incomplete, students: -1 } },
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('FORM_INVALID');
    expect(res.body.error.details.property).to.equal('students');
  });

  it('上报 with blanks is 400 FORM_INCOMPLETE naming every blank field by title, and changes nothing', async () => {
    const res = await server.api(`${path(schoolA)}/submit`, { method: 'POST', token: t.completeA });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.error.code).to.equal('FORM_INCOMPLETE');
    expect(res.body.error.message).to.equal('还有 2 项必填内容未填写，不能上报：教职工数、教师终端·平板');
    expect(res.body.error.details.fields).to.deep.equal([
      { property: 'teachers', title: '教职工数' },
      { property: 'teacherTerminals.tablet', title: '教师终端·平板' },
    ]);
    const stored = await Report.findById(`2026Q4:school:${schoolA}`).lean<{ state: string }>();
    expect(stored?.state).to.equal('draft');
  });

  it('once complete, the same report is submitted', async () => {
    const saved = await server.api(path(schoolA), {
      method: 'PUT',
      token: t.completeA,
      body: { data: goodSchoolReport },
    });
    expect(saved.status).to.equal(200);
    const res = await server.api(`${path(schoolA)}/submit`, { method: 'POST', token: t.completeA });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.state).to.equal('submitted');
  });

  it('无变化 of last period’s incomplete data is refused the same way', async () => {
    const res = await server.api(`${path(schoolB)}/confirm`, { method: 'POST', token: t.completeB });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.error.code).to.equal('FORM_INCOMPLETE');
    expect(res.body.error.message).to.match(/^还有 \d+ 项必填内容未填写，不能上报：教职工数、在校生数/);
    // A group left out whole is named by its fields.
    expect(res.body.error.message).to.contain('教师终端·台式机、教师终端·笔记本、教师终端·平板');
    expect(await Report.countDocuments({ _id: `2026Q4:school:${schoolB}`, state: 'submitted' })).to.equal(0);
  });

  it('a region’s report: blank questions and the follow-ups they require are named', async () => {
    const regionPath = '/regions/350102/reports/2026Q4';
    const blank = await server.api(`${regionPath}/submit`, { method: 'POST', token: t.completeAuditor });
    expect(blank.status).to.equal(400);
    expect(blank.body.error.message).to.equal(
      '还有 2 项必填内容未填写，不能上报：是否组织统一使用了教育资源公共服务平台、是否具有到校的教育城域网',
    );
    const saved = await server.api(regionPath, {
      method: 'PUT',
      token: t.completeCounty,
      body: { data: { platformUsed: true, metroNetwork: false } },
    });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    const followUp = await server.api(`${regionPath}/submit`, { method: 'POST', token: t.completeAuditor });
    expect(followUp.status).to.equal(400);
    expect(followUp.body.error.message).to.equal('还有 1 项必填内容未填写，不能上报：平台来源');
  });
});
