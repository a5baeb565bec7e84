import mongoose, { Schema, Types } from 'mongoose';
import {
  SCHOOL_OWNERSHIPS,
  SCHOOL_STATUSES,
  SCHOOL_TYPES,
  URBAN_RURAL_TYPES,
  type SchoolOwnership,
  type SchoolStatus,
  type SchoolType,
  type UrbanRuralType,
} from '@eduprogress/shared';

export interface SchoolDoc {
  _id: Types.ObjectId;
  name: string;
  type: SchoolType;
  /** The managing region: a county, or a city/province for their direct (直管) schools. */
  regionCode: string;
  /** Ancestor codes of the school: the managing region's path plus the managing region itself. */
  regionPath: string[];
  status: SchoolStatus;
  ownership: SchoolOwnership;
  urbanRural: UrbanRuralType;
  /** 薄弱学校 */
  weak: boolean;
  /** First login + first report done; an initialized school can no longer be deleted. */
  initialized: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const schoolSchema = new Schema<SchoolDoc>(
  {
    name: { type: String, required: true },
    type: { type: String, enum: SCHOOL_TYPES, required: true },
    regionCode: { type: String, required: true },
    regionPath: { type: [String], required: true },
    status: { type: String, enum: SCHOOL_STATUSES, default: '正常' },
    ownership: { type: String, enum: SCHOOL_OWNERSHIPS, default: '教育部门' },
    urbanRural: { type: String, enum: URBAN_RURAL_TYPES, default: '城区' },
    weak: { type: Boolean, default: false },
    initialized: { type: Boolean, default: false },
  },
  { timestamps: true, versionKey: false },
);
// A region never holds two schools of the same name (imports rely on it).
schoolSchema.index({ regionCode: 1, name: 1 }, { unique: true });
schoolSchema.index({ regionPath: 1 });

export const School = mongoose.model<SchoolDoc>('School', schoolSchema, 'schools');
