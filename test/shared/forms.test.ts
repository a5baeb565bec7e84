import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import {
  REGION_FORM_V1,
  SCHOOL_BASIC_FIELDS,
  SCHOOL_FORM_V1,
  detectSuspectedIssues,
  schoolFieldLabel,
  type SchoolReportData,
} from '../../shared/src';
import { goodSchoolReport } from '../helpers/reports';

const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

describe('forms as data', () => {
  it('the school form accepts a plausible report and labels every field in Chinese', () => {
    const validate = ajv.compile(SCHOOL_FORM_V1);
    expect(validate(goodSchoolReport), JSON.stringify(validate.errors)).to.equal(true);
    for (const [key, prop] of Object.entries(
      SCHOOL_FORM_V1.properties as Record<string, { title?: string }>,
    )) {
      expect(prop.title, key).to.match(/[\u4e00-\u9fa5]/);
    }
    expect(schoolFieldLabel('teacherTerminals.tablet')).to.equal('教师终端·平板');
  });

  it('the school form rejects negatives, fractions, unknown fields and missing fields', () => {
    const validate = ajv.compile(SCHOOL_FORM_V1);
    expect(validate({ ...goodSchoolReport, classes: -1 })).to.equal(false);
    expect(validate({ ...goodSchoolReport, classes: 1.5 })).to.equal(false);
    expect(validate({ ...goodSchoolReport, foo: 1 })).to.equal(false);
    const { students: _students, ...missing } = goodSchoolReport;
    expect(validate(missing)).to.equal(false);
  });

  it('the region form requires the platform source and metro bandwidth when they apply', () => {
    const validate = ajv.compile(REGION_FORM_V1);
    expect(validate({ platformUsed: false, metroNetwork: false })).to.equal(true);
    expect(validate({ platformUsed: true, metroNetwork: false })).to.equal(false);
    expect(validate({ platformUsed: true, platformSource: '国家级提供', metroNetwork: false })).to.equal(
      true,
    );
    expect(validate({ platformUsed: false, metroNetwork: true })).to.equal(false);
    expect(
      validate({ platformUsed: false, metroNetwork: true, metroBandwidth: '4G', carriers: ['电信', '联通'] }),
    ).to.equal(true);
    expect(
      validate({ platformUsed: false, metroNetwork: false, textbooks: { 小学: { 语文: ['人教版'] } } }),
    ).to.equal(true);
    expect(
      validate({ platformUsed: false, metroNetwork: false, textbooks: { 小学: { 化学: ['x'] } } }),
    ).to.equal(false);
  });

  it('basic-info fields are the basic group', () => {
    expect(SCHOOL_BASIC_FIELDS).to.include.members(['classes', 'teachers', 'students']);
    expect(SCHOOL_BASIC_FIELDS).to.not.include('bandwidthMbps');
  });
});

describe('suspected-issue rules', () => {
  const codes = (d: SchoolReportData, prev?: SchoolReportData) =>
    detectSuspectedIssues(d, prev).map((i) => i.code);

  it('a plausible report has none', () => {
    expect(detectSuspectedIssues(goodSchoolReport)).to.deep.equal([]);
  });

  it('multimedia classrooms exceeding classrooms', () => {
    const issues = detectSuspectedIssues({
      ...goodSchoolReport,
      multimediaWithNetwork: 11,
      interactiveWithNetwork: 2,
    });
    expect(issues.map((i) => i.code)).to.deep.equal(['MULTIMEDIA_EXCEEDS_CLASSROOMS']);
    expect(issues[0].kind).to.equal('report');
    expect(issues[0].message).to.equal('多媒体教室合计 13 间，多于普通教室数 12 间');
  });

  it('no campus network but a bandwidth', () => {
    expect(codes({ ...goodSchoolReport, campusNetwork: false })).to.deep.equal(['NO_NETWORK_BUT_BANDWIDTH']);
  });

  it('more terminals than people', () => {
    expect(
      codes({ ...goodSchoolReport, studentTerminals: { desktop: 400, laptop: 0, tablet: 100 } }),
    ).to.deep.equal(['STUDENT_TERMINALS_EXCEED_STUDENTS']);
    expect(
      codes({ ...goodSchoolReport, teacherTerminals: { desktop: 91, laptop: 0, tablet: 0 } }),
    ).to.deep.equal(['TEACHER_TERMINALS_EXCEED_TEACHERS']);
  });

  it('students without teachers is a basic-info issue', () => {
    const issues = detectSuspectedIssues({
      ...goodSchoolReport,
      teachers: 0,
      teacherTerminals: { desktop: 0, laptop: 0, tablet: 0 },
    });
    expect(issues.map((i) => [i.code, i.kind])).to.deep.equal([['STUDENTS_WITHOUT_TEACHERS', 'basic']]);
  });

  it('a value changing by more than 50% since the last period', () => {
    const issues = detectSuspectedIssues({ ...goodSchoolReport, students: 200 }, goodSchoolReport);
    expect(issues.map((i) => i.code)).to.deep.equal(['OUTLIER_CHANGE:students']);
    expect(issues[0].message).to.equal('在校生数由上期的 480 变为 200，变化 58%，超过 50%');
    expect(issues[0].kind).to.equal('basic');
    // Exactly 50% is not more than 50%; small bases are ignored.
    expect(codes({ ...goodSchoolReport, students: 240 }, goodSchoolReport)).to.deep.equal([]);
    expect(codes({ ...goodSchoolReport, computerRooms: 3 }, goodSchoolReport)).to.deep.equal([]);
    expect(
      codes(
        { ...goodSchoolReport, studentTerminals: { desktop: 50, laptop: 0, tablet: 100 } },
        goodSchoolReport,
      ),
    ).to.deep.equal(['OUTLIER_CHANGE:studentTerminals.tablet']);
  });
});
