import type { ScopePath } from '@eduprogress/shared';
import mongoose, { Schema, Types } from 'mongoose';

/** One append-only audit entry (001 §22: 合规、可追溯): who, as what, did what to what, when, from where. */
export interface AuditDoc {
  _id: Types.ObjectId;
  at: Date;
  actorId?: Types.ObjectId;
  actorName?: string;
  bindingId?: Types.ObjectId;
  /** e.g. `school.create`, `school.delete`, `user.resetPassword`. */
  action: string;
  targetType: string;
  targetId: string;
  /** Region path of the target (its ancestors and own region): jurisdiction filter for reading the trail. */
  regionPath: ScopePath;
  /** Field → { before, after } for the fields that changed. */
  changes: Record<string, { before: unknown; after: unknown }>;
  reason?: string;
  requestId?: string;
  ip?: string;
}

const auditSchema = new Schema<AuditDoc>(
  {
    at: { type: Date, required: true },
    actorId: { type: Schema.Types.ObjectId },
    actorName: { type: String },
    bindingId: { type: Schema.Types.ObjectId },
    action: { type: String, required: true },
    targetType: { type: String, required: true },
    targetId: { type: String, required: true },
    regionPath: { type: [String], default: [] },
    changes: { type: Schema.Types.Mixed, default: {} },
    reason: { type: String },
    requestId: { type: String },
    ip: { type: String },
  },
  { versionKey: false, minimize: false },
);
auditSchema.index({ regionPath: 1, at: -1 });
auditSchema.index({ targetType: 1, targetId: 1, at: -1 });

export const AuditEntry = mongoose.model<AuditDoc>('AuditEntry', auditSchema, 'audit');
