// Usage statistics (seed 003 part 2, 数据统计: 用户注册、应用分析): one document per login.
import mongoose, { Schema, Types } from 'mongoose';

/**
 * A login (password, WeChat, or the session a registration starts). `paths` holds every region code
 * the user's active bindings sit in at that moment (a region binding's own code and ancestors, a
 * school or teacher binding's managing region and ancestors), so a region's logins are one `{ paths }`
 * equality; `day` is the Asia/Shanghai date `YYYY-MM-DD`.
 */
export interface LoginEventDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  at: Date;
  day: string;
  paths: string[];
}

const loginEventSchema = new Schema<LoginEventDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    day: { type: String, required: true },
    paths: { type: [String], default: [] },
  },
  { versionKey: false },
);
loginEventSchema.index({ paths: 1, day: 1 });

export const LoginEvent = mongoose.model<LoginEventDoc>('LoginEvent', loginEventSchema, 'login_events');
