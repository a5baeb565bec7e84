// A new account holding one binding of a school: its admin, or a university's 审核员 or 视察员.
import { Types } from 'mongoose';
import { User, type Binding, type UserDoc } from '../accounts/model';
import { isDuplicateKey } from '../db/duplicate-key';
import { publishDomainEvent } from '../events';
import { reserveSchoolAdminLoginNames } from './login-names';
import type { SchoolDoc } from './model';

/**
 * Creates a user named `name` holding the school binding `role`, with `passwordHash` to be changed at
 * first login and a fresh login name of the school's region (login-names.ts), drawn again while another
 * account holds it. The school's admin hint list notes the user first (`school.adminBinding`, before the
 * binding exists). Returns undefined when `attempts` drawn names were all taken.
 */
export async function createSchoolAccount(
  school: Pick<SchoolDoc, '_id' | 'regionCode' | 'regionPath'>,
  role: Binding['role'],
  name: string,
  passwordHash: string,
  attempts = 20,
): Promise<UserDoc | undefined> {
  const userId = new Types.ObjectId();
  await publishDomainEvent('school.adminBinding', { schoolId: school._id, userId });
  const binding: Omit<Binding, '_id'> = {
    kind: 'school',
    role,
    regionCode: school.regionCode,
    regionPath: school.regionPath,
    schoolId: school._id,
    active: true,
  };
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const [loginName] = await reserveSchoolAdminLoginNames(school.regionCode, 1);
      const user = await User.create({
        _id: userId,
        loginName,
        name,
        passwordHash,
        mustChangePassword: true,
        bindings: [binding],
      });
      return user.toObject() as UserDoc;
    } catch (err) {
      // Another account already has this login name: draw again.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  return undefined;
}
