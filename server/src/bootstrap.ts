// First start: regions, the national administrator, and (on an empty database) the demo world.
import { NATIONAL_CODE } from '@eduprogress/shared';
import { User } from './accounts/model';
import { hashPassword, randomPassword } from './accounts/passwords';
import { seedRegions } from './regions/seed';
import type { Clock } from './clock';
import { loadDemoNotices } from './demo/notices';
import { loadDemoTrainings } from './demo/trainings';
import { loadDemoWorld, type DemoLogin } from './demo/world';
import type { Logger } from './logger';
import { isDuplicateKey } from './db/duplicate-key';

export interface BootstrapResult {
  regions: { total: number; inserted: number; updated: number };
  admin?: { loginName: string; password?: string; generated: boolean };
  demo?: { logins: DemoLogin[]; counts: Record<string, number> };
}

export async function bootstrap(opts: {
  adminInitialPassword?: string;
  demoData: boolean;
  logger: Logger;
  clock: Clock;
}): Promise<BootstrapResult> {
  const emptyBefore = (await User.estimatedDocumentCount()) === 0;
  const regions = await seedRegions();
  const result: BootstrapResult = { regions };

  if (!(await User.exists({ loginName: 'admin' }))) {
    const generated = !opts.adminInitialPassword;
    const password = opts.adminInitialPassword ?? randomPassword(12);
    try {
      await User.create({
        loginName: 'admin',
        name: '全国管理员',
        passwordHash: await hashPassword(password),
        mustChangePassword: true,
        bindings: [
          { kind: 'region', role: 'admin', regionCode: NATIONAL_CODE, regionPath: [], active: true },
        ],
      });
      result.admin = { loginName: 'admin', password: generated ? password : undefined, generated };
    } catch (err) {
      // Another instance starting at the same moment created it first (unique login name).
      if (!isDuplicateKey(err)) throw err;
    }
  }

  if (emptyBefore && opts.demoData) {
    result.demo = await loadDemoWorld({ now: opts.clock() });
    const training = await loadDemoTrainings(opts.clock);
    result.demo.counts.trainings = training.trainings;
    result.demo.counts.trainingRecords = training.records;
    result.demo.counts.notices = await loadDemoNotices(opts.clock);
  }
  return result;
}
