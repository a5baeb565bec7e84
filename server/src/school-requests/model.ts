// Requests to the national level (seed 001 §11, §13): deleting a school that has been initialized, or
// changing its affiliation (隶属关系变更). Filed by the school's managing region, decided nationally.
import mongoose, { Schema, Types } from 'mongoose';

export const SCHOOL_REQUEST_KINDS = ['delete', 'transfer'] as const;
export type SchoolRequestKind = (typeof SCHOOL_REQUEST_KINDS)[number];
export const SCHOOL_REQUEST_STATUSES = ['pending', 'approved', 'refused'] as const;
export type SchoolRequestStatus = (typeof SCHOOL_REQUEST_STATUSES)[number];

export interface SchoolRequestDoc {
  _id: Types.ObjectId;
  kind: SchoolRequestKind;
  schoolId: Types.ObjectId;
  schoolName: string;
  /** The school's managing region when filed, and its path including itself (jurisdiction filter). */
  regionCode: string;
  regionPath: string[];
  /** Transfer: the new managing region. */
  targetRegionCode?: string;
  targetRegionName?: string;
  reason: string;
  status: SchoolRequestStatus;
  requestedBy: Types.ObjectId;
  requesterName: string;
  /** The requester's region (its admin group hears the decision). */
  requesterRegionCode: string;
  requesterRegionPath: string[];
  requestedAt: Date;
  decidedBy?: Types.ObjectId;
  deciderName?: string;
  decidedAt?: Date;
  decisionComment?: string;
  /** Set when every follow-up of the decision (apply, audit, message, bot event) is done. */
  settledAt?: Date;
  /** Why applying an approval failed (e.g. the target region's school of the same name). */
  applyError?: string;
}

const requestSchema = new Schema<SchoolRequestDoc>(
  {
    kind: { type: String, enum: SCHOOL_REQUEST_KINDS, required: true },
    schoolId: { type: Schema.Types.ObjectId, required: true },
    schoolName: { type: String, required: true },
    regionCode: { type: String, required: true },
    regionPath: { type: [String], default: [] },
    targetRegionCode: { type: String },
    targetRegionName: { type: String },
    reason: { type: String, required: true },
    status: { type: String, enum: SCHOOL_REQUEST_STATUSES, required: true },
    requestedBy: { type: Schema.Types.ObjectId, required: true },
    requesterName: { type: String, required: true },
    requesterRegionCode: { type: String, required: true },
    requesterRegionPath: { type: [String], default: [] },
    requestedAt: { type: Date, required: true },
    decidedBy: { type: Schema.Types.ObjectId },
    deciderName: { type: String },
    decidedAt: { type: Date },
    decisionComment: { type: String },
    settledAt: { type: Date },
    applyError: { type: String },
  },
  { versionKey: false },
);
requestSchema.index({ regionPath: 1, requestedAt: -1 });
requestSchema.index({ status: 1, requestedAt: -1 });

export const SchoolRequest = mongoose.model<SchoolRequestDoc>(
  'SchoolRequest',
  requestSchema,
  'school_requests',
);

/**
 * Exactly-once decisions on FerretDB: `open:<schoolId>` while a school has a pending request (one at a
 * time), `decided:<requestId>` for the one decision a request gets (a duplicate `_id` insert fails).
 */
export const SchoolRequestClaim = mongoose.model<{ _id: string; at: Date }>(
  'SchoolRequestClaim',
  new Schema<{ _id: string; at: Date }>({ _id: String, at: Date }, { versionKey: false }),
  'school_request_claims',
);
