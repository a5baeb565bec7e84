// Teacher-training (教师研修) statistics exactly as seed 003 part 3 §2 defines them. Pure functions, no I/O:
// the server computes every statistics row with them, the mini-program and the bot format with them.

/** Additive counts of one group of participants (a region, a school, a subject…). */
export interface TrainingCounts {
  /** 参训人数: teachers with a record in the training. */
  participants: number;
  /** 学习人数: participants whose hours are above zero. */
  learners: number;
  /** 完成学时人数: participants whose hours reached the training's hour cap. */
  completers: number;
  /** Sum of the participants' hours in hundredths (integers add up exactly; floats would drift). */
  centiHours: number;
}

/** One statistics row. Rates are percentages rounded to two decimals (54.76 means 54.76%). */
export interface TrainingRates {
  participants: number;
  /** 专任教师数; null when the region has none on file (seed 003 Q6). */
  fullTimeTeachers: number | null;
  /** 参训率 = participants ÷ full-time teachers; null without a denominator. */
  participationRate: number | null;
  learners: number;
  /** 学习率 = learners ÷ participants. */
  learnRate: number | null;
  /** 人均学时 = total hours ÷ learners, one decimal. */
  avgHours: number | null;
  completers: number;
  /** 完成人数占比 = completers ÷ participants (福建省: 80,496 ÷ 146,999 = 54.76%). */
  completionRate: number | null;
  /** 未完成学时人数 = participants − completers. */
  nonCompleters: number;
  /** 未完成人数占比 = non-completers ÷ participants. */
  nonCompletionRate: number | null;
  /** Total hours earned, two decimals. */
  totalHours: number;
}

export const EMPTY_TRAINING_COUNTS: Readonly<TrainingCounts> = Object.freeze({
  participants: 0,
  learners: 0,
  completers: 0,
  centiHours: 0,
});

/** Seed 003 Q6, shown wherever a participation rate is missing for want of a full-time teacher count. */
export const MISSING_FULL_TIME_TEACHERS_HINT =
  '系统中缺少该区域的专任教师数，因此无法计算参训率。请联系省级管理员索取专任教师填报表，填写完毕后由省级管理员录入或导入系统，参训率即会正常显示。';

export const TRAINING_STATUSES = ['upcoming', 'running', 'ended'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];
export const TRAINING_STATUS_LABELS: Record<TrainingStatus, string> = {
  upcoming: '未开始',
  running: '进行中',
  ended: '已结束',
};

/** The status of a training at `now`: the period includes both its start and its end instant. */
export function trainingStatus(startAt: Date, endAt: Date, now: Date): TrainingStatus {
  if (now.getTime() < startAt.getTime()) return 'upcoming';
  if (now.getTime() <= endAt.getTime()) return 'running';
  return 'ended';
}

/** `numerator ÷ denominator` as a percentage with two decimals, half up; null when undefined. */
export function percent(numerator: number, denominator: number | null | undefined): number | null {
  if (!denominator || denominator <= 0) return null;
  // Integer inputs: numerator·10⁴ ÷ denominator is exact enough that only true halves round up.
  return Math.round((numerator * 10_000) / denominator) / 100;
}

/** Hours (up to two decimals) → hundredths, the unit sums are kept in. */
export function toCentiHours(hours: number): number {
  return Math.round(hours * 100);
}

export function fromCentiHours(centiHours: number): number {
  return centiHours / 100;
}

/** 0/1 facts stored on each record, so that counts are plain sums (no $cond on FerretDB). */
export function recordFacts(centiHours: number, capCentiHours: number): { learned: 0 | 1; completed: 0 | 1 } {
  return { learned: centiHours > 0 ? 1 : 0, completed: centiHours >= capCentiHours ? 1 : 0 };
}

export function addCounts(into: TrainingCounts, add: TrainingCounts, sign: 1 | -1 = 1): TrainingCounts {
  into.participants += sign * add.participants;
  into.learners += sign * add.learners;
  into.completers += sign * add.completers;
  into.centiHours += sign * add.centiHours;
  return into;
}

/** The statistics row of seed 003 for a group's counts and its full-time teacher count. */
export function trainingRates(counts: TrainingCounts, fullTimeTeachers?: number | null): TrainingRates {
  const { participants, learners, completers, centiHours } = counts;
  const fullTime = fullTimeTeachers && fullTimeTeachers > 0 ? fullTimeTeachers : null;
  const nonCompleters = participants - completers;
  return {
    participants,
    fullTimeTeachers: fullTime,
    participationRate: percent(participants, fullTime),
    learners,
    learnRate: percent(learners, participants),
    // Σ hundredths ÷ (learners · 10) rounds to tenths of an hour in one integer-friendly step.
    avgHours: learners > 0 ? Math.round(centiHours / (learners * 10)) / 10 : null,
    completers,
    completionRate: percent(completers, participants),
    nonCompleters,
    nonCompletionRate: percent(nonCompleters, participants),
    totalHours: centiHours / 100,
  };
}

/** 54.76 → "54.76%"; a missing rate → "—" (the placeholder for 参训率 without a denominator). */
export function formatPercent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${rate.toFixed(2)}%`;
}

/** 实际学习时长 as the seed prints it: 28,349 s → "07:52:29" (hours may exceed 24). */
export function formatStudyTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

/**
 * Reads a study duration as exported by the learning platform: "07:52:00" or "7:52" (hours may
 * exceed 24), or a plain number of minutes. Empty → 0. Anything else → null.
 */
export function parseStudyTime(text: string): number | null {
  const t = text.trim();
  if (!t) return 0;
  const clock = /^(\d{1,6}):([0-5]?\d)(?::([0-5]?\d))?$/.exec(t);
  if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0);
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 60);
  return null;
}
