// Statistics fixtures with their hand-computed figures (test/shared/indicators.test.ts and
// test/server/statistics/statistics.test.ts use the same schools, so both prove the same arithmetic).
import { expect } from 'chai';
import { PASSWORD, school, schoolAdmin } from './fixtures';
import { goodSchoolReport } from './reports';
import type { TestServer } from './server';

const zero = { desktop: 0, laptop: 0, tablet: 0 };

/** Four schools: a 小学 and a 初中 on form v2, a 教学点 on v2 and a 教学点 on v1 (no v2 fields). */
export const statSchools = {
  primary: {
    type: '小学' as const,
    urbanRural: '城区' as const,
    projectSchool: null,
    data: {
      ...goodSchoolReport,
      metroConnected: true,
      ledSchools: 2,
      onlineSchool: true,
      schoolSpace: true,
      lessonsShared: 12,
      teachersSharing: 6,
    },
  },
  point: {
    type: '教学点' as const,
    urbanRural: '乡村' as const,
    projectSchool: 'confirmed',
    data: {
      classes: 2,
      teachers: 3,
      students: 25,
      minoritySchool: false,
      campusNetwork: false,
      bandwidthMbps: 50,
      computerRooms: 0,
      recordingRooms: 0,
      classrooms: 2,
      multimediaWithNetwork: 1,
      multimediaWithoutNetwork: 0,
      interactiveWithNetwork: 0,
      interactiveWithoutNetwork: 0,
      teacherTerminals: { desktop: 1, laptop: 0, tablet: 0 },
      studentTerminals: { desktop: 0, laptop: 0, tablet: 5 },
      teacherSpaces: 3,
      studentSpaces: 0,
      satelliteReceiver: true,
      resourcesInUse: true,
      coursesOpenedFully: true,
      resourceLessonsPerWeek: 20,
      trainedTeachers: 2,
    },
  },
  pointV1: {
    type: '教学点' as const,
    urbanRural: '乡村' as const,
    projectSchool: 'declared',
    data: {
      classes: 1,
      teachers: 2,
      students: 10,
      minoritySchool: false,
      campusNetwork: false,
      bandwidthMbps: 0,
      computerRooms: 0,
      recordingRooms: 0,
      classrooms: 1,
      multimediaWithNetwork: 0,
      multimediaWithoutNetwork: 0,
      interactiveWithNetwork: 0,
      interactiveWithoutNetwork: 0,
      teacherTerminals: zero,
      studentTerminals: zero,
      teacherSpaces: 0,
      studentSpaces: 0,
      satelliteReceiver: false,
      resourcesInUse: false,
    },
  },
  middle: {
    type: '初中' as const,
    urbanRural: '镇区' as const,
    projectSchool: null,
    data: {
      classes: 20,
      teachers: 60,
      students: 900,
      minoritySchool: false,
      campusNetwork: true,
      bandwidthMbps: 1000,
      computerRooms: 2,
      recordingRooms: 1,
      classrooms: 20,
      multimediaWithNetwork: 5,
      multimediaWithoutNetwork: 5,
      interactiveWithNetwork: 5,
      interactiveWithoutNetwork: 0,
      teacherTerminals: { desktop: 40, laptop: 20, tablet: 0 },
      studentTerminals: { desktop: 100, laptop: 0, tablet: 0 },
      teacherSpaces: 45,
      studentSpaces: 450,
      metroConnected: false,
      ledSchools: 0,
      onlineSchool: false,
      schoolSpace: false,
      lessonsShared: 0,
      teachersSharing: 0,
    },
  },
};

/** Region reports: two counties (textbooks) and a city. */
export const statRegions = {
  countyA: {
    level: 'county' as const,
    data: {
      platformUsed: false,
      metroNetwork: true,
      metroBandwidth: '1G',
      carriers: ['电信'],
      textbooks: { 小学: { 语文: ['人教版', '苏教版'], 数学: ['人教版'] } },
    },
  },
  countyB: {
    level: 'county' as const,
    data: { platformUsed: false, metroNetwork: false, textbooks: { 小学: { 语文: ['人教版'] } } },
  },
  city: {
    level: 'city' as const,
    data: {
      platformUsed: true,
      platformSource: '省级提供',
      metroNetwork: true,
      metroBandwidth: '10G',
      carriers: ['联通'],
    },
  },
};

/**
 * The figures over all four schools and three region reports, worked out by hand:
 * students 480+25+10+900 = 1415, teachers 30+3+2+60 = 95, classrooms 12+2+1+20 = 35,
 * multimedia 12+1+0+15 = 28 (networked 12+1+0+10 = 23), student terminals 90+5+0+100 = 195,
 * teacher terminals 30+1+0+60 = 91.
 */
export const expectedAll: Record<string, number | null> = {
  // 教学点
  tpCount: 2,
  tpStudents: 35,
  tpTeachers: 5,
  tpClasses: 3,
  tpEquipped: 1,
  tpEquippedRate: 50,
  tpResourcesInUse: 1,
  tpResourcesInUseRate: 50,
  tpCoursesOpenedRate: 100, // only the v2 teaching point reported it
  tpLessonsPerWeek: 20,
  tpTrainedTeachers: 2,
  tpTrainedRate: 66.67, // 2 / 3
  tpProjectDeclared: 2,
  tpProjectConfirmed: 1,
  // 校校通
  bbConnected: 3,
  bbConnectedRate: 75,
  bb10Rate: 75,
  bb100Rate: 50,
  bbAverage: 312.5, // (200+50+0+1000) / 4
  campusCount: 2,
  campusRate: 50,
  metroSchools: 1,
  metroSchoolRate: 50, // of the two schools on v2 that answered
  metroRegions: 2,
  metroRegionRate: 66.67, // 2 of 3 region reports
  mmClassrooms: 28,
  mmCoverage: 80, // 28 / 35
  mmNetworkedRate: 82.14, // 23 / 28
  mmInteractive: 7,
  crTotal: 3,
  crSchoolRate: 50,
  rrTotal: 1,
  rrSchoolRate: 25,
  stTotal: 195,
  stTablets: 45,
  stPer100: 13.78, // 195 × 100 / 1415
  ttTotal: 91,
  ttPerTeacher: 0.96, // 91 / 95
  // 班班通
  leadingSchools: 1,
  ledSchools: 2,
  onlineSchools: 1,
  onlineSchoolRate: 50,
  // 人人通
  schoolSpaces: 1,
  schoolSpaceRate: 50,
  teacherSpaces: 78,
  teacherSpaceRate: 82.11, // 78 / 95
  studentSpaces: 750,
  studentSpaceRate: 53, // 750 / 1415
  // 一师一课
  lessonsShared: 12,
  teachersSharing: 6,
  sharingRate: 6.67, // 6 / (30 + 60)
  // 教材
  textbookCounties: 2,
  textbookEditions: 2,
};

/** 小学/语文/人教版 in both counties, 苏教版 and 数学/人教版 in one of the two. */
export const expectedEditions = [
  { path: ['小学', '数学', '人教版'], count: 1, share: 50 },
  { path: ['小学', '语文', '人教版'], count: 2, share: 100 },
  { path: ['小学', '语文', '苏教版'], count: 1, share: 50 },
];

/**
 * Files `statSchools` over HTTP: each school is created in its region (`primary`, `point` in 350102,
 * `pointV1` in 350103, `middle` in 350100) with its own admin `<prefix>-<key>` (password PASSWORD),
 * which saves and submits the school's report of `period`. Asserts each answer is 200.
 */
export async function submitStatSchools(
  server: TestServer,
  period: string,
  prefix: string,
  names: (key: string) => string,
): Promise<void> {
  const where = { primary: '350102', point: '350102', pointV1: '350103', middle: '350100' } as const;
  for (const key of Object.keys(statSchools) as (keyof typeof statSchools)[]) {
    const s = statSchools[key];
    const doc = await school(names(key), where[key], { type: s.type, urbanRural: s.urbanRural });
    await schoolAdmin(`${prefix}-${key}`, doc);
    const own = await server.login(`${prefix}-${key}`, PASSWORD);
    const path = `/schools/${doc._id}/reports/${period}`;
    const put = await server.api(path, { method: 'PUT', token: own, body: { data: s.data } });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const sent = await server.api(`${path}/submit`, { method: 'POST', token: own });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(200);
  }
}
