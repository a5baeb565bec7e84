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
