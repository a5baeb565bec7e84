// Every informatization indicator, declared once (seed 000 part 5 and §4.3 三). The server computes
// rollups from these declarations; the mini-program and the bot take labels, units and pages from them.
// Fields come from the school form (version 2 adds what version 1 lacked) and the region form.
// Over 500 lines on purpose: the catalogue is data, one declaration per indicator.
import { SCHOOL_TYPES, type SchoolType } from '../domain';
import type { CategoryDef, Formula, IndicatorCategory, IndicatorDef } from './types';

/** Categories and their pages, in the order of seed 000 part 5. */
export const INDICATOR_CATEGORIES: readonly CategoryDef[] = [
  {
    key: 'teachingPoint',
    label: '教学点',
    pages: [
      { key: 'basic', label: '基本情况' },
      { key: 'install', label: '安装进度' },
      { key: 'resourceUse', label: '资源使用' },
      { key: 'courses', label: '开课情况' },
      { key: 'training', label: '师资培训' },
      { key: 'project', label: '项目学校' },
    ],
  },
  {
    key: 'schoolNet',
    label: '校校通',
    pages: [
      { key: 'broadband', label: '宽带接入' },
      { key: 'campus', label: '校园网' },
      { key: 'metro', label: '城域网' },
      { key: 'multimedia', label: '多媒体教室' },
      { key: 'computerRooms', label: '计算机教室' },
      { key: 'recordingRooms', label: '录播教室' },
      { key: 'studentTerminals', label: '学生终端' },
      { key: 'teacherTerminals', label: '教师终端' },
    ],
  },
  {
    key: 'classNet',
    label: '班班通',
    pages: [
      { key: 'leading', label: '一校带多校' },
      { key: 'onlineSchool', label: '网校' },
    ],
  },
  {
    key: 'personalSpace',
    label: '人人通',
    pages: [
      { key: 'school', label: '学校空间' },
      { key: 'teacher', label: '教师空间' },
      { key: 'student', label: '学生空间' },
    ],
  },
  { key: 'lessons', label: '一师一课', pages: [{ key: 'lessons', label: '晒课情况' }] },
  { key: 'textbooks', label: '教材', pages: [{ key: 'editions', label: '教材版本' }] },
];

export const INDICATOR_CATEGORY_KEYS = INDICATOR_CATEGORIES.map((c) => c.key) as IndicatorCategory[];

const TEACHING_POINT: readonly SchoolType[] = ['教学点'];
/** Schools the 三通 indicators count: every school type but 机构 (institutions are not schools). */
const SCHOOLS: readonly SchoolType[] = SCHOOL_TYPES.filter((t) => t !== '机构');

const f = (field: string): Formula => ({ field });
const one: Formula = { const: 1 };
const sum = (...fields: string[]): Formula => ({ sum: fields.map(f) });
const terminals = (group: string) => sum(`${group}.desktop`, `${group}.laptop`, `${group}.tablet`) as Formula;
const multimedia = sum(
  'multimediaWithNetwork',
  'multimediaWithoutNetwork',
  'interactiveWithNetwork',
  'interactiveWithoutNetwork',
);

type Decl = Omit<IndicatorDef, 'category' | 'source'> & { source?: 'school' | 'region' };

const declare = (category: IndicatorCategory, list: Decl[]): IndicatorDef[] =>
  list.map((d) => ({ source: 'school', ...d, category }));

const count = (
  key: string,
  label: string,
  page: string,
  numerator: Formula,
  description: string,
  schoolTypes = SCHOOLS,
): Decl => ({ key, label, page, kind: 'count', unit: '所', schoolTypes, numerator, description });

const total = (
  key: string,
  label: string,
  page: string,
  unit: string,
  numerator: Formula,
  description: string,
  schoolTypes = SCHOOLS,
): Decl => ({ key, label, page, kind: 'sum', unit, schoolTypes, numerator, description });

const rate = (
  key: string,
  label: string,
  page: string,
  numerator: Formula,
  denominator: Formula,
  description: string,
  opts: { unit?: string; scale?: number; decimals?: number; schoolTypes?: readonly SchoolType[] } = {},
): Decl => ({
  key,
  label,
  page,
  kind: 'rate',
  unit: opts.unit ?? '%',
  scale: opts.scale ?? 100,
  decimals: opts.decimals ?? 2,
  schoolTypes: opts.schoolTypes ?? SCHOOLS,
  numerator,
  denominator,
  description,
});

/** Every indicator, grouped by category and page as the statistics pages show them. */
export const INDICATORS: readonly IndicatorDef[] = [
  ...declare('teachingPoint', [
    count('tpCount', '教学点数', 'basic', one, '已上报的教学点数', TEACHING_POINT),
    total('tpStudents', '教学点在校生数', 'basic', '人', f('students'), '教学点在校生数之和', TEACHING_POINT),
    total('tpTeachers', '教学点教职工数', 'basic', '人', f('teachers'), '教学点教职工数之和', TEACHING_POINT),
    total('tpClasses', '教学点班级数', 'basic', '个', f('classes'), '教学点班级数之和', TEACHING_POINT),
    count(
      'tpEquipped',
      '已配备资源接收设备的教学点数',
      'install',
      f('satelliteReceiver'),
      '“是否配备数字教育资源接收设备”为是的教学点数',
      TEACHING_POINT,
    ),
    rate(
      'tpEquippedRate',
      '设备安装率',
      'install',
      f('satelliteReceiver'),
      one,
      '已配备接收设备的教学点数 ÷ 填报了该项的教学点数',
      { schoolTypes: TEACHING_POINT },
    ),
    count(
      'tpResourcesInUse',
      '常态化使用数字资源的教学点数',
      'resourceUse',
      f('resourcesInUse'),
      '“是否常态化使用数字教育资源开课”为是的教学点数',
      TEACHING_POINT,
    ),
    rate(
      'tpResourcesInUseRate',
      '资源使用率',
      'resourceUse',
      f('resourcesInUse'),
      one,
      '常态化使用数字资源的教学点数 ÷ 填报了该项的教学点数',
      { schoolTypes: TEACHING_POINT },
    ),
    rate(
      'tpCoursesOpenedRate',
      '开齐开足国家规定课程的教学点占比',
      'courses',
      f('coursesOpenedFully'),
      one,
      '利用数字资源开齐开足国家规定课程的教学点数 ÷ 填报了该项的教学点数',
      { schoolTypes: TEACHING_POINT },
    ),
    rate(
      'tpLessonsPerWeek',
      '平均每校每周使用资源上课节数',
      'courses',
      f('resourceLessonsPerWeek'),
      one,
      '每周使用数字教育资源上课节数之和 ÷ 填报了该项的教学点数',
      { unit: '节/校', scale: 1, decimals: 1, schoolTypes: TEACHING_POINT },
    ),
    total(
      'tpTrainedTeachers',
      '接受应用培训的教师数',
      'training',
      '人',
      f('trainedTeachers'),
      '教学点接受数字教育资源应用培训的教师数之和',
      TEACHING_POINT,
    ),
    rate(
      'tpTrainedRate',
      '教师培训率',
      'training',
      f('trainedTeachers'),
      f('teachers'),
      '接受应用培训的教师数 ÷ 教职工数（填报了培训人数的教学点）',
      { schoolTypes: TEACHING_POINT },
    ),
    count(
      'tpProjectDeclared',
      '申报为项目学校的学校数',
      'project',
      { attr: 'projectSchool', in: ['declared', 'confirmed'] },
      '学校申报为“教学点数字教育资源全覆盖”项目学校的学校数（含已确认）',
      SCHOOLS,
    ),
    count(
      'tpProjectConfirmed',
      '区县已确认的项目学校数',
      'project',
      { attr: 'projectSchool', in: ['confirmed'] },
      '经区县管理员确认的项目学校数',
      SCHOOLS,
    ),
  ]),
  ...declare('schoolNet', [
    count(
      'bbConnected',
      '已接入互联网的学校数',
      'broadband',
      { gt: [f('bandwidthMbps'), 0] },
      '互联网接入带宽大于 0 的学校数',
    ),
    rate(
      'bbConnectedRate',
      '宽带接入率',
      'broadband',
      { gt: [f('bandwidthMbps'), 0] },
      one,
      '接入带宽大于 0 的学校数 ÷ 学校数',
    ),
    rate(
      'bb10Rate',
      '带宽 10M 及以上学校占比',
      'broadband',
      { gte: [f('bandwidthMbps'), 10] },
      one,
      '接入带宽 ≥ 10 Mbps 的学校数 ÷ 学校数',
    ),
    rate(
      'bb100Rate',
      '带宽 100M 及以上学校占比',
      'broadband',
      { gte: [f('bandwidthMbps'), 100] },
      one,
      '接入带宽 ≥ 100 Mbps 的学校数 ÷ 学校数',
    ),
    rate('bbAverage', '平均接入带宽', 'broadband', f('bandwidthMbps'), one, '接入带宽之和 ÷ 学校数', {
      unit: 'Mbps',
      scale: 1,
      decimals: 1,
    }),
    count('campusCount', '建有校园网的学校数', 'campus', f('campusNetwork'), '“是否建有校园网”为是的学校数'),
    rate('campusRate', '校园网覆盖率', 'campus', f('campusNetwork'), one, '建有校园网的学校数 ÷ 学校数'),
    count(
      'metroSchools',
      '接入教育城域网的学校数',
      'metro',
      f('metroConnected'),
      '“是否接入教育城域网”为是的学校数',
    ),
    rate(
      'metroSchoolRate',
      '学校接入城域网比例',
      'metro',
      f('metroConnected'),
      one,
      '接入教育城域网的学校数 ÷ 填报了该项的学校数',
    ),
    {
      key: 'metroRegions',
      label: '具有到校教育城域网的地区数',
      page: 'metro',
      kind: 'count',
      source: 'region',
      unit: '个',
      regionLevels: ['province', 'city', 'county'],
      numerator: f('metroNetwork'),
      description: '地区情况中“是否具有到校的教育城域网”为是的地区数（本级及下级已上报的地区）',
    },
    {
      key: 'metroRegionRate',
      label: '具有到校城域网的地区占比',
      page: 'metro',
      kind: 'rate',
      source: 'region',
      unit: '%',
      scale: 100,
      decimals: 2,
      regionLevels: ['province', 'city', 'county'],
      numerator: f('metroNetwork'),
      denominator: one,
      description: '具有到校教育城域网的地区数 ÷ 已上报地区情况的地区数',
    },
    total(
      'mmClassrooms',
      '多媒体教室数',
      'multimedia',
      '间',
      multimedia,
      '多媒体教室与交互式多媒体教室（联网与未联网）之和',
    ),
    rate(
      'mmCoverage',
      '普通教室多媒体覆盖率',
      'multimedia',
      multimedia,
      f('classrooms'),
      '多媒体教室数 ÷ 普通教室数',
    ),
    rate(
      'mmNetworkedRate',
      '多媒体教室联网率',
      'multimedia',
      sum('multimediaWithNetwork', 'interactiveWithNetwork'),
      multimedia,
      '联网的多媒体教室数 ÷ 多媒体教室数',
    ),
    total(
      'mmInteractive',
      '交互式多媒体教室数',
      'multimedia',
      '间',
      sum('interactiveWithNetwork', 'interactiveWithoutNetwork'),
      '交互式多媒体教室（联网与未联网）之和',
    ),
    total('crTotal', '计算机教室数', 'computerRooms', '间', f('computerRooms'), '计算机教室数之和'),
    rate(
      'crSchoolRate',
      '建有计算机教室的学校占比',
      'computerRooms',
      { gte: [f('computerRooms'), 1] },
      one,
      '计算机教室数 ≥ 1 的学校数 ÷ 学校数',
    ),
    total('rrTotal', '录播教室数', 'recordingRooms', '间', f('recordingRooms'), '录播教室数之和'),
    rate(
      'rrSchoolRate',
      '建有录播教室的学校占比',
      'recordingRooms',
      { gte: [f('recordingRooms'), 1] },
      one,
      '录播教室数 ≥ 1 的学校数 ÷ 学校数',
    ),
    total(
      'stTotal',
      '学生终端数',
      'studentTerminals',
      '台',
      terminals('studentTerminals'),
      '学生终端（台式机、笔记本、平板）之和',
    ),
    total(
      'stTablets',
      '学生平板数',
      'studentTerminals',
      '台',
      f('studentTerminals.tablet'),
      '学生终端中平板之和',
    ),
    rate(
      'stPer100',
      '生机比（每百名学生终端数）',
      'studentTerminals',
      terminals('studentTerminals'),
      f('students'),
      '学生终端数 × 100 ÷ 在校生数',
      {
        unit: '台/百生',
      },
    ),
    total(
      'ttTotal',
      '教师终端数',
      'teacherTerminals',
      '台',
      terminals('teacherTerminals'),
      '教师终端（台式机、笔记本、平板）之和',
    ),
    rate(
      'ttPerTeacher',
      '师机比（每名教职工终端数）',
      'teacherTerminals',
      terminals('teacherTerminals'),
      f('teachers'),
      '教师终端数 ÷ 教职工数',
      {
        unit: '台/人',
        scale: 1,
      },
    ),
  ]),
  ...declare('classNet', [
    count(
      'leadingSchools',
      '带动其他学校的学校数',
      'leading',
      { gte: [f('ledSchools'), 1] },
      '带动教学点或学校数 ≥ 1 的学校数',
    ),
    total(
      'ledSchools',
      '被带动的教学点和学校数',
      'leading',
      '所',
      f('ledSchools'),
      '各校填报的带动教学点或学校数之和',
    ),
    count(
      'onlineSchools',
      '开设网校的学校数',
      'onlineSchool',
      f('onlineSchool'),
      '“是否开设网校（网络课堂）”为是的学校数',
    ),
    rate(
      'onlineSchoolRate',
      '开设网校的学校占比',
      'onlineSchool',
      f('onlineSchool'),
      one,
      '开设网校的学校数 ÷ 填报了该项的学校数',
    ),
  ]),
  ...declare('personalSpace', [
    count(
      'schoolSpaces',
      '开通学校空间的学校数',
      'school',
      f('schoolSpace'),
      '“是否开通学校（机构）网络空间”为是的学校数',
    ),
    rate(
      'schoolSpaceRate',
      '学校空间开通率',
      'school',
      f('schoolSpace'),
      one,
      '开通学校空间的学校数 ÷ 填报了该项的学校数',
    ),
    total(
      'teacherSpaces',
      '开通空间的教师数',
      'teacher',
      '人',
      f('teacherSpaces'),
      '开通网络学习空间的教师数之和',
    ),
    rate(
      'teacherSpaceRate',
      '教师空间开通率',
      'teacher',
      f('teacherSpaces'),
      f('teachers'),
      '开通空间的教师数 ÷ 教职工数',
    ),
    total(
      'studentSpaces',
      '开通空间的学生数',
      'student',
      '人',
      f('studentSpaces'),
      '开通网络学习空间的学生数之和',
    ),
    rate(
      'studentSpaceRate',
      '学生空间开通率',
      'student',
      f('studentSpaces'),
      f('students'),
      '开通空间的学生数 ÷ 在校生数',
    ),
  ]),
  ...declare('lessons', [
    total('lessonsShared', '晒课数', 'lessons', '节', f('lessonsShared'), '一师一优课晒课数之和'),
    total(
      'teachersSharing',
      '参与晒课的教师数',
      'lessons',
      '人',
      f('teachersSharing'),
      '参与晒课的教师数之和',
    ),
    rate(
      'sharingRate',
      '教师晒课参与率',
      'lessons',
      f('teachersSharing'),
      f('teachers'),
      '参与晒课的教师数 ÷ 教职工数（填报了晒课情况的学校）',
    ),
  ]),
  ...declare('textbooks', [
    {
      key: 'textbookCounties',
      label: '填报教材版本的区县数',
      page: 'editions',
      kind: 'count',
      source: 'region',
      unit: '个',
      regionLevels: ['county'],
      numerator: one,
      denominator: undefined,
      description: '地区情况中填报了教材版本使用情况的区县数',
      // Only counties that filled the textbook part count (see `requiredFields`).
    },
    {
      key: 'textbookEditions',
      label: '教材版本使用情况',
      page: 'editions',
      kind: 'distribution',
      source: 'region',
      unit: '个区县',
      regionLevels: ['county'],
      numerator: { entries: 'textbooks' },
      description: '各学段、学科使用各版本教材的区县数',
    },
  ]),
];

/** Fields an indicator needs beyond those its formulas read (a unit lacking one is not counted). */
export const EXTRA_REQUIRED_FIELDS: Record<string, readonly string[]> = {
  textbookCounties: ['textbooks'],
};

const byKey = new Map(INDICATORS.map((d) => [d.key, d]));

/** The indicator with this key, or undefined. */
export function indicatorByKey(key: string): IndicatorDef | undefined {
  return byKey.get(key);
}

/** The indicators of a category (and page), in declaration order. */
export function indicatorsOf(category: IndicatorCategory, page?: string): IndicatorDef[] {
  return INDICATORS.filter((d) => d.category === category && (!page || d.page === page));
}

/** The category declaration with this key, or undefined. */
export function categoryByKey(key: string): CategoryDef | undefined {
  return INDICATOR_CATEGORIES.find((c) => c.key === key);
}
