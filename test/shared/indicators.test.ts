import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  INDICATORS,
  INDICATOR_CATEGORIES,
  REGION_FORM_V1,
  SCHOOL_FORMS,
  SCHOOL_FORM_CURRENT_VERSION,
  SCHOOL_FORM_V1,
  addParts,
  formatIndicatorValue,
  indicatorByKey,
  indicatorValue,
  indicatorsOf,
  requiredFields,
  schoolFieldLabel,
  unitParts,
  type Parts,
  type UnitInput,
} from '../../shared/src';
import { expectedAll, expectedEditions, statRegions, statSchools } from '../helpers/statistics';

const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

const schoolUnits: UnitInput[] = Object.values(statSchools).map((s) => ({
  kind: 'school',
  data: s.data,
  schoolType: s.type,
  projectSchool: s.projectSchool,
}));
const regionUnits: UnitInput[] = Object.values(statRegions).map((r) => ({
  kind: 'region',
  data: r.data,
  regionLevel: r.level,
}));

function partsOver(units: UnitInput[]): Parts {
  const total: Parts = {};
  for (const c of INDICATOR_CATEGORIES) for (const u of units) addParts(total, unitParts(c.key, u));
  return total;
}

describe('informatization indicators (seed 000 part 5)', () => {
  it('cover every category and page of the seed, each page with at least one indicator', () => {
    expect(INDICATOR_CATEGORIES.map((c) => c.label)).to.deep.equal([
      '教学点',
      '校校通',
      '班班通',
      '人人通',
      '一师一课',
      '教材',
    ]);
    const pages = INDICATOR_CATEGORIES.flatMap((c) => c.pages.map((p) => `${c.label}-${p.label}`));
    for (const p of [
      '教学点-基本情况',
      '教学点-安装进度',
      '教学点-资源使用',
      '教学点-开课情况',
      '教学点-师资培训',
      '教学点-项目学校',
      '校校通-宽带接入',
      '校校通-校园网',
      '校校通-城域网',
      '校校通-多媒体教室',
      '校校通-计算机教室',
      '校校通-录播教室',
      '校校通-学生终端',
      '校校通-教师终端',
      '班班通-一校带多校',
      '班班通-网校',
      '人人通-学校空间',
      '人人通-教师空间',
      '人人通-学生空间',
      '一师一课-晒课情况',
      '教材-教材版本',
    ]) {
      expect(pages).to.include(p);
    }
    for (const c of INDICATOR_CATEGORIES) {
      // list-checked: the pages of a constant table, all named just above
      for (const p of c.pages) {
        expect(
          INDICATORS.some((d) => d.category === c.key && d.page === p.key),
          `${c.label}-${p.label}`,
        ).to.equal(true);
      }
    }
  });

  it('docs/STATISTICS.md names every page with exactly its indicators', () => {
    const doc = readFileSync(new URL('../../docs/STATISTICS.md', import.meta.url), 'utf8');
    const pages = INDICATOR_CATEGORIES.flatMap((c) => c.pages.map((p) => ({ c, p })));
    expect(pages).to.have.length(21);
    for (const { c, p } of pages) {
      const line = doc.split('\n').find((l) => l.startsWith(`| ${c.label} | ${p.label} (\`${p.key}\`) |`));
      expect(line, `${c.label}-${p.label}`).to.be.a('string');
      const keys = line!
        .split('|')[3]
        .match(/`[^`]+`/g)
        ?.map((k) => k.slice(1, -1));
      expect(keys, `${c.label}-${p.label}`).to.deep.equal(indicatorsOf(c.key, p.key).map((d) => d.key));
    }
  });

  it('declare once: unique keys, Chinese labels, a unit, and formulas reading only form fields that exist', () => {
    expect(new Set(INDICATORS.map((d) => d.key)).size).to.equal(INDICATORS.length);
    const latest = SCHOOL_FORMS[SCHOOL_FORM_CURRENT_VERSION];
    for (const d of INDICATORS) {
      expect(d.label, d.key).to.match(/[\u4e00-\u9fa5]/);
      expect(d.description, d.key).to.match(/[\u4e00-\u9fa5]/);
      expect(d.unit, d.key).to.be.a('string').and.not.empty;
      if (d.kind === 'rate') expect(d.denominator, d.key).to.exist;
      // list-checked: an indicator counted from the units themselves (tpCount) reads no form field
      for (const path of requiredFields(d)) {
        const form = d.source === 'school' ? latest : REGION_FORM_V1;
        let node: any = form;
        for (const part of path.split('.')) node = node?.properties?.[part];
        expect(node, `${d.key} reads ${path}`).to.exist;
      }
    }
  });

  it('every figure over the fixture equals the hand-computed value, category by category', () => {
    const parts = partsOver([...schoolUnits, ...regionUnits]);
    for (const d of INDICATORS) {
      expect(indicatorValue(d, parts).value, d.key).to.equal(expectedAll[d.key]);
    }
    expect(indicatorValue(indicatorByKey('textbookEditions')!, parts).entries).to.have.deep.members(
      expectedEditions,
    );
    expect(Object.keys(expectedAll)).to.have.members(INDICATORS.map((d) => d.key));
  });

  it('a rate carries its parts; a rate without a denominator has no value', () => {
    const parts = partsOver(schoolUnits);
    expect(indicatorValue(indicatorByKey('stPer100')!, parts)).to.deep.include({
      numerator: 195,
      denominator: 1415,
      value: 13.78,
    });
    expect(indicatorValue(indicatorByKey('tpEquippedRate')!, {}).value).to.equal(null);
    expect(formatIndicatorValue(indicatorByKey('bb100Rate')!, 50)).to.equal('50.00%');
    expect(formatIndicatorValue(indicatorByKey('stPer100')!, 13.78)).to.equal('13.78 台/百生');
    expect(formatIndicatorValue(indicatorByKey('crTotal')!, 1204)).to.equal('1,204 间');
    expect(formatIndicatorValue(indicatorByKey('bb100Rate')!, null)).to.equal('—');
  });

  it('a school counts only for the types an indicator applies to, and only when it reported the fields', () => {
    const point = unitParts('teachingPoint', schoolUnits[1]);
    expect(point.tpCount).to.equal(1);
    const primary = unitParts('teachingPoint', schoolUnits[0]);
    expect(primary.tpCount).to.equal(undefined);
    // The v1 teaching point did not report 开课情况: it is in neither numerator nor denominator.
    const v1 = unitParts('teachingPoint', schoolUnits[2]);
    expect(v1['tpCoursesOpenedRate~d']).to.equal(undefined);
    expect(v1['tpEquippedRate~d']).to.equal(1);
    // Parts subtract exactly: what a withdrawn report takes away is what it added.
    const all = partsOver(schoolUnits);
    for (const c of INDICATOR_CATEGORIES) addParts(all, unitParts(c.key, schoolUnits[3]), -1);
    expect(indicatorValue(indicatorByKey('crTotal')!, all).value).to.equal(1);
  });

  it('edition names cannot break a rollup field name', () => {
    const parts = unitParts('textbooks', {
      kind: 'region',
      regionLevel: 'county',
      data: { textbooks: { 小学: { 语文: ['人教.版$:1'] } } },
    });
    expect(Object.keys(parts)).to.not.be.empty;
    for (const k of Object.keys(parts)) expect(k).to.not.match(/[.$]/);
    expect(indicatorValue(indicatorByKey('textbookEditions')!, parts).entries![0].path).to.deep.equal([
      '小学',
      '语文',
      '人教.版$:1',
    ]);
  });

  it('form v2 adds optional fields: a v1 report still validates under v2; labels come from the form', () => {
    expect(SCHOOL_FORM_CURRENT_VERSION).to.equal(2);
    const v2 = ajv.compile(SCHOOL_FORMS[2]);
    expect(v2(statSchools.pointV1.data), JSON.stringify(v2.errors)).to.equal(true);
    expect(v2(statSchools.primary.data), JSON.stringify(v2.errors)).to.equal(true);
    expect(v2({ ...statSchools.primary.data, ledSchools: -1 })).to.equal(false);
    const v1 = ajv.compile(SCHOOL_FORM_V1);
    expect(v1(statSchools.primary.data)).to.equal(false);
    expect(schoolFieldLabel('lessonsShared')).to.equal('一师一优课晒课数');
  });
});
