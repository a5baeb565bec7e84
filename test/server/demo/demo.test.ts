import { expect } from 'chai';
import { REGION_ROLES, REPORT_STATES, SCHOOL_TYPES } from '@eduprogress/shared';
import { User, type UserDoc } from '../../../server/src/accounts/model';
import { hashPassword, verifyPassword } from '../../../server/src/accounts/passwords';
import { chineseNumber, Rng, SchoolNamer } from '../../../server/src/demo/rng';
import {
  expectedScaleCounts,
  generateScaleDocuments,
  writeScale,
  type ScaleCounts,
} from '../../../server/src/demo/scale';
import {
  buildDemoWorld,
  countyLevelRegionsOf,
  DEMO_PROVINCE,
  lastCompletedQuarter,
  loadDemoWorld,
  regionTree,
  REGION_DEMO_PASSWORD,
  SCHOOL_ADMIN_PASSWORD,
  teacherMobile,
} from '../../../server/src/demo/world';
import { seedRegions } from '../../../server/src/regions/seed';
import { Report, type ReportDoc } from '../../../server/src/reports/model';
import { School, type SchoolDoc } from '../../../server/src/schools/model';
import { Teacher, TeacherAccount } from '../../../server/src/teachers/model';
import { useTestDatabase } from '../../helpers/db';

const NOW = new Date('2026-11-20T10:00:00+08:00');
const HASHES = { schoolAdmin: 'hash-school', regionUser: 'hash-region' };
const fujianCounties = () => countyLevelRegionsOf(regionTree(), DEMO_PROVINCE).map((c) => c._id);
const fujianCities = () => (regionTree().children.get(DEMO_PROVINCE) ?? []).map((c) => c._id);

describe('demo world generator (pure)', () => {
  it('gives the same documents for the same seed and different ones for another seed', () => {
    const a = buildDemoWorld(HASHES, { now: NOW });
    const b = buildDemoWorld(HASHES, { now: NOW });
    expect(b).to.deep.equal(a);
    expect(a.schools.map((s) => String(s._id))).to.deep.equal(b.schools.map((s) => String(s._id)));
    const other = buildDemoWorld(HASHES, { now: NOW, seed: 7 });
    expect(other.schools.map((s) => s.name)).to.not.deep.equal(a.schools.map((s) => s.name));
    expect(String(other.schools[0]._id)).to.not.equal(String(a.schools[0]._id));
  });

  it('keeps names unique per region and mobiles and login names unique overall', () => {
    const world = buildDemoWorld(HASHES, { now: NOW });
    const names = new Set(world.schools.map((s) => `${s.regionCode}:${s.name}`));
    expect(names.size).to.equal(world.schools.length);
    expect(new Set(world.teachers.map((t) => t.mobile)).size).to.equal(world.teachers.length);
    expect(new Set(world.users.map((u) => u.loginName)).size).to.equal(world.users.length);
    expect(world.teachers).to.not.be.empty;
    for (const t of world.teachers.slice(0, 50)) expect(t.mobile).to.match(/^1[38]\d{9}$/);
  });

  it('names the last completed quarter in Asia/Shanghai', () => {
    expect(lastCompletedQuarter(new Date('2026-10-01T00:30:00+08:00')).period).to.equal('2026Q3');
    expect(lastCompletedQuarter(new Date('2026-09-30T23:59:00+08:00')).period).to.equal('2026Q2');
    const q = lastCompletedQuarter(new Date('2026-01-01T00:00:00+08:00'));
    expect(q.period).to.equal('2025Q4');
    expect(q.start.toISOString()).to.equal('2025-09-30T16:00:00.000Z');
    expect(q.end.toISOString()).to.equal('2025-12-31T16:00:00.000Z');
  });

  it('has a repeatable PRNG, Chinese ordinals and a namer that never repeats itself', () => {
    const seq = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.int(1, 6)
        )(new Rng(seed)),
      );
    expect(seq(42)).to.deep.equal(seq(42));
    expect(seq(42)).to.not.deep.equal(seq(43));
    expect([1, 10, 12, 30, 35, 108, 120].map(chineseNumber)).to.deep.equal([
      '一',
      '十',
      '十二',
      '三十',
      '三十五',
      '一百零八',
      '一百二十',
    ]);
    const namer = new SchoolNamer(new Rng(1), '闽侯县', 'county', 3000);
    const names = Array.from(
      { length: 3000 },
      (_, i) => namer.name(SCHOOL_TYPES[i % SCHOOL_TYPES.length]).name,
    );
    expect(new Set(names).size).to.equal(names.length);
  });

  it('maps (region, sequence) to mobile numbers one to one', () => {
    const seen = new Set<string>();
    for (let region = 0; region < 40; region++) {
      for (let seq = 0; seq < 500; seq++) seen.add(teacherMobile(['5'], region, seq));
    }
    expect(seen.size).to.equal(40 * 500);
  });
});

describe('demo world in the database', function () {
  this.timeout(120_000);
  useTestDatabase('demo');
  let result: Awaited<ReturnType<typeof loadDemoWorld>>;

  before(async () => {
    await seedRegions();
    result = await loadDemoWorld({ now: NOW });
  });

  it('reports counts that match the collections', async () => {
    expect(result.counts.schools).to.equal(await School.countDocuments());
    expect(result.counts.users).to.equal(await User.countDocuments());
    expect(result.counts.teachers).to.equal(await Teacher.countDocuments());
    expect(result.counts.reports).to.equal(await Report.countDocuments());
    expect(result.counts.schools).to.be.within(84 * 8, 84 * 15 + 200);
  });

  it('gives primary teachers only subjects taught in primary school (no 生物 or 物理 in 小学)', async () => {
    const primary = await Teacher.find({ stage: '小学' }, { subject: 1 }).lean<{ subject: string }[]>();
    expect(primary.length).to.be.greaterThan(100);
    const subjects = new Set(primary.map((t) => t.subject));
    for (const secondaryOnly of ['物理', '化学', '生物', '历史', '地理'])
      expect(subjects.has(secondaryOnly), secondaryOnly).to.equal(false);
    expect(subjects.has('科学')).to.equal(true);
  });

  it('spreads schools of every type over every county, plus province- and city-run schools', async () => {
    const schools = await School.find({}, { type: 1, regionCode: 1 }).lean<SchoolDoc[]>();
    const perRegion = new Map<string, number>();
    for (const s of schools) perRegion.set(s.regionCode, (perRegion.get(s.regionCode) ?? 0) + 1);
    const [counties, cities] = [fujianCounties(), fujianCities()];
    expect(counties).to.have.length.greaterThan(50);
    expect(cities).to.have.length.greaterThan(5);
    for (const county of counties) expect(perRegion.get(county) ?? 0, county).to.be.at.least(8);
    expect(perRegion.get(DEMO_PROVINCE) ?? 0).to.be.at.least(5);
    for (const city of cities) expect(perRegion.get(city) ?? 0, city).to.be.at.least(1);
    expect(new Set(schools.map((s) => s.type))).to.have.all.keys(...SCHOOL_TYPES);
    const byType = (t: string) => schools.filter((s) => s.type === t).length;
    expect(byType('教学点')).to.be.greaterThan(byType('高中'));
    expect(byType('小学')).to.be.greaterThan(byType('初中'));
    const varied = await School.find({}, { status: 1, urbanRural: 1, weak: 1, initialized: 1 }).lean<
      SchoolDoc[]
    >();
    expect(new Set(varied.map((s) => s.status)).size).to.equal(4);
    expect(new Set(varied.map((s) => s.urbanRural)).size).to.equal(3);
    expect(new Set(varied.map((s) => s.weak)).size).to.equal(2);
    expect(new Set(varied.map((s) => s.initialized)).size).to.equal(2);
  });

  it('has reports of last quarter in every state, each ending its history in that state', async () => {
    const reports = await Report.find({}).lean<ReportDoc[]>();
    expect(new Set(reports.map((r) => r.period))).to.have.all.keys('2026Q3');
    for (const kind of ['school', 'region'] as const) {
      const states = new Set(reports.filter((r) => r.unitKind === kind).map((r) => r.state));
      expect(states, kind).to.have.all.keys(...REPORT_STATES);
    }
    expect(reports.some((r) => r.autoSubmitted)).to.equal(true);
    expect(reports.some((r) => r.confirmedNoChange && r.state === 'submitted')).to.equal(true);
    expect(reports).to.not.be.empty;
    for (const r of reports) {
      expect(r.history.at(-1)!.to, r._id).to.equal(r.state);
      expect(r.history[0].from).to.equal(null);
      if (r.autoSubmitted) expect(r.history.some((h) => h.auto)).to.equal(true);
      if (r.state !== 'draft') expect(r.submittedAt).to.be.instanceOf(Date);
    }
    const regionReports = reports.filter((r) => r.unitKind === 'region').length;
    expect(regionReports).to.equal(1 + fujianCities().length + fujianCounties().length);
  });

  it('gives the province, every city and every county an admin, an auditor and an inspector', async () => {
    const users = await User.find({ 'bindings.kind': 'region' }, { bindings: 1 }).lean<UserDoc[]>();
    const held = new Set(users.flatMap((u) => u.bindings.map((b) => `${b.regionCode}:${b.role}`)));
    for (const code of [DEMO_PROVINCE, ...fujianCities(), ...fujianCounties()]) {
      for (const role of REGION_ROLES) expect(held.has(`${code}:${role}`), `${code}:${role}`).to.equal(true);
    }
  });

  it('prints working demo logins: school admins use 123456, region accounts a fixed password', async () => {
    expect(result.logins.map((l) => l.label)).to.include.members([
      '福建省 管理员',
      '福建省 审核员',
      '福建省 视察员',
    ]);
    for (const login of result.logins) {
      const user = await User.findOne({ loginName: login.loginName }).lean<UserDoc>();
      expect(user, login.loginName).to.not.equal(null);
      // Region and teacher accounts are ready to try; the school admin shows the first login.
      expect(user!.mustChangePassword, login.loginName).to.equal(login.password === SCHOOL_ADMIN_PASSWORD);
      expect(await verifyPassword(login.password, user!.passwordHash)).to.equal(true);
    }
    const schoolLogin = result.logins.find((l) => l.loginName.startsWith('s'))!;
    expect(schoolLogin.password).to.equal(SCHOOL_ADMIN_PASSWORD);
    const admin = await User.findOne({ loginName: schoolLogin.loginName }).lean<UserDoc>();
    const binding = admin!.bindings[0];
    expect(binding).to.include({ kind: 'school', role: 'admin', regionCode: '350102' });
    const school = await School.findById(binding.schoolId).lean<SchoolDoc>();
    expect(school!.regionPath).to.deep.equal(binding.regionPath);
    expect(result.logins.filter((l) => !l.loginName.startsWith('s')).map((l) => l.password)).to.satisfy(
      (ps: string[]) => ps.every((p) => p === REGION_DEMO_PASSWORD),
    );
  });

  it('prints a teacher login linked to a teacher of the demo school', async () => {
    const login = result.logins.find((l) => l.loginName.startsWith('t'))!;
    expect(login).to.deep.include({ loginName: 't3501020001', password: REGION_DEMO_PASSWORD });
    const user = await User.findOne({ loginName: login.loginName }).lean<UserDoc>();
    expect(user!.bindings[0]).to.include({ kind: 'teacher', role: 'teacher', regionCode: '350102' });
    const link = await TeacherAccount.findById(String(user!._id)).lean();
    const teacher = await Teacher.findById(link!.teacherId).lean();
    expect(String(teacher!.schoolId)).to.equal(String(user!.bindings[0].schoolId));
    expect(teacher!.mobile).to.equal(user!.mobile);
  });

  it('can run again after an interrupted load: same ids, nothing doubled', async () => {
    const before = await Teacher.countDocuments();
    await loadDemoWorld({ now: NOW });
    expect(await Teacher.countDocuments()).to.equal(before);
    expect(await School.countDocuments()).to.equal(result.counts.schools);
  });
});

describe('scale generator', function () {
  this.timeout(120_000);
  useTestDatabase('demo_scale');

  it('streams national figures lazily in batches no larger than the batch size', () => {
    const opts = { provinces: 'all' as const, schoolsPerCounty: 168, teachersPerSchool: 36, seed: 1 };
    const expected = expectedScaleCounts(opts);
    expect(expected.schools).to.be.within(490_000, 510_000);
    expect(expected.teachers).to.be.within(17_500_000, 18_500_000);
    let batches = 0;
    for (const batch of generateScaleDocuments(opts)) {
      expect(batch.docs.length).to.be.at.most(1000);
      if (++batches === 30) break;
    }
    expect(batches).to.equal(30);
  });

  it('produces the same documents for the same seed, valid for the models', async () => {
    const opts = { provinces: ['36'], schoolsPerCounty: 4, teachersPerSchool: 3, seed: 5, batchSize: 100 };
    const names = (seed: number) =>
      [...generateScaleDocuments({ ...opts, seed })].flatMap((b) =>
        b.collection === 'schools' ? b.docs.map((d) => d.name) : [],
      );
    expect(names(5)).to.deep.equal(names(5));
    expect(names(5)).to.not.deep.equal(names(6));
    for (const batch of generateScaleDocuments(opts)) {
      const model = batch.collection === 'schools' ? School : Teacher;
      for (const doc of batch.docs.slice(0, 20)) await new model(doc).validate();
    }
  });

  it('writes exactly the expected counts for one province', async () => {
    const passwordHash = await hashPassword(SCHOOL_ADMIN_PASSWORD);
    const opts = {
      provinces: ['35'],
      schoolsPerCounty: 3,
      teachersPerSchool: 2,
      seed: 9,
      schoolAdmins: true,
      passwordHash,
      batchSize: 50,
    };
    let largest = 0;
    for (const batch of generateScaleDocuments(opts)) largest = Math.max(largest, batch.docs.length);
    expect(largest).to.equal(50);
    const expected: ScaleCounts = { schools: 84 * 3, teachers: 84 * 3 * 2, users: 84 * 3 };
    expect(expectedScaleCounts(opts)).to.deep.equal(expected);
    const progress: number[] = [];
    const result = await writeScale(opts, (p) => progress.push(p.written.teachers));
    expect(result.counts).to.deep.equal(expected);
    expect(await School.countDocuments()).to.equal(expected.schools);
    expect(await Teacher.countDocuments()).to.equal(expected.teachers);
    expect(await User.countDocuments()).to.equal(expected.users);
    expect(progress.length).to.be.greaterThan(5);
    const user = await User.findOne({ loginName: 's3501020001' }).lean<UserDoc>();
    expect(await verifyPassword(SCHOOL_ADMIN_PASSWORD, user!.passwordHash)).to.equal(true);
  });
});
