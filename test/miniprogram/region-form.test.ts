// The region form (地区情况, seed 000 §4.1) in the mini-program's schema-form model: several-of-a-list
// and free-list fields, nested objects at any depth, county-only fields; and the generated region
// validator giving the server's own sentences for the same bad data.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REGION_FORM_V1 } from '@eduprogress/shared';
import {
  checkForm,
  displayValue,
  formGroups,
  parseInput,
  readableValue,
  type Validator,
} from '../../miniprogram/src/components/schema-form/model';
import { writeFormValidators } from '../../miniprogram/scripts/form-validators';
import { manualClock, PASSWORD, regionUser } from '../helpers/fixtures';
import { startTestServer, type TestServer } from '../helpers/server';

const fields = (level?: string) =>
  formGroups(REGION_FORM_V1, [{ key: 'other', title: '地区信息化情况' }], undefined, level).flatMap(
    (g) => g.fields,
  );

describe('mini-program region form model', () => {
  it('renders 接入运营商 as several of a list and 教材版本 as free lists labelled by stage', () => {
    const carriers = fields('county').find((f) => f.path === 'carriers')!;
    expect(carriers).to.deep.include({ kind: 'multi', options: ['电信', '联通', '铁通', '移动', '其他'] });
    const chinese = fields('county').find((f) => f.path === 'textbooks.小学.语文')!;
    expect(chinese).to.deep.include({ kind: 'list', label: '小学·语文教材版本' });
  });

  it('shows 教材版本 (x-only-levels: county) to counties only', () => {
    expect(fields('county').some((f) => f.path.startsWith('textbooks.'))).to.equal(true);
    expect(fields('city').some((f) => f.path.startsWith('textbooks.'))).to.equal(false);
  });

  it('reads and shows lists: 、 or commas apart, empty is nothing', () => {
    const list = fields('county').find((f) => f.path === 'textbooks.初中.数学')!;
    expect(parseInput(list, '人教版、北师大版, 华师大版')).to.deep.equal(['人教版', '北师大版', '华师大版']);
    expect(parseInput(list, '  ')).to.equal(undefined);
    expect(displayValue(['电信', '移动'])).to.equal('电信、移动');
    expect(readableValue(list, [])).to.equal('—');
  });
});

describe('mini-program region form: inline errors equal the server’s', function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;
  let auditorToken: string;
  let validate: Validator;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'validators-'));
    const file = writeFormValidators(path.join(dir, 'form-validators.mjs'));
    validate = (await import(pathToFileURL(file).href)).region1;
    // 2027-01-03: the county window of 2026Q4 is open.
    server = await startTestServer('mini_region_form', {
      options: { clock: manualClock('2027-01-03T10:00:00+08:00') },
    });
    await regionUser('regionFormAdmin', '350102', 'admin');
    await regionUser('regionFormAuditor', '350102', 'auditor');
    token = await server.login('regionFormAdmin', PASSWORD);
    auditorToken = await server.login('regionFormAuditor', PASSWORD);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const bad: [string, Record<string, unknown>][] = [
    ['a platform without its source', { platformUsed: true, metroNetwork: false }],
    ['a metro network without bandwidth and carriers', { platformUsed: false, metroNetwork: true }],
    [
      'an unknown carrier',
      { platformUsed: false, metroNetwork: true, metroBandwidth: '1G', carriers: ['网通'] },
    ],
    [
      'a version name too long',
      { platformUsed: false, metroNetwork: false, textbooks: { 小学: { 语文: ['版'.repeat(51)] } } },
    ],
  ];
  for (const [what, data] of bad) {
    it(`${what}: same sentence and same field messages as the server`, async () => {
      const local = checkForm(REGION_FORM_V1, validate, data);
      expect(local.valid).to.equal(false);
      const put = await server.api('/regions/350102/reports/2026Q4', {
        method: 'PUT',
        token,
        body: { data },
      });
      if (checkForm(REGION_FORM_V1, validate, data, { complete: false }).valid) {
        // Only required fields left blank: a draft may stay incomplete; 上报 is refused in the same words.
        expect(put.status, JSON.stringify(put.body)).to.equal(200);
        const res = await server.api('/regions/350102/reports/2026Q4/submit', {
          method: 'POST',
          token: auditorToken,
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.error.code).to.equal('FORM_INCOMPLETE');
        expect(local.message).to.equal(res.body.error.message);
        expect(local.blanks).to.deep.equal(res.body.error.details.fields);
      } else {
        expect(put.status).to.equal(400);
        expect(local.message).to.equal(put.body.error.message);
        expect(local.errors).to.deep.equal(put.body.error.details.errors);
      }
    });
  }

  it('a complete region form passes both', async () => {
    const data = {
      platformUsed: true,
      platformSource: '自建',
      platformUrl: 'https://edu.example.cn/',
      metroNetwork: true,
      metroBandwidth: '10G',
      carriers: ['电信', '移动'],
      textbooks: { 小学: { 语文: ['人教版'] } },
    };
    expect(checkForm(REGION_FORM_V1, validate, data).valid).to.equal(true);
    const res = await server.api('/regions/350102/reports/2026Q4', { method: 'PUT', token, body: { data } });
    expect(res.status).to.equal(200);
  });
});
