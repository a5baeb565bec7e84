// The outbox events the server writes for the bot (server/src/outbox) and their payloads: `type` → payload.
// The server's emitters are checked against `OutboxPayloads`, the bot's push texts (bot/src/pushes.ts) read
// the same shapes, so a renamed field breaks the build on both sides. Times are API date-times (dates.ts).
import type { ReportingLevel, Cycle } from '../calendar';
import type { ApiDateTime } from './dates';

/** Whose report a report event is about. */
export type UnitKind = 'school' | 'region';

interface ReportEventBase {
  /** Period name, e.g. `2026Q3` or `2026-10`. */
  period: string;
  /** The unit's name (school or region). */
  unit: string;
  unitKind: UnitKind;
}

interface WindowFacts {
  period: string;
  cycle: Cycle;
  level: ReportingLevel;
  opensAt: ApiDateTime;
  deadline: ApiDateTime;
}

/** Each event type's payload. */
export interface OutboxPayloads {
  /** A level's reporting window opened (calendar/events.ts). */
  'window.opened': WindowFacts;
  /** `daysBefore` days remain until a level's deadline. */
  'deadline.reminder': WindowFacts & { daysBefore: number };
  /** A level's deadline passed; what was auto-submitted below the event's region (reports/autosubmit.ts). */
  'deadline.passed': {
    period: string;
    level: ReportingLevel;
    deadline: ApiDateTime;
    /** Names of the regions whose own report was auto-submitted. */
    autoSubmittedRegions: string[];
    autoSubmittedSchools: number;
  };
  /** The upper level returned a report, to be submitted again by `deadline`. */
  'report.returned': ReportEventBase & { reason: string; deadline: ApiDateTime };
  /** A unit asked to withdraw its submitted report. */
  'withdrawal.requested': ReportEventBase & { reason: string };
  /** The upper level decided a withdrawal request; an approved one may be edited until `deadline`. */
  'withdrawal.decided': ReportEventBase & { approved: boolean; reason?: string; deadline?: ApiDateTime };
  /** A notice was published to the event's region and below. */
  'notice.published': {
    noticeId: string;
    title: string;
    regionCode: string;
    regionName: string;
    authorName: string;
    scope: { levels: string[]; schoolTypes: string[] };
    publishedAt: ApiDateTime | null;
    attachmentCount: number;
  };
  /** Monday's progress digest (`date` is the Shanghai day `YYYY-MM-DD`). */
  'digest.progress': { date: string; period: string };
  /** Monday's digest of a running training. */
  'digest.training': { date: string; trainingId: string; name: string; endAt: ApiDateTime };
  /** The national admin decided a school deletion or affiliation change request. */
  'school.request.decided': {
    requestId: string;
    kind: 'delete' | 'transfer';
    approved: boolean;
    school: string;
    /** The new managing region's name of a transfer. */
    target: string | null;
    comment: string | null;
    /** Why carrying out an approved request failed, if it did. */
    applyError: string | null;
  };
}

export type OutboxEventType = keyof OutboxPayloads;

/** Every event type, in the order the bot's settings list them. */
export const OUTBOX_EVENT_TYPES = [
  'window.opened',
  'deadline.reminder',
  'deadline.passed',
  'report.returned',
  'withdrawal.requested',
  'withdrawal.decided',
  'notice.published',
  'digest.progress',
  'digest.training',
  'school.request.decided',
] as const satisfies readonly OutboxEventType[];

// Both ways: a type added to OutboxPayloads but not to the list fails here.
type Missing = Exclude<OutboxEventType, (typeof OUTBOX_EVENT_TYPES)[number]>;
const allListed: Missing extends never ? true : Missing = true;
void allListed;

/** A leased (event, group) pair as GET /bot/deliveries hands it out, narrowed by `type`. */
export type BotDelivery = {
  [T in OutboxEventType]: {
    id: string;
    eventId: string;
    type: T;
    roomId: string;
    /** The group's region when the pair was made. */
    regionCode: string;
    payload: OutboxPayloads[T];
    /** A digest's parts (every event filed under the pair); [payload] otherwise. */
    parts?: OutboxPayloads[T][];
    generation: number;
    attempts: number;
  };
}[OutboxEventType];
