// Personal messages (站内消息): what one account is told about its own business — a decision on its
// request (school deletion or affiliation change), a teacher placed in a school. Broadcast notices are
// `notices/`; these have exactly one recipient.
import mongoose, { Schema, Types } from 'mongoose';

export interface UserMessageDoc {
  /** Chosen by the writer (e.g. `school-request:<id>:decided`), so a repeated step writes it once. */
  _id: string;
  userId: Types.ObjectId;
  /** What it is about, e.g. `school-request.decided`. */
  kind: string;
  title: string;
  body: string;
  /** The thing to open, e.g. `{ type: 'school-request', id }`. */
  link?: { type: string; id: string };
  createdAt: Date;
  readAt?: Date;
}

const messageSchema = new Schema<UserMessageDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    link: { type: new Schema({ type: String, id: String }, { _id: false }) },
    createdAt: { type: Date, required: true },
    readAt: { type: Date },
  },
  { versionKey: false },
);
messageSchema.index({ userId: 1, createdAt: -1 });

export const UserMessage = mongoose.model<UserMessageDoc>('UserMessage', messageSchema, 'user_messages');
