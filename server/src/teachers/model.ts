import mongoose, { Schema, Types } from 'mongoose';
import { VERIFICATION_STATES, type VerificationState } from '@eduprogress/shared';

export interface TeacherDoc {
  _id: Types.ObjectId;
  name: string;
  mobile: string;
  schoolId: Types.ObjectId;
  /** Ancestor region codes of the teacher's school, down to its managing region. */
  regionPath: string[];
  stage: string;
  subject: string;
  title: string;
  verification: VerificationState;
  createdAt: Date;
}

const teacherSchema = new Schema<TeacherDoc>(
  {
    name: { type: String, required: true },
    mobile: { type: String, required: true, unique: true },
    schoolId: { type: Schema.Types.ObjectId, required: true },
    regionPath: { type: [String], required: true },
    stage: { type: String, required: true },
    subject: { type: String, required: true },
    title: { type: String, required: true },
    verification: { type: String, enum: VERIFICATION_STATES, default: 'pending' },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
teacherSchema.index({ schoolId: 1 });

export const Teacher = mongoose.model<TeacherDoc>('Teacher', teacherSchema, 'teachers');
