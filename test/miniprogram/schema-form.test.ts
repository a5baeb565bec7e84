import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SCHOOL_FORM_GROUPS, SCHOOL_FORM_V1 } from '@eduprogress/shared';
import {
  changedPaths,
  checkForm,
  displayValue,
  formGroups,
  getPath,
  parseInput,
  readableValue,
  setPath,
  type FormField,
  type Validator,
} from '../../miniprogram/src/components/schema-form/model';
import { writeFormValidators } from '../../miniprogram/scripts/form-validators';
import { manualClock, PASSWORD, school, schoolAdmin } from '../helpers/fixtures';
import { goodSchoolReport } from '../helpers/reports';
import { startTestServer, type TestServer } from '../helpers/server';

/** A complete, valid school report (a fresh copy each time: tests spoil it). */
const valid = () => structuredClone(goodSchoolReport) as Record<string, any>;

/** Every kind of field the renderer knows, for the parts the school form does not use. */
const kinds = {
  type: 'object',
  required: ['count', 'ratio', 'flag', 'choice'],
  properties: {
    count: { type: 'integer', title: '数量', minimum: 0, 'x-unit': '个', 'x-group': 'a' },
    ratio: { type: 'number', title: '比例', 'x-unit': '%', description: '百分比', 'x-group': 'a' },
    flag: { type: 'boolean', title: '是否', 'x-group': 'b' },
    choice: { type: 'string', title: '城乡类型', enum: ['城区', '镇区', '乡村'], 'x-group': 'b' },
    note: { type: 'string', title: '备注', maxLength: 20 },
    pair: {
      type: 'object',
      title: '成对',
      'x-group': 'b',
      required: ['left'],
      properties: { left: { type: 'integer', title: '左' }, right: { type: 'integer', title: '右' } },
    },
  },
};

describe('mini-program schema form: fields from the JSON Schema', () => {
  const groups = formGroups(SCHOOL_FORM_V1, SCHOOL_FORM_GROUPS, '小学');
  const field = (p: string) => groups.flatMap((g) => g.fields).find((f) => f.path === p)!;

  it('groups the school form in the order of its groups, with titles, units, help and ranges', () => {
    expect(groups.map((g) => g.title)).to.deep.equal([
      '基本信息',
      '宽带网络校校通',
      '优质资源班班通',
      '终端配备',
      '网络学习空间人人通',
    ]);
    expect(field('teachers')).to.deep.include({
      kind: 'integer',
      label: '教职工数',
      unit: '人',
      help: '在编在岗及长期聘用的教职工',
      required: true,
      minimum: 0,
      maximum: 10_000,
    });
    expect(field('minoritySchool')).to.deep.include({ kind: 'boolean', label: '是否少数民族学校' });
  });

  it('flattens nested objects to dotted paths labelled with the parent title', () => {
    const terminals = groups.find((g) => g.key === 'terminals')!.fields.map((f) => [f.path, f.label]);
    expect(terminals).to.deep.include(['teacherTerminals.tablet', '教师终端·平板']);
    expect(terminals).to.have.length(6);
  });

  it('shows 教学点 items only to 教学点', () => {
    expect(field('satelliteReceiver')).to.equal(undefined);
    const point = formGroups(SCHOOL_FORM_V1, SCHOOL_FORM_GROUPS, '教学点');
    const items = point.find((g) => g.key === 'teachingPoint')!.fields.map((f) => f.path);
    expect(items).to.deep.equal(['satelliteReceiver', 'resourcesInUse']);
  });

  it('knows every field kind: integer, number, boolean, enum, text, and nested objects', () => {
    const all = formGroups(kinds, [
      { key: 'a', title: '甲' },
      { key: 'b', title: '乙' },
    ]);
    expect(all.map((g) => g.title)).to.deep.equal(['甲', '乙', '其他']);
    const byPath = Object.fromEntries(all.flatMap((g) => g.fields).map((f) => [f.path, f]));
    expect(byPath.count.kind).to.equal('integer');
    expect(byPath.ratio).to.deep.include({ kind: 'number', unit: '%', help: '百分比' });
    expect(byPath.flag.kind).to.equal('boolean');
    expect(byPath.choice).to.deep.include({ kind: 'enum', options: ['城区', '镇区', '乡村'] });
    expect(byPath.note).to.deep.include({ kind: 'text', required: false, maxLength: 20 });
    expect(byPath['pair.left']).to.deep.include({ label: '成对·左', required: true });
    expect(byPath['pair.right'].required).to.equal(false);
  });

  it('turns typed text into the value sent, keeping bad text so the validator can name it', () => {
    const f = (kind: FormField['kind']) => ({ path: 'x', kind, label: 'x', title: 'x', required: true });
    expect(parseInput(f('integer'), ' 12 ')).to.equal(12);
    expect(parseInput(f('integer'), '1.5')).to.equal(1.5);
    expect(parseInput(f('integer'), '12a')).to.equal('12a');
    expect(parseInput(f('integer'), '')).to.equal(undefined);
    expect(parseInput(f('number'), '-0.25')).to.equal(-0.25);
    expect(parseInput(f('boolean'), 'true')).to.equal(true);
    expect(parseInput(f('boolean'), 'false')).to.equal(false);
    expect(parseInput(f('enum'), '乡村')).to.equal('乡村');
    expect(parseInput(f('text'), '  ')).to.equal(undefined);
    expect(displayValue(undefined)).to.equal('');
    expect(displayValue(0)).to.equal('0');
    expect(readableValue(field('bandwidthMbps'), 100)).to.equal('100 Mbps');
    expect(readableValue(field('campusNetwork'), false)).to.equal('否');
  });

  it('sets and reads dotted paths without touching the original', () => {
    const data = valid();
    const next = setPath(data, 'teacherTerminals.tablet', 5);
    expect(getPath(next, 'teacherTerminals.tablet')).to.equal(5);
    expect(data.teacherTerminals.tablet).to.equal(0);
    expect(setPath(next, 'classes', undefined)).to.not.have.property('classes');
    expect(changedPaths(groups, data, next)).to.deep.equal(['teacherTerminals.tablet']);
  });
});

describe('mini-program schema form: inline errors equal the server’s', function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;
  let schoolId: string;
  let validate: Validator;
  let dir: string;

  before(async () => {
    // The generated module the mini-program bundles, loaded as it is built.
    dir = mkdtempSync(path.join(os.tmpdir(), 'validators-'));
    const file = writeFormValidators(path.join(dir, 'form-validators.mjs'));
    validate = (await import(pathToFileURL(file).href)).school1;
    server = await startTestServer('mini_form', {
      options: { clock: manualClock('2026-11-20T10:00:00+08:00') },
    });
    const s = await school('鼓楼表单小学', '350102');
    schoolId = String(s._id);
    await schoolAdmin('formAdmin', s);
    token = await server.login('formAdmin', PASSWORD);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const bad: [string, (d: Record<string, any>) => void][] = [
    ['above the maximum', (d) => (d.classes = 1001)],
    ['below the minimum', (d) => (d.bandwidthMbps = -1)],
    ['not a whole number', (d) => (d.students = 1.5)],
    ['text in a number', (d) => (d.teachers = '12a')],
    ['a nested field', (d) => (d.teacherTerminals.tablet = -3)],
    ['not a boolean', (d) => (d.campusNetwork = 'true')],
    ['an unknown field', (d) => (d.extra = 1)],
    ['several at once', (d) => Object.assign(d, { classes: -1, teachers: 20_000, minoritySchool: 1 })],
  ];

  for (const [what, spoil] of bad) {
    it(`${what}: same sentence and same field messages as the server`, async () => {
      const data = valid();
      spoil(data);
      const local = checkForm(SCHOOL_FORM_V1, validate, data);
      const res = await server.api(`/schools/${schoolId}/reports/2026Q4`, {
        method: 'PUT',
        token,
        body: { data },
      });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('FORM_INVALID');
      expect(local.valid).to.equal(false);
      expect(local.message).to.equal(res.body.error.message);
      expect(local.errors).to.deep.equal(res.body.error.details.errors);
      const first = res.body.error.details.errors[0];
      expect(local.fieldErrors[first.property]).to.equal(first.message);
    });
  }

  // Blank required fields: a draft may keep them (both accept it); 上报 is refused with the same sentence.
  const blanks: [string, (d: Record<string, any>) => void, string][] = [
    ['a missing field', (d) => delete d.studentSpaces, '开通网络学习空间的学生数'],
    ['a nested missing field', (d) => delete d.studentTerminals.laptop, '学生终端·笔记本'],
    [
      'a group left out whole',
      (d) => delete d.teacherTerminals,
      '教师终端·台式机、教师终端·笔记本、教师终端·平板',
    ],
  ];
  for (const [what, spoil, title] of blanks) {
    it(`${what}: a draft is saved, 上报 is refused naming ${title}, in the app as on the server`, async () => {
      const data = valid();
      spoil(data);
      expect(checkForm(SCHOOL_FORM_V1, validate, data, { complete: false }).valid).to.equal(true);
      const saved = await server.api(`/schools/${schoolId}/reports/2026Q4`, {
        method: 'PUT',
        token,
        body: { data },
      });
      expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
      const local = checkForm(SCHOOL_FORM_V1, validate, data);
      const res = await server.api(`/schools/${schoolId}/reports/2026Q4/submit`, { method: 'POST', token });
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error.code).to.equal('FORM_INCOMPLETE');
      expect(local.valid).to.equal(false);
      const count = title.split('、').length;
      expect(local.message).to.equal(`还有 ${count} 项必填内容未填写，不能上报：${title}`);
      // Each blank field is marked where the form shows its error.
      expect(local.blanks).to.have.length(count);
      for (const b of local.blanks) expect(local.fieldErrors[b.property]).to.equal('此项为必填项');
      expect(local.message).to.equal(res.body.error.message);
      expect(local.blanks).to.deep.equal(res.body.error.details.fields);
    });
  }

  it('a valid report passes both', async () => {
    expect(checkForm(SCHOOL_FORM_V1, validate, valid())).to.deep.equal({
      valid: true,
      fieldErrors: {},
      errors: [],
      blanks: [],
    });
    const res = await server.api(`/schools/${schoolId}/reports/2026Q4`, {
      method: 'PUT',
      token,
      body: { data: valid() },
    });
    expect(res.status).to.equal(200);
  });
});
