// In-process domain events (issue 10's bus, minimal): typed, awaited, one process only. Durable
// cross-instance events for the bot go through the outbox instead; what a listener misses here (a
// crash, another instance's write) is what the drift checks and recounts are for.
import type { ReportState } from '@eduprogress/shared';
import type { ReportDoc } from './reports/model';
import type { SchoolDoc } from './schools/model';

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
}

/** What the read models place a school by (its cell, its rows, its list line). */
export type SchoolPlacementFacts = Pick<
  SchoolDoc,
  '_id' | 'name' | 'type' | 'urbanRural' | 'projectSchool' | 'regionCode' | 'regionPath'
>;

/**
 * A school changed other than through its reports (issue 13 §2): created (`before` null), retyped,
 * renamed, its 城乡类型 or 项目学校 state changed, moved to another region, or deleted (`after` null).
 * The statistics rollups follow it for `periods` (the workable ones) at once; the drift checks repair
 * what a listener missed. (The progress rollups' school counts are kept by schools/service.ts itself.)
 */
export interface SchoolChanged {
  schoolId: string;
  before: SchoolPlacementFacts | null;
  after: SchoolPlacementFacts | null;
  periods: string[];
}

export interface DomainEvents {
  'report.changed': ReportChanged;
  'deadline.closed': DeadlineClosed;
  'school.changed': SchoolChanged;
}

type Listener<K extends keyof DomainEvents> = (event: DomainEvents[K]) => Promise<void> | void;

const listeners = new Map<keyof DomainEvents, Set<Listener<any>>>();

/** Subscribes to an event type; returns the unsubscribe function. */
export function onDomainEvent<K extends keyof DomainEvents>(type: K, listener: Listener<K>): () => void {
  const set = listeners.get(type) ?? new Set();
  set.add(listener);
  listeners.set(type, set);
  return () => set.delete(listener);
}

/**
 * Runs every listener of the event and waits for them, so what they keep current (rollups) is current
 * when the request that caused the event answers. A failing listener never fails the caller: it is
 * reported as a process warning, and the listener's own repair job puts its data right.
 */
export async function publishDomainEvent<K extends keyof DomainEvents>(
  type: K,
  event: DomainEvents[K],
): Promise<void> {
  for (const listener of listeners.get(type) ?? []) {
    try {
      await listener(event);
    } catch (err) {
      process.emitWarning(`domain event ${type} listener failed: ${(err as Error).stack ?? String(err)}`);
    }
  }
}
