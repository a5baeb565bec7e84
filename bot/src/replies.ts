// Plain-Chinese rendering of the server's answers for a group: progress, units not reported, windows,
// training statistics, notices. Pure functions of the JSON the ordinary endpoints return.
import {
  deadlineLabel,
  opensAtLabel,
  formatRate,
  periodLabel,
  REGION_LEVEL_LABELS,
  REPORT_STATE_LABELS,
  type NoticeSummary,
  type PeriodsView,
  type ProgressCounts,
  type ProgressRow,
  type ProgressView,
  type RegionLevel,
  type ReportState,
  type TrainingStatsRow,
} from '@eduprogress/shared';

const messages = {
  progressTitle: (region: string, period: string) => `${region} ${period} 上报进度`,
  totals: (t: Counts) =>
    `应报 ${t.units}，已报 ${t.submitted}（其中自动上报 ${t.autoSubmitted}），` +
    `逾期未报 ${t.overdue}，上报率 ${rate(t.rate)}`,
  ownReport: (label: string) => `本级报表：${label}`,
  childrenTitle: '下级（按上报率从低到高）：',
  childRow: (c: ChildRow) =>
    `${c.name}：${rate(c.rate)}（${c.submitted}/${c.units}${c.overdue ? `，逾期 ${c.overdue}` : ''}）` +
    (c.report ? `，报表${c.report.stateLabel}` : ''),
  more: (n: number) => `……另有 ${n} 个`,
  missingTitle: (region: string, period: string) => `${region} ${period} 未上报情况`,
  noneMissing: '全部单位均已上报 🎉',
  missingChild: (name: string, n: number, report?: string) =>
    `${name}：${n} 所学校未报${report ? `；本级报表${report}` : ''}`,
  missingReportOnly: (name: string, report: string) => `${name}：学校均已上报；本级报表${report}`,
  schoolsTitle: (n: number) => `未报学校（共 ${n} 所）：`,
  schoolsMore: (shown: number, total: number) => `……仅列出 ${shown} 所，共 ${total} 所`,
  windowsTitle: (period: string) => `${period} 各级上报时间：`,
  allClosed: (period: string) => `${period} 各级上报均已截止。`,
  nextTitle: (period: string) => `下一期 ${period} 各级上报时间：`,
  windowRow: (level: string, opens: string, closes: string, state: string) =>
    `${level}：${opens} 至 ${closes} 截止${state}`,
  trainingTitle: (name: string, status: string, region: string) => `${name}（${status}）· ${region} 学时统计`,
  trainingTotals: (r: TrainingRow) =>
    `参训 ${r.participants} 人${r.participationRate !== null ? `（参训率 ${pct(r.participationRate)}）` : ''}，` +
    `完成学时 ${r.completers} 人（${pct(r.completionRate)}），人均 ${r.avgHours ?? 0} 学时`,
  trainingRow: (r: TrainingRow) =>
    `${r.name}：参训 ${r.participants}，完成 ${r.completers}（${pct(r.completionRate)}）`,
  trainingChildren: '按下级地区（完成率从低到高）：',
  noticesTitle: '最新公告：',
  noticeRow: (n: NoticeRow) =>
    `《${n.title}》${n.regionName} ${day(n.publishedAt)}${n.attachmentCount ? ` · 附件 ${n.attachmentCount}` : ''}`,
  noNotices: '暂无发给本群所在地区的公告。',
  noticeHint: '全文与附件请在小程序「通知公告」中查看。',
};

// The answers' shapes are the API contract (shared/src/api/views.ts).
export type { NoticeSummary, PeriodsView, ProgressView };
type Counts = ProgressCounts;
type ChildRow = ProgressRow;
type TrainingRow = TrainingStatsRow;
type NoticeRow = NoticeSummary;

/** A percentage rate with one decimal (shared, so the mini-program says the same). */
export const rate = (r: number | null): string => formatRate(r);

/** A number that is already a percentage (training statistics). */
function pct(p: number | null): string {
  return p === null || p === undefined ? '—' : `${p}%`;
}

/** `2026-10-05T23:59:59+08:00` → `10月5日`. */
export function day(iso: string | null | undefined): string {
  const m = /^\d{4}-(\d{2})-(\d{2})/.exec(iso ?? '');
  return m ? `${Number(m[1])}月${Number(m[2])}日` : '';
}

/** An instant as it stands, in Beijing time (`…T23:59:59+08:00` → `10月5日 23:59`; midnight `10月1日 00:00`). */
export function dayTime(iso: string | null | undefined): string {
  return opensAtLabel(iso, { year: false });
}

/** A deadline instant: midnight reads as the end of the day before (`10月6日 00:00` → `10月5日 24:00`). */
export function deadlineText(iso: string | null | undefined): string {
  return deadlineLabel(iso, { year: false });
}

/** A period as users read it (`2026Q3` → `2026年第3季度`), the same words as the mini-program's. */
export const periodName = periodLabel;

export function levelLabel(level: string): string {
  return REGION_LEVEL_LABELS[level as RegionLevel] ?? level;
}

export function stateLabel(state: string): string {
  return REPORT_STATE_LABELS[state as ReportState] ?? state;
}

/** 进度: totals, own report, the direct children from the lowest rate up (at most `maxRows`). */
export function renderProgress(p: ProgressView, maxRows = 30): string {
  const lines = [messages.progressTitle(p.region.name, periodName(p.period)), messages.totals(p.totals)];
  if (p.region.level !== 'national') lines.push(messages.ownReport(p.report.stateLabel));
  const rows = p.children.filter((c) => c.units > 0);
  if (rows.length) {
    lines.push(messages.childrenTitle);
    const sorted = [...rows].sort(
      (a, b) => (a.rate ?? 200) - (b.rate ?? 200) || a.code.localeCompare(b.code),
    );
    for (const c of sorted.slice(0, maxRows)) lines.push(messages.childRow(c));
    if (sorted.length > maxRows) lines.push(messages.more(sorted.length - maxRows));
  }
  return lines.join('\n');
}

/**
 * Children with something missing: schools not reported, or — for children of a level in `dueLevels`
 * (whose window has opened) — their own report not submitted.
 */
export function missingRows(p: ProgressView, dueLevels: readonly string[] = []): string[] {
  const out: string[] = [];
  const open = (c: ChildRow) =>
    c.report && dueLevels.includes(c.level) && !['submitted', 'locked'].includes(c.report.state);
  const rows = [...p.children].sort((a, b) => b.units - b.submitted - (a.units - a.submitted));
  for (const c of rows) {
    const missing = c.units - c.submitted;
    const report = open(c) ? c.report!.stateLabel : undefined;
    if (missing > 0) out.push(messages.missingChild(c.name, missing, report));
    else if (report && !c.direct) out.push(messages.missingReportOnly(c.name, report));
  }
  return out;
}

/** 未报: grouped by child region; the school names when the region manages schools itself. */
export function renderMissing(
  p: ProgressView,
  schools: { names: string[]; total: number } | undefined,
  dueLevels: readonly string[] = [],
  maxRows = 30,
): string {
  const lines = [messages.missingTitle(p.region.name, periodName(p.period))];
  const all = missingRows(p, dueLevels);
  const rows = all.slice(0, maxRows);
  if (all.length === 0 && !schools?.total) {
    lines.push(messages.noneMissing);
    return lines.join('\n');
  }
  lines.push(...rows);
  if (all.length > maxRows) lines.push(messages.more(all.length - maxRows));
  if (schools?.total) {
    lines.push(messages.schoolsTitle(schools.total), ...schools.names);
    if (schools.total > schools.names.length)
      lines.push(messages.schoolsMore(schools.names.length, schools.total));
  }
  return lines.join('\n');
}

/**
 * 截止: each level's window of the period being reported; once every one of them has closed, the
 * windows of the period each level reports next (`workingByLevel` of GET /periods/current), so the
 * group learns the coming deadline rather than a list of closed ones.
 */
export function renderWindows(v: PeriodsView): string {
  const state = (opensAt: string, closesAt: string) =>
    opensAt <= v.now && v.now < closesAt ? '（进行中）' : closesAt <= v.now ? '（已截止）' : '（未开始）';
  const allClosed = v.windows.length > 0 && v.windows.every((w) => !w.open && w.closesAt <= v.now);
  const next = v.windows
    .map((w) => ({ level: w.level, ...v.workingByLevel?.[w.level] }))
    .filter((w): w is typeof w & { period: string; opensAt: string; closesAt: string } => !!w.period);
  if (allClosed && next.length) {
    const lines = [messages.allClosed(periodName(v.period))];
    for (const period of [...new Set(next.map((w) => w.period))]) {
      lines.push(messages.nextTitle(periodName(period)));
      for (const w of next.filter((x) => x.period === period))
        lines.push(
          messages.windowRow(
            levelLabel(w.level),
            opensAtLabel(w.opensAt),
            deadlineLabel(w.closesAt),
            state(w.opensAt, w.closesAt),
          ),
        );
    }
    return lines.join('\n');
  }
  return [
    messages.windowsTitle(periodName(v.period)),
    ...v.windows.map((w) =>
      messages.windowRow(
        levelLabel(w.level),
        dayTime(w.opensAt),
        deadlineText(w.closesAt),
        w.open ? '（进行中）' : w.closesAt <= v.now ? '（已截止）' : '（未开始）',
      ),
    ),
  ].join('\n');
}

/** 学时: totals and the children from the lowest completion rate up (seed 003 definitions). */
export function renderTraining(
  stats: {
    training: { name: string; statusLabel: string };
    region: { name: string };
    total: TrainingRow;
    children: TrainingRow[];
  },
  maxRows = 30,
): string {
  const lines = [
    messages.trainingTitle(stats.training.name, stats.training.statusLabel, stats.region.name),
    messages.trainingTotals(stats.total),
  ];
  const rows = stats.children.filter((c) => c.participants > 0);
  if (rows.length) {
    lines.push(messages.trainingChildren);
    const sorted = [...rows].sort((a, b) => (a.completionRate ?? 0) - (b.completionRate ?? 0));
    for (const r of sorted.slice(0, maxRows)) lines.push(messages.trainingRow(r));
    if (sorted.length > maxRows) lines.push(messages.more(sorted.length - maxRows));
  }
  return lines.join('\n');
}

/** 公告: the latest notices addressed to the group's region. */
export function renderNotices(items: NoticeRow[]): string {
  if (items.length === 0) return messages.noNotices;
  return [
    messages.noticesTitle,
    ...items.map((n, i) => `${i + 1}. ${messages.noticeRow(n)}`),
    messages.noticeHint,
  ].join('\n');
}

/**
 * Splits a long message at line boundaries into parts of at most `max` characters (a line longer than
 * that is cut); WeChat truncates or refuses very long texts.
 */
export function splitMessage(text: string, max = 1500): string[] {
  const parts: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const pieces: string[] = [];
    for (let i = 0; i < raw.length || i === 0; i += max) pieces.push(raw.slice(i, i + max));
    for (const line of pieces) {
      if (current && current.length + 1 + line.length > max) {
        parts.push(current);
        current = line;
      } else current = current ? `${current}\n${line}` : line;
    }
  }
  if (current) parts.push(current);
  return parts;
}
