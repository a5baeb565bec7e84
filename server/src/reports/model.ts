import mongoose, { Schema, Types } from 'mongoose';
import {
  REPORT_STATES,
  type ReportIssue,
  type ReportState,
  type AncestorPath,
  type ScopePath,
} from '@eduprogress/shared';

export type { ReportIssue };

/** One transition of a report, kept on the report itself: who, when, from, to, why. */
export interface ReportTransition {
  at: Date;
  by?: Types.ObjectId;
  from: ReportState | null;
  to: ReportState;
  reason?: string;
  auto?: boolean;
}

export interface ReportDoc {
  /** `<period>:<unit>` — e.g. `2026Q3:school:<schoolId>` or `2026Q3:region:350100`. */
  _id: string;
  period: string;
  unitKind: 'school' | 'region';
  schoolId?: Types.ObjectId;
  regionCode: string;
  /** A school's report: the school's scope path; a region's report: the region's ancestors (excluding it). */
  regionPath: ScopePath | AncestorPath;
  state: ReportState;
  autoSubmitted: boolean;
  /** "No change this cycle": the school confirmed instead of editing. */
  confirmedNoChange: boolean;
  formVersion: number;
  data: Record<string, unknown>;
  history: ReportTransition[];
  submittedAt?: Date;
  /** Set when the upper level returns the report: edits and resubmission allowed until then (限时修改). */
  returnDeadline?: Date;
  /** The state a withdrawal request came from, restored when the request is rejected. */
  stateBeforeWithdrawal?: ReportState;
  /** Suspected issues found in `data` (school reports). */
  issues: ReportIssue[];
  updatedBy?: Types.ObjectId;
  /** Bumped by every change; each version is claimed once (see claims.ts). */
  version: number;
  updatedAt: Date;
  createdAt: Date;
}

const reportSchema = new Schema<ReportDoc>(
  {
    _id: { type: String, required: true },
    period: { type: String, required: true },
    unitKind: { type: String, enum: ['school', 'region'], required: true },
    schoolId: { type: Schema.Types.ObjectId },
    regionCode: { type: String, required: true },
    regionPath: { type: [String], default: [] },
    state: { type: String, enum: REPORT_STATES, required: true },
    autoSubmitted: { type: Boolean, default: false },
    confirmedNoChange: { type: Boolean, default: false },
    formVersion: { type: Number, default: 1 },
    data: { type: Schema.Types.Mixed, default: {} },
    history: {
      type: [
        new Schema<ReportTransition>(
          {
            at: Date,
            by: Schema.Types.ObjectId,
            from: String,
            to: String,
            reason: String,
            auto: Boolean,
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    submittedAt: { type: Date },
    returnDeadline: { type: Date },
    stateBeforeWithdrawal: { type: String, enum: REPORT_STATES },
    issues: {
      type: [
        new Schema<ReportIssue>(
          {
            code: String,
            kind: { type: String, enum: ['basic', 'report'] },
            message: String,
            fields: [String],
            status: { type: String, enum: ['open', 'confirmed'], default: 'open' },
            note: String,
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    updatedBy: { type: Schema.Types.ObjectId },
    version: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
reportSchema.index({ period: 1, regionPath: 1 });

export const Report = mongoose.model<ReportDoc>('Report', reportSchema, 'reports');

export function reportId(period: string, unit: { schoolId?: Types.ObjectId | string; regionCode?: string }) {
  return unit.schoolId ? `${period}:school:${String(unit.schoolId)}` : `${period}:region:${unit.regionCode}`;
}
