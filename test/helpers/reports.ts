import type { SchoolReportData } from '../../shared/src';

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
