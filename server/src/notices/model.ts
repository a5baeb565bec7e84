import mongoose, { Schema, Types } from 'mongoose';
import {
  REGION_LEVELS,
  SCHOOL_TYPES,
  type RegionLevel,
  type SchoolType,
  type AncestorPath,
} from '@eduprogress/shared';

export const NOTICE_STATUSES = ['draft', 'published'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** Who receives a notice (seed 000 §6.4): admins of these levels and of schools of these types. */
export interface NoticeScope {
  levels: RegionLevel[];
  schoolTypes: SchoolType[];
}

/** A file attached to a notice (or a monthly report: monthly-reports/model.ts), stored by notices/attachments.ts. */
export interface NoticeAttachment {
  _id: Types.ObjectId;
  /** The uploader's file name, shown and offered on download; the file on disk is named by `_id`. */
  filename: string;
  /** Derived from the (checked) extension, never taken from the client. */
  contentType: string;
  size: number;
  uploadedAt: Date;
}

export interface NoticeDoc {
  _id: Types.ObjectId;
  title: string;
  /** Sanitised HTML (see ./content.ts): only what is stored is ever served. */
  content: string;
  scope: NoticeScope;
  /** The author's region: recipients are within its subtree. */
  regionCode: string;
  /** Ancestors of the author's region (the event's regionPath). */
  regionPath: AncestorPath;
  regionName: string;
  authorId: Types.ObjectId;
  authorName: string;
  status: NoticeStatus;
  publishedAt?: Date;
  /** Set with the publication, cleared once the outbox event is written (the scheduler finishes a crash). */
  eventPending?: boolean;
  attachments: NoticeAttachment[];
  createdAt: Date;
  updatedAt: Date;
}

/** The subdocument of one attachment (notices and monthly reports). */
export const attachmentSchema = new Schema<NoticeAttachment>(
  {
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    uploadedAt: { type: Date, required: true },
  },
  { _id: true },
);

const noticeSchema = new Schema<NoticeDoc>(
  {
    title: { type: String, required: true },
    content: { type: String, required: true },
    scope: {
      type: new Schema<NoticeScope>(
        {
          levels: { type: [String], enum: REGION_LEVELS, default: [] },
          schoolTypes: { type: [String], enum: SCHOOL_TYPES, default: [] },
        },
        { _id: false },
      ),
      required: true,
    },
    regionCode: { type: String, required: true },
    regionPath: { type: [String], default: [] },
    regionName: { type: String, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    authorName: { type: String, required: true },
    status: { type: String, enum: NOTICE_STATUSES, required: true },
    publishedAt: { type: Date },
    eventPending: { type: Boolean },
    attachments: { type: [attachmentSchema], default: [] },
  },
  { timestamps: true, versionKey: false },
);
noticeSchema.index({ regionCode: 1, publishedAt: -1 });
noticeSchema.index({ status: 1, publishedAt: -1 });

export const Notice = mongoose.model<NoticeDoc>('Notice', noticeSchema, 'notices');

/**
 * A read receipt: `_id` is `<noticeId>:<userId>`, so marking read twice writes nothing new (and the
 * unique `_id` settles two concurrent marks on every backend).
 */
export interface NoticeReceiptDoc {
  _id: string;
  noticeId: Types.ObjectId;
  userId: Types.ObjectId;
  bindingId?: Types.ObjectId;
  /** The author region's direct child the reader belongs to (the author region itself for its own level
   * and its direct schools): what the per-unit read counts group by. */
  unitCode: string;
  readAt: Date;
}

const receiptSchema = new Schema<NoticeReceiptDoc>(
  {
    _id: { type: String, required: true },
    noticeId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    bindingId: { type: Schema.Types.ObjectId },
    unitCode: { type: String, required: true },
    readAt: { type: Date, required: true },
  },
  { versionKey: false },
);
receiptSchema.index({ noticeId: 1, unitCode: 1 });

export const NoticeReceipt = mongoose.model<NoticeReceiptDoc>(
  'NoticeReceipt',
  receiptSchema,
  'notice_receipts',
);

export function receiptId(noticeId: Types.ObjectId | string, userId: Types.ObjectId | string): string {
  return `${String(noticeId)}:${String(userId)}`;
}
