// Who may hold a school's admin binding, without scanning every user: the school document keeps
// `adminIds`, a hint list that is always a superset (an id is added before its binding is written,
// and readers check each user's bindings). On FerretDB/SQLite `{'bindings.schoolId': …}` scans the
// users (about 4 s in a province of 20,000 schools); these are one `_id` read per listed user.
import type { Types } from 'mongoose';
import { User, type Binding, type UserDoc } from '../accounts/model';
import { onDomainEvent } from '../events';
import { School } from './model';

/** A school-admin binding; of the given school when one is given. */
export function isSchoolAdminOf(b: Binding, schoolId?: Types.ObjectId): boolean {
  return (
    b.kind === 'school' && b.role === 'admin' && !!b.schoolId && (!schoolId || b.schoolId.equals(schoolId))
  );
}

/** Users holding an admin binding (active or not) of the school. */
export async function schoolAdminUsers(schoolId: Types.ObjectId): Promise<UserDoc[]> {
  const school = await School.findById(schoolId, { adminIds: 1 }).lean<{ adminIds?: Types.ObjectId[] }>();
  if (!school) return [];
  if (!school.adminIds) return backfill(schoolId);
  const users = await Promise.all(school.adminIds.map((id) => User.findById(id).lean<UserDoc>()));
  return users.filter((u): u is UserDoc => !!u && u.bindings.some((b) => isSchoolAdminOf(b, schoolId)));
}

/** Records that `userId` is about to hold an admin binding of the school (before it is written). */
async function noteSchoolAdmin(schoolId: Types.ObjectId, userId: Types.ObjectId): Promise<void> {
  const school = await School.findById(schoolId, { adminIds: 1 }).lean<{ adminIds?: Types.ObjectId[] }>();
  if (school && !school.adminIds) await backfill(schoolId);
  await School.updateOne({ _id: schoolId }, { $addToSet: { adminIds: userId } });
}

/** A school written before the hint existed (or by a bulk writer without it): one scan, remembered. */
async function backfill(schoolId: Types.ObjectId): Promise<UserDoc[]> {
  const users = await User.find({ 'bindings.schoolId': schoolId }).lean<UserDoc[]>();
  const admins = users.filter((u) => u.bindings.some((b) => isSchoolAdminOf(b, schoolId)));
  await School.updateOne(
    { _id: schoolId, adminIds: { $exists: false } },
    { $set: { adminIds: admins.map((u) => u._id) } },
  );
  return admins;
}

let subscribed = false;
/**
 * Keeps the hint list from the `school.adminBinding` event, published before every school-admin binding
 * is written (once per process; read-models.ts). Required: a failure fails the writer, so no binding is
 * ever written without its hint.
 */
export function subscribeAdminHints(): void {
  if (subscribed) return;
  subscribed = true;
  onDomainEvent('school.adminBinding', (e) => noteSchoolAdmin(e.schoolId, e.userId), { required: true });
}
