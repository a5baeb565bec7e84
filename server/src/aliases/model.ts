// Account aliases (seed 002 四(一)): extra login names of an account, e.g. its name in the previous
// system. The alias itself is the `_id`, so uniqueness is decided by one insert (exact on FerretDB too).
import mongoose, { Schema, Types } from 'mongoose';

export interface AccountAliasDoc {
  /** The alias exactly as it is typed at login (after NFKC and trimming). */
  _id: string;
  userId: Types.ObjectId;
  /** The import that wrote it (an import undone after a lost race removes only its own). */
  importId?: string;
  createdBy?: Types.ObjectId;
  createdAt: Date;
}

const aliasSchema = new Schema<AccountAliasDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    importId: { type: String },
    createdBy: { type: Schema.Types.ObjectId },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
aliasSchema.index({ userId: 1 });

export const AccountAlias = mongoose.model<AccountAliasDoc>('AccountAlias', aliasSchema, 'account_aliases');

/** The account an alias names, if any (one `_id` read). */
export async function userIdOfAlias(alias: string): Promise<Types.ObjectId | undefined> {
  const doc = await AccountAlias.findById(alias.normalize('NFKC').trim()).lean<AccountAliasDoc>();
  return doc?.userId;
}
