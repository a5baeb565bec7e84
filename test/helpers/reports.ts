import { expect } from 'chai';
import type { SchoolReportData } from '../../shared/src';
import type { TestServer } from './server';

/** A plausible school report that raises no suspected issue. */
export const goodSchoolReport: SchoolReportData = {
  classes: 12,
  teachers: 30,
  students: 480,
  minoritySchool: false,
  campusNetwork: true,
  bandwidthMbps: 200,
  computerRooms: 1,
  recordingRooms: 0,
  classrooms: 12,
  multimediaWithNetwork: 10,
  multimediaWithoutNetwork: 0,
  interactiveWithNetwork: 2,
  interactiveWithoutNetwork: 0,
  teacherTerminals: { desktop: 20, laptop: 10, tablet: 0 },
  studentTerminals: { desktop: 50, laptop: 0, tablet: 40 },
  teacherSpaces: 30,
  studentSpaces: 300,
};

/**
 * A school's report document of `period` as written straight into `reports` (no history, version 0
 * unless `extra` says otherwise): `_id` `<period>:school:<id>`, the school's region and path.
 */
export function schoolReportDoc(
  period: string,
  s: { _id: unknown; regionCode: string; regionPath: string[] },
  extra: Record<string, unknown> = {},
) {
  return {
    _id: `${period}:school:${String(s._id)}`,
    period,
    unitKind: 'school',
    schoolId: s._id,
    regionCode: s.regionCode,
    regionPath: s.regionPath,
    data: {},
    history: [],
    version: 0,
    ...extra,
  };
}

/**
 * A county's own report of `period` filled by its 管理员 (`admin` token) and reported upward by its
 * 审核员 (`auditor` token), over HTTP: what the county reviewed is locked (reports/service.ts lockBelow).
 */
export async function reportCountyUpward(
  server: TestServer,
  code: string,
  period: string,
  tokens: { admin: string; auditor: string },
): Promise<void> {
  const saved = await server.api(`/regions/${code}/reports/${period}`, {
    method: 'PUT',
    token: tokens.admin,
    body: { data: { platformUsed: true, platformSource: '自建', metroNetwork: false } },
  });
  expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
  const submitted = await server.api(`/regions/${code}/reports/${period}/submit`, {
    method: 'POST',
    token: tokens.auditor,
  });
  expect(submitted.status, JSON.stringify(submitted.body)).to.equal(200);
}
