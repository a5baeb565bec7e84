// The school report form (seed 000 §4.3 and part 5): basic info, 三通 indicators, 教学点 items, 人人通.
// A JSON Schema with zh-CN labels (title), units (x-unit), help (description) and ranges: the server
// validates with it, the mini-program renders from it. Versions are kept side by side; a report
// remembers the version it was filed under.
import type { JsonSchemaObject } from './types';

const count = (title: string, unit: string, description?: string, maximum = 100_000) => ({
  type: 'integer',
  title,
  minimum: 0,
  maximum,
  'x-unit': unit,
  ...(description ? { description } : {}),
});

const terminals = (title: string) => ({
  type: 'object',
  title,
  additionalProperties: false,
  'x-group': 'terminals',
  properties: {
    desktop: count('台式机', '台'),
    laptop: count('笔记本', '台'),
    tablet: count('平板', '台'),
  },
  required: ['desktop', 'laptop', 'tablet'],
});

/** Field groups, in the order the form shows them; `basic` fields are 基本信息, the rest 上报信息. */
export const SCHOOL_FORM_GROUPS = [
  { key: 'basic', title: '基本信息' },
  { key: 'network', title: '宽带网络校校通' },
  { key: 'classrooms', title: '优质资源班班通' },
  { key: 'terminals', title: '终端配备' },
  { key: 'teachingPoint', title: '教学点数字教育资源全覆盖' },
  { key: 'spaces', title: '网络学习空间人人通' },
  { key: 'lessons', title: '一师一优课' },
] as const;

export const SCHOOL_FORM_V1: JsonSchemaObject = {
  $id: 'school-form/v1',
  type: 'object',
  title: '学校信息化情况',
  'x-version': 1,
  additionalProperties: false,
  required: [
    'classes',
    'teachers',
    'students',
    'minoritySchool',
    'campusNetwork',
    'bandwidthMbps',
    'computerRooms',
    'recordingRooms',
    'classrooms',
    'multimediaWithNetwork',
    'multimediaWithoutNetwork',
    'interactiveWithNetwork',
    'interactiveWithoutNetwork',
    'teacherTerminals',
    'studentTerminals',
    'teacherSpaces',
    'studentSpaces',
  ],
  properties: {
    classes: { ...count('班级数', '个', undefined, 1000), 'x-group': 'basic' },
    teachers: { ...count('教职工数', '人', '在编在岗及长期聘用的教职工', 10_000), 'x-group': 'basic' },
    students: { ...count('在校生数', '人', undefined, 50_000), 'x-group': 'basic' },
    minoritySchool: { type: 'boolean', title: '是否少数民族学校', 'x-group': 'basic' },
    campusNetwork: { type: 'boolean', title: '是否建有校园网', 'x-group': 'network' },
    bandwidthMbps: {
      ...count('互联网接入带宽', 'Mbps', '学校互联网出口总带宽；未接入填 0', 100_000),
      'x-group': 'network',
    },
    computerRooms: { ...count('计算机教室数', '间', undefined, 500), 'x-group': 'classrooms' },
    recordingRooms: { ...count('录播教室数', '间', undefined, 500), 'x-group': 'classrooms' },
    classrooms: { ...count('普通教室数', '间', undefined, 1000), 'x-group': 'classrooms' },
    multimediaWithNetwork: { ...count('多媒体教室（联网）', '间', undefined, 1000), 'x-group': 'classrooms' },
    multimediaWithoutNetwork: {
      ...count('多媒体教室（未联网）', '间', undefined, 1000),
      'x-group': 'classrooms',
    },
    interactiveWithNetwork: {
      ...count('交互式多媒体教室（联网）', '间', undefined, 1000),
      'x-group': 'classrooms',
    },
    interactiveWithoutNetwork: {
      ...count('交互式多媒体教室（未联网）', '间', undefined, 1000),
      'x-group': 'classrooms',
    },
    teacherTerminals: terminals('教师终端'),
    studentTerminals: terminals('学生终端'),
    satelliteReceiver: {
      type: 'boolean',
      title: '是否配备数字教育资源接收设备',
      description: '教学点填写：卫星接收或网络接收设备',
      'x-group': 'teachingPoint',
      'x-only-types': ['教学点'],
    },
    resourcesInUse: {
      type: 'boolean',
      title: '是否常态化使用数字教育资源开课',
      'x-group': 'teachingPoint',
      'x-only-types': ['教学点'],
    },
    teacherSpaces: { ...count('开通网络学习空间的教师数', '人', undefined, 10_000), 'x-group': 'spaces' },
    studentSpaces: { ...count('开通网络学习空间的学生数', '人', undefined, 50_000), 'x-group': 'spaces' },
  },
};

/**
 * Version 2 (issue 13): version 1 plus the fields the statistics pages of seed 000 part 5 need and
 * version 1 lacks — 教学点 开课情况 and 师资培训, 城域网 access, 一校带多校, 网校, 学校空间, 一师一优课.
 * They are optional, so a version-1 report carried into a new period still validates; an indicator
 * counts a school only when the fields it reads were reported (see `shared/src/indicators`).
 */
export const SCHOOL_FORM_V2: JsonSchemaObject = {
  ...SCHOOL_FORM_V1,
  $id: 'school-form/v2',
  'x-version': 2,
  properties: {
    ...(SCHOOL_FORM_V1.properties as Record<string, unknown>),
    metroConnected: {
      type: 'boolean',
      title: '是否接入教育城域网',
      description: '学校经光纤接入本地区的教育城域网',
      'x-group': 'network',
    },
    coursesOpenedFully: {
      type: 'boolean',
      title: '是否利用数字教育资源开齐开足国家规定课程',
      'x-group': 'teachingPoint',
      'x-only-types': ['教学点'],
    },
    resourceLessonsPerWeek: {
      ...count('每周使用数字教育资源上课节数', '节', '教学点填写', 500),
      'x-group': 'teachingPoint',
      'x-only-types': ['教学点'],
    },
    trainedTeachers: {
      ...count('接受数字教育资源应用培训的教师数', '人', '教学点填写', 10_000),
      'x-group': 'teachingPoint',
      'x-only-types': ['教学点'],
    },
    ledSchools: {
      ...count(
        '一校带多校：本校带动的教学点或学校数',
        '所',
        '以同步课堂、专递课堂等方式带动的教学点或学校',
        100,
      ),
      'x-group': 'classrooms',
    },
    onlineSchool: {
      type: 'boolean',
      title: '是否开设网校（网络课堂）',
      'x-group': 'classrooms',
    },
    schoolSpace: { type: 'boolean', title: '是否开通学校（机构）网络空间', 'x-group': 'spaces' },
    lessonsShared: { ...count('一师一优课晒课数', '节', undefined, 10_000), 'x-group': 'lessons' },
    teachersSharing: { ...count('参与晒课的教师数', '人', undefined, 10_000), 'x-group': 'lessons' },
  },
};

export const SCHOOL_FORMS: Record<number, JsonSchemaObject> = { 1: SCHOOL_FORM_V1, 2: SCHOOL_FORM_V2 };
export const SCHOOL_FORM_CURRENT_VERSION = 2;

/** Field keys that are 基本信息 (the rest are 上报信息), for classifying suspected issues. */
export const SCHOOL_BASIC_FIELDS = Object.entries(
  SCHOOL_FORM_V1.properties as Record<string, { 'x-group'?: string }>,
)
  .filter(([, p]) => p['x-group'] === 'basic')
  .map(([k]) => k);

/** The zh-CN label of a field path such as `teacherTerminals.tablet` → 教师终端·平板. */
export function schoolFieldLabel(path: string, form: JsonSchemaObject = SCHOOL_FORM_V2): string {
  const labels: string[] = [];
  let node: any = form;
  for (const part of path.split('.')) {
    node = node?.properties?.[part];
    if (!node) return path;
    labels.push(node.title ?? part);
  }
  return labels.join('·');
}
