// The trainings follow their teachers: a teacher's attributes (verification, school, stage…) changed,
// announced as `teacher.changed` (events.ts), reach every training it takes part in (recount.ts
// `syncTeacherTrainings`: the record, the rollups, a roster patch). The nightly `training-recount` job
// repairs what a crash between the teacher's write and this listener left behind.
import { maskMobile } from '@eduprogress/shared';
import { onDomainEvent } from '../events';
import { School } from '../schools/model';
import { managingRegionOf, type TeacherDoc } from '../teachers/model';
import { syncTeacherTrainings } from './recount';
import type { TeacherFacts } from './roster';

async function teacherFacts(t: TeacherDoc): Promise<TeacherFacts> {
  const schoolName = t.schoolId ? ((await School.findById(t.schoolId, { name: 1 }).lean())?.name ?? '') : '';
  return {
    teacherId: String(t._id),
    account: maskMobile(t.mobile) ?? '',
    name: t.name,
    region: managingRegionOf(t),
    regionPath: t.regionPath,
    schoolId: t.schoolId ? String(t.schoolId) : '',
    schoolName,
    stage: t.stage,
    subject: t.subject,
    verified: t.verification === 'approved' ? 1 : 0,
  };
}

let subscribed = false;
/** Subscribes the trainings to `teacher.changed` (once per process; read-models.ts). */
export function subscribeTrainingRoster(): void {
  if (subscribed) return;
  subscribed = true;
  onDomainEvent('teacher.changed', async (e) => {
    // A teacher new to the directory takes part in no training yet.
    if (!e.before) return;
    await syncTeacherTrainings(() => e.at, await teacherFacts(e.before), await teacherFacts(e.after));
  });
}
