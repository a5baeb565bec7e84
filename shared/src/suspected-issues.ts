// Suspected issues (疑似问题): rule-detected anomalies in a school's report, each with a stable code and
// a zh-CN message, classified as 基本信息 (basic) or 上报信息 (report) as the seed's school list filters them.
import { SCHOOL_BASIC_FIELDS, schoolFieldLabel } from './forms/school';

export type IssueKind = 'basic' | 'report';

export interface SuspectedIssue {
  code: string;
  kind: IssueKind;
  message: string;
  fields: string[];
}

type Terminals = { desktop?: number; laptop?: number; tablet?: number };
export type SchoolReportData = Record<string, unknown> & {
  classes?: number;
  teachers?: number;
  students?: number;
  campusNetwork?: boolean;
  bandwidthMbps?: number;
  classrooms?: number;
  multimediaWithNetwork?: number;
  multimediaWithoutNetwork?: number;
  interactiveWithNetwork?: number;
  interactiveWithoutNetwork?: number;
  teacherTerminals?: Terminals;
  studentTerminals?: Terminals;
};

const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const total = (t: Terminals | undefined) => n(t?.desktop) + n(t?.laptop) + n(t?.tablet);

/** A value changing by more than this share since the last period is flagged. */
export const OUTLIER_CHANGE_RATIO = 0.5;
/** Small numbers swing by nature (1 → 2 is +100%); below this base no outlier is flagged. */
export const OUTLIER_MIN_BASE = 10;

interface Rule {
  code: string;
  fields: string[];
  test(d: SchoolReportData): string | undefined;
}

const rules: Rule[] = [
  {
    code: 'MULTIMEDIA_EXCEEDS_CLASSROOMS',
    fields: [
      'multimediaWithNetwork',
      'multimediaWithoutNetwork',
      'interactiveWithNetwork',
      'interactiveWithoutNetwork',
      'classrooms',
    ],
    test: (d) => {
      const multimedia =
        n(d.multimediaWithNetwork) +
        n(d.multimediaWithoutNetwork) +
        n(d.interactiveWithNetwork) +
        n(d.interactiveWithoutNetwork);
      return multimedia > n(d.classrooms)
        ? `多媒体教室合计 ${multimedia} 间，多于普通教室数 ${n(d.classrooms)} 间`
        : undefined;
    },
  },
  {
    code: 'NO_NETWORK_BUT_BANDWIDTH',
    fields: ['campusNetwork', 'bandwidthMbps'],
    test: (d) =>
      d.campusNetwork === false && n(d.bandwidthMbps) > 0
        ? `填报“未建校园网”，却填写了互联网接入带宽 ${n(d.bandwidthMbps)} Mbps`
        : undefined,
  },
  {
    code: 'NETWORKED_ROOMS_WITHOUT_NETWORK',
    fields: ['campusNetwork', 'multimediaWithNetwork', 'interactiveWithNetwork'],
    test: (d) =>
      d.campusNetwork === false &&
      n(d.bandwidthMbps) === 0 &&
      n(d.multimediaWithNetwork) + n(d.interactiveWithNetwork) > 0
        ? '未接入网络，却填报了联网的多媒体教室'
        : undefined,
  },
  {
    code: 'TEACHER_TERMINALS_EXCEED_TEACHERS',
    fields: ['teacherTerminals', 'teachers'],
    test: (d) => {
      const t = total(d.teacherTerminals);
      // Up to three devices per teacher (desktop, laptop, tablet) is plausible; more is not.
      return t > 3 * n(d.teachers) ? `教师终端 ${t} 台，超过教职工数 ${n(d.teachers)} 人的 3 倍` : undefined;
    },
  },
  {
    code: 'STUDENT_TERMINALS_EXCEED_STUDENTS',
    fields: ['studentTerminals', 'students'],
    test: (d) => {
      const t = total(d.studentTerminals);
      return t > n(d.students) ? `学生终端 ${t} 台，多于在校生数 ${n(d.students)} 人` : undefined;
    },
  },
  {
    code: 'STUDENTS_WITHOUT_TEACHERS',
    fields: ['students', 'teachers'],
    test: (d) =>
      n(d.students) > 0 && n(d.teachers) === 0 ? `有在校生 ${n(d.students)} 人，教职工数却为 0` : undefined,
  },
  {
    code: 'STUDENTS_WITHOUT_CLASSES',
    fields: ['students', 'classes'],
    test: (d) =>
      n(d.students) > 0 && n(d.classes) === 0 ? `有在校生 ${n(d.students)} 人，班级数却为 0` : undefined,
  },
];

const kindOf = (fields: string[]): IssueKind =>
  fields.every((f) => SCHOOL_BASIC_FIELDS.includes(f)) ? 'basic' : 'report';

function numericLeaves(d: Record<string, unknown>, prefix = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(d)) {
    if (typeof v === 'number') out.set(prefix + k, v);
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [kk, vv] of numericLeaves(v as Record<string, unknown>, `${prefix}${k}.`)) out.set(kk, vv);
    }
  }
  return out;
}

/** Every suspected issue of a report, with the previous period's data for the outlier rule. */
export function detectSuspectedIssues(
  data: SchoolReportData,
  previous?: SchoolReportData | null,
): SuspectedIssue[] {
  const found: SuspectedIssue[] = [];
  for (const rule of rules) {
    const message = rule.test(data);
    if (message) found.push({ code: rule.code, kind: kindOf(rule.fields), message, fields: rule.fields });
  }
  if (previous) {
    const before = numericLeaves(previous);
    for (const [field, now] of numericLeaves(data)) {
      const was = before.get(field);
      if (was === undefined || was < OUTLIER_MIN_BASE) continue;
      const change = Math.abs(now - was) / was;
      if (change > OUTLIER_CHANGE_RATIO) {
        const top = field.split('.')[0];
        found.push({
          code: `OUTLIER_CHANGE:${field}`,
          kind: kindOf([top]),
          message: `${schoolFieldLabel(field)}由上期的 ${was} 变为 ${now}，变化 ${Math.round(change * 100)}%，超过 50%`,
          fields: [field],
        });
      }
    }
  }
  return found;
}

/** A suspected issue as stored on a report and shown to the school (server and mini-program read it). */
export interface ReportIssue {
  code: string;
  kind: 'basic' | 'report';
  message: string;
  fields: string[];
  /** open: to fix or confirm; confirmed: the school says the value is right (with a note). */
  status: 'open' | 'confirmed';
  note?: string;
}
