// The province's monthly text report (seed 001 第二十条, 2016 rules): rich text and attachments, one
// per province and month, `_id` `<YYYY-MM>:<provinceCode>`.
import mongoose, { Schema, Types } from 'mongoose';
import { attachmentSchema, type NoticeAttachment } from '../notices/model';

/** An attachment of a monthly report: the same kind of stored file as a notice's. */
export type MonthlyReportAttachment = NoticeAttachment;

export interface MonthlyReportDoc {
  _id: string;
  month: string;
  provinceCode: string;
  provinceName: string;
  /** Sanitised HTML (notices/content.ts, sanitize-html allow-list). */
  content: string;
  status: 'draft' | 'filed';
  filedAt?: Date;
  /** Filed after the month's end (Asia/Shanghai). */
  late?: boolean;
  filedBy?: Types.ObjectId;
  filerName?: string;
  attachments: MonthlyReportAttachment[];
  updatedBy?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const monthlyReportSchema = new Schema<MonthlyReportDoc>(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    provinceCode: { type: String, required: true },
    provinceName: { type: String, required: true },
    content: { type: String, default: '' },
    status: { type: String, enum: ['draft', 'filed'], required: true },
    filedAt: { type: Date },
    late: { type: Boolean },
    filedBy: { type: Schema.Types.ObjectId },
    filerName: { type: String },
    attachments: { type: [attachmentSchema], default: [] },
    updatedBy: { type: Schema.Types.ObjectId },
  },
  { timestamps: true, versionKey: false },
);
monthlyReportSchema.index({ month: 1 });

export const MonthlyReport = mongoose.model<MonthlyReportDoc>(
  'MonthlyReport',
  monthlyReportSchema,
  'monthly_reports',
);

export const monthlyReportId = (month: string, provinceCode: string) => `${month}:${provinceCode}`;
