// The demo world's teacher training (issue 5): one training running now and one ended, organised by the
// demo province, with hour records for most of its teachers, so the statistics pages are alive on first
// start. Records go through the same import as the learning platform's files (rollups, roster, audit).
import { Readable } from 'node:stream';
import type { Types } from 'mongoose';
import { User, type UserDoc } from '../accounts/model';
import type { Clock } from '../clock';
import { Teacher } from '../teachers/model';
import { importTrainingRecords } from '../training/import';
import { createTraining, type Caller } from '../training/service';
import { Rng } from './rng';
import { DEMO_PROVINCE } from './world';

const DAY = 86_400_000;

/** `YYYY-MM-DD` in Shanghai, `days` from `now`. */
function shanghaiDate(now: Date, days: number): string {
  return new Date(now.getTime() + days * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
}

const hms = (seconds: number) =>
  [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60]
    .map((n, i) => (i ? String(n).padStart(2, '0') : String(n)))
    .join(':');

interface DemoTraining {
  name: string;
  startDays: number;
  endDays: number;
  hourCap: number;
  /** Share of the province's teachers taking part, and of participants who have not started. */
  participation: number;
  notStarted: number;
}

const DEMO_TRAININGS: DemoTraining[] = [
  {
    name: '2026年中小学教师信息技术应用能力提升培训',
    startDays: -45,
    endDays: 75,
    hourCap: 50,
    participation: 0.7,
    notStarted: 0.2,
  },
  {
    name: '2025年人工智能助推教师队伍建设专题研修',
    startDays: -400,
    endDays: -220,
    hourCap: 30,
    participation: 0.85,
    notStarted: 0.05,
  },
];

/** Creates the demo trainings and imports their records as the national administrator. */
export async function loadDemoTrainings(clock: Clock): Promise<{ trainings: number; records: number }> {
  const admin = await User.findOne({ loginName: 'admin' }).lean<UserDoc>();
  if (!admin) return { trainings: 0, records: 0 };
  const binding = admin.bindings[0];
  const caller: Caller = {
    user: admin,
    binding,
    actor: {
      userId: admin._id as Types.ObjectId,
      name: admin.name,
      bindingId: binding._id,
      requestId: 'demo',
    },
  };
  const teachers = await Teacher.find({ regionPath: DEMO_PROVINCE }, { mobile: 1 })
    .sort({ _id: 1 })
    .lean<{ mobile: string }[]>();
  const now = clock();
  let records = 0;
  for (const [i, t] of DEMO_TRAININGS.entries()) {
    const training = await createTraining({ clock }, caller, {
      name: t.name,
      startAt: shanghaiDate(now, t.startDays),
      endAt: shanghaiDate(now, t.endDays),
      hourCap: t.hourCap,
      regionCode: DEMO_PROVINCE,
    });
    const rng = Rng.derive(20161, 'demo-training', i);
    const lines = ['账号,获得学时,实际学习时长'];
    for (const teacher of teachers) {
      if (!rng.chance(t.participation)) continue;
      // Hours: some not started, most part-way, a good share over the cap (the import caps them).
      const hours = rng.chance(t.notStarted) ? 0 : Math.round(rng.next() * t.hourCap * 1.3 * 10) / 10;
      const study = Math.round(hours * 3600 * (0.8 + rng.next() * 0.6));
      lines.push(`${teacher.mobile},${hours},${hms(study)}`);
    }
    const summary = await importTrainingRecords(
      { clock },
      caller,
      String(training.id),
      Readable.from([Buffer.from(lines.join('\n'), 'utf8')]),
    );
    records += summary.created + summary.updated;
  }
  return { trainings: DEMO_TRAININGS.length, records };
}
