// In-process domain events (issue 10): typed, awaited, one process only. Writers publish what changed;
// the read models (school list index, admin hint list, teacher directory, training roster, progress and
// statistics rollups) subscribe once at app setup (read-models.ts) — a writer never calls one directly.
// Durable cross-instance events for the bot go through the outbox instead; what a listener misses here
// (a crash between the write and the event, another instance's write) is what each read model's
// rebuild or drift repair is for (docs/ARCHITECTURE.md, "Change events").
import type { Types } from 'mongoose';
import type { ReportState } from '@eduprogress/shared';
import type { ReportDoc } from './reports/model';
import type { SchoolDoc } from './schools/model';
import type { TeacherDoc } from './teachers/model';

/** A report changed state (every transition of the reporting workflow, automatic ones included). */
export interface ReportChanged {
  period: string;
  unitKind: 'school' | 'region';
  /** Set for school reports. */
  schoolId?: string;
  /** The school's managing region, or the region itself. */
  regionCode: string;
  state: ReportState;
  previousState: ReportState | null;
  /** The report before and after the change, as stored (listeners compute deltas from them). */
  before: ReportDoc | null;
  after: ReportDoc;
  /** The school of a school report, as placed when the report changed. */
  school?: { _id: Types.ObjectId; regionCode: string; regionPath: string[] };
  /** The region of a region report. */
  region?: { _id: string; parentCode: string | null };
  at: Date;
}

/**
 * A report change a crash interrupted was rolled forward (reports/reconcile.ts). Deltas may have been
 * applied already, so listeners re-read or mark for recount instead of adding again.
 */
export interface ReportRecovered {
  report: ReportDoc;
  at: Date;
}

/** School reports of one managing region reached new states in bulk (a deadline's auto-submission step). */
export interface ReportsClosed {
  period: string;
  /** The managing region of every school in `states`. */
  regionCode: string;
  /** School id → its report's new state. */
  states: Map<string, ReportState>;
}

/**
 * A reporting deadline was closed for the whole country: every unit of `level` (and below) that had not
 * reported was auto-submitted in bulk (reports/deadline-close.ts), without a `report.changed` each.
 */
export interface DeadlineClosed {
  period: string;
  level: 'county' | 'city' | 'province';
  at: Date;
  /**
   * The run took over an interrupted one or retried a failed step, so the per-step read-model deltas
   * may have missed or doubled units: listeners recount the period instead.
   */
  recount: boolean;
  /** A progress build of the period ran alongside the run: the progress listener recounts the period. */
  recountProgress?: boolean;
}

/** What the read models place a school by (its cell, its rows, its list line). */
export type SchoolPlacementFacts = Pick<
  SchoolDoc,
  '_id' | 'name' | 'type' | 'urbanRural' | 'projectSchool' | 'regionCode' | 'regionPath' | 'initialized'
> &
  Partial<Pick<SchoolDoc, 'status'>>;

/**
 * A school changed other than through its reports (issue 13 §2): created (`before` null), retyped,
 * renamed, its 城乡类型, 项目学校 state or status (被合并/撤销) changed, moved to another region, or deleted
 * (`after` null).
 * The statistics rollups, the progress rollups' school counts and the school list follow it at once;
 * the drift checks and the list rebuild repair what a listener missed.
 */
export interface SchoolChanged {
  schoolId: string;
  before: SchoolPlacementFacts | null;
  after: SchoolPlacementFacts | null;
  /** The workable periods that count the school where it is now (where it was, when deleted). */
  periods: string[];
  /** The workable periods that counted it where it was (`before`'s region); [] for a new school. */
  periodsBefore: string[];
}

/**
 * Schools of one managing region were created by an import, none with a report or an admin yet
 * counted: the list rows and the progress school counts follow (statistics count no report-less school).
 */
export interface SchoolsImported {
  schools: SchoolDoc[];
  /** The workable periods that count them. */
  periods: string[];
}

/** Schools of an import taken back before they were announced: only list rows a rebuild wrote meanwhile go. */
export interface SchoolsDiscarded {
  schools: Pick<SchoolDoc, '_id' | 'regionCode'>[];
}

/** A school's own fields changed that no rollup counts (issue flags, initialized, last update, transfer marker). */
export interface SchoolMarked {
  schoolId: Types.ObjectId;
}

/**
 * A user is about to hold an admin binding of the school: published BEFORE the binding is written (the
 * school's `adminIds` hint list must be a superset of its admins), by a required listener whose
 * failure fails the writer.
 */
export interface SchoolAdminBinding {
  schoolId: Types.ObjectId;
  userId: Types.ObjectId;
}

/** A teacher was written (`before` null: created, or refreshed by a bulk writer): directory and trainings follow. */
export interface TeacherChanged {
  before: TeacherDoc | null;
  after: TeacherDoc;
  at: Date;
}

export interface DomainEvents {
  'report.changed': ReportChanged;
  'report.recovered': ReportRecovered;
  'reports.closed': ReportsClosed;
  'deadline.closed': DeadlineClosed;
  'school.changed': SchoolChanged;
  'schools.imported': SchoolsImported;
  'schools.discarded': SchoolsDiscarded;
  'school.marked': SchoolMarked;
  'school.adminBinding': SchoolAdminBinding;
  'teacher.changed': TeacherChanged;
}

type Listener<K extends keyof DomainEvents> = (event: DomainEvents[K]) => Promise<void> | void;

interface Subscription {
  listener: Listener<any>;
  required: boolean;
}
const listeners = new Map<keyof DomainEvents, Set<Subscription>>();

/**
 * Subscribes to an event type; returns the unsubscribe function. A `required` listener keeps an
 * invariant the writer relies on: its failure is thrown to the publisher (which then writes nothing
 * more); any other listener's failure is only reported (its read model's repair puts it right).
 */
export function onDomainEvent<K extends keyof DomainEvents>(
  type: K,
  listener: Listener<K>,
  opts: { required?: boolean } = {},
): () => void {
  const set = listeners.get(type) ?? new Set();
  const subscription = { listener, required: !!opts.required };
  set.add(subscription);
  listeners.set(type, set);
  return () => set.delete(subscription);
}

/**
 * Runs every listener of the event and waits for them, so what they keep current (rollups) is current
 * when the request that caused the event answers. A failing listener never fails the caller: it is
 * reported as a process warning, and the listener's own repair job puts its data right (a `required`
 * listener's failure is thrown).
 */
export async function publishDomainEvent<K extends keyof DomainEvents>(
  type: K,
  event: DomainEvents[K],
): Promise<void> {
  for (const { listener, required } of listeners.get(type) ?? []) {
    try {
      await listener(event);
    } catch (err) {
      if (required) throw err;
      process.emitWarning(`domain event ${type} listener failed: ${(err as Error).stack ?? String(err)}`);
    }
  }
}
