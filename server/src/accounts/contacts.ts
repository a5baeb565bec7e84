// Mobile numbers and emails are unique across accounts and usable as login names. FerretDB has no
// sparse/partial unique index, so uniqueness is a claim document whose `_id` is the contact itself.
import mongoose, { Schema, Types } from 'mongoose';
import { ConflictError } from '../http/errors';
import { isDuplicateKey } from '../db/duplicate-key';

interface ClaimDoc {
  _id: string;
  userId: Types.ObjectId;
}

const claimSchema = new Schema<ClaimDoc>(
  { _id: String, userId: Schema.Types.ObjectId },
  { versionKey: false },
);
export const ContactClaim = mongoose.model<ClaimDoc>('ContactClaim', claimSchema, 'contact_claims');

const messages = {
  mobileTaken: '该手机号已被其他账号使用',
  emailTaken: '该邮箱已被其他账号使用',
};

export type ContactKind = 'mobile' | 'email';

/** Claims `value` for `userId`; idempotent for the same user, 409 when another account holds it. */
export async function claimContact(kind: ContactKind, value: string, userId: Types.ObjectId): Promise<void> {
  const id = `${kind}:${value}`;
  try {
    await ContactClaim.create({ _id: id, userId });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const holder = await ContactClaim.findById(id).lean();
    if (!holder || !holder.userId.equals(userId)) {
      throw new ConflictError(
        kind === 'mobile' ? messages.mobileTaken : messages.emailTaken,
        'CONTACT_TAKEN',
        {
          property: kind,
        },
      );
    }
  }
}

export async function releaseContact(kind: ContactKind, value: string | undefined, userId: Types.ObjectId) {
  if (value) await ContactClaim.deleteOne({ _id: `${kind}:${value}`, userId });
}
