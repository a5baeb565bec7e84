// The text of each push for one group: the event's facts plus, where the issue asks for "what is still
// missing" or a digest, the group's own region read from the ordinary endpoints at send time — one digest
// per group, by child region, never one message per school.
import type { BotDelivery } from '@eduprogress/shared';
import type { ApiClient } from './api';
import { missingReply, progressOf } from './commands';
import {
  dayTime,
  deadlineText,
  levelLabel,
  missingRows,
  periodName,
  renderProgress,
  renderTraining,
  rate,
} from './replies';

const messages = {
  windowOpened: (period: string, level: string, opens: string, closes: string) =>
    `【上报开始】${period} ${level}上报已开始：${opens} 至 ${closes} 截止。`,
  reminder: (period: string, level: string, closes: string, when: string) =>
    `【截止提醒】${period} ${level}上报将于 ${closes} 截止（${when}）。`,
  today: '今天截止',
  daysLeft: (n: number) => `还有 ${n} 天`,
  stillMissing: '尚未完成：',
  allDone: '本地区已全部上报，辛苦了！',
  passed: (period: string, level: string) =>
    `【已截止】${period} ${level}上报已截止，未上报的已按规定自动上报。`,
  autoNamed: (regions: string[], schools: number) =>
    '自动上报：' +
    [
      regions.length
        ? `地区报表 ${regions.slice(0, 10).join('、')}${regions.length > 10 ? ` 等 ${regions.length} 个` : ''}`
        : '',
      schools ? `学校 ${schools} 所` : '',
    ]
      .filter(Boolean)
      .join('；'),
  noAuto: '没有单位被自动上报。',
  rateNow: (r: string, submitted: number, units: number) => `本地区当前上报率 ${r}（${submitted}/${units}）`,
  returned: (unit: string, period: string, reason: string, deadline: string) =>
    `【退回】${unit} 的 ${period} 报表被退回，原因：${reason}。请在 ${deadline} 前修改并重新上报，逾期将按现有数据自动上报。`,
  withdrawalRequested: (unit: string, period: string, reason: string) =>
    `【撤报申请】${unit} 申请撤回 ${period} 已上报的报表，原因：${reason}。请上级管理员在小程序中审批。`,
  withdrawalDecided: (unit: string, period: string, approved: boolean, reason?: string) =>
    `【撤报审批】${unit} 的 ${period} 撤报申请${approved ? '已批准，报表已重新开放填报' : '未获批准'}` +
    (reason ? `（${reason}）` : '') +
    '。',
  notice: (region: string, title: string, date: string, attachments: number) =>
    `【公告】${region} 发布《${title}》（${date}）${attachments ? `，附件 ${attachments} 个` : ''}。全文请在小程序「通知公告」中查看。`,
  weeklyProgress: '【每周进度】',
  weeklyTraining: (end: string) => `【研修周报】（培训 ${end} 结束）`,
  schoolRequestDecided: (
    school: string,
    kind: string,
    target: string | null,
    approved: boolean,
    comment: string | null,
    applyError: string | null,
  ) =>
    `【学校申请审批】${school} 的${kind === 'delete' ? '删除' : `隶属关系变更${target ? `（改由${target}主管）` : ''}`}申请` +
    `${approved ? '已获全国管理员批准' : '未获批准'}` +
    (comment ? `，意见：${comment}` : '') +
    (applyError ? `；但执行未成功：${applyError}` : '') +
    '。',
  unknown: (type: string) => `【通知】${type}`,
};

/** A leased (event, group) pair as GET /bot/deliveries hands it out (shared/src/api/events.ts). */
export type Delivery = BotDelivery;

const MS_PER_DAY = 86_400_000;

function remaining(deadlineIso: string, now: Date): string {
  const left = new Date(deadlineIso).getTime() - now.getTime();
  if (left <= MS_PER_DAY) return messages.today;
  return messages.daysLeft(Math.ceil(left / MS_PER_DAY));
}

/**
 * The message for `d` in its group. Reads the group's region from the server where the message names
 * what is missing (reminders), what was auto-submitted, or a digest. `now` is the bot's clock.
 */
export async function renderPush(api: ApiClient, d: Delivery, now: Date): Promise<string> {
  const ctx = { api, roomId: d.roomId };
  switch (d.type) {
    case 'window.opened': {
      const p = d.payload;
      return messages.windowOpened(
        periodName(p.period),
        levelLabel(p.level),
        dayTime(p.opensAt),
        deadlineText(p.deadline),
      );
    }
    case 'deadline.reminder': {
      const p = d.payload;
      const head = messages.reminder(
        periodName(p.period),
        levelLabel(p.level),
        deadlineText(p.deadline),
        remaining(p.deadline, now),
      );
      const progress = await progressOf(ctx, d.regionCode);
      if (
        missingRows(progress, [p.level]).length === 0 &&
        progress.totals.units === progress.totals.submitted
      )
        return `${head}\n${messages.allDone}`;
      const detail = await missingReply(ctx, d.regionCode, [p.level]);
      return `${head}\n${messages.stillMissing}\n${detail.split('\n').slice(1).join('\n')}`;
    }
    case 'deadline.passed': {
      const p = d.payload;
      const parts = d.parts?.length ? d.parts : [p];
      const regions = [...new Set(parts.flatMap((x) => x.autoSubmittedRegions ?? []))];
      const schools = parts.reduce((n, x) => n + Number(x.autoSubmittedSchools ?? 0), 0);
      const lines = [messages.passed(periodName(p.period), levelLabel(p.level))];
      const progress = await progressOf(ctx, d.regionCode);
      if (progress.region.level === p.level) {
        // A group of one of the level's regions: its own report and schools only, not its neighbours'.
        const direct = progress.children.find((c) => c.direct)?.autoSubmitted ?? 0;
        const own = regions.includes(progress.region.name) ? [progress.region.name] : [];
        lines.push(own.length || direct ? messages.autoNamed(own, direct) : messages.noAuto);
      } else lines.push(regions.length || schools ? messages.autoNamed(regions, schools) : messages.noAuto);
      lines.push(
        messages.rateNow(rate(progress.totals.rate), progress.totals.submitted, progress.totals.units),
      );
      return lines.join('\n');
    }
    case 'report.returned': {
      const p = d.payload;
      return messages.returned(p.unit, periodName(p.period), p.reason ?? '', deadlineText(p.deadline));
    }
    case 'withdrawal.requested': {
      const p = d.payload;
      return messages.withdrawalRequested(p.unit, periodName(p.period), p.reason ?? '');
    }
    case 'withdrawal.decided': {
      const p = d.payload;
      return messages.withdrawalDecided(p.unit, periodName(p.period), !!p.approved, p.reason);
    }
    case 'notice.published': {
      const p = d.payload;
      return messages.notice(p.regionName, p.title, dayTime(p.publishedAt), Number(p.attachmentCount ?? 0));
    }
    case 'digest.progress':
      return `${messages.weeklyProgress}${renderProgress(await progressOf(ctx, d.regionCode), 20)}`;
    case 'digest.training': {
      const p = d.payload;
      const stats = await api.forRoom<Parameters<typeof renderTraining>[0]>(
        d.roomId,
        `/trainings/${encodeURIComponent(p.trainingId)}/stats`,
        { region: d.regionCode },
      );
      return `${messages.weeklyTraining(deadlineText(p.endAt))}\n${renderTraining(stats, 20)}`;
    }
    case 'school.request.decided': {
      const p = d.payload;
      return messages.schoolRequestDecided(
        p.school,
        p.kind,
        p.target ?? null,
        !!p.approved,
        p.comment ?? null,
        p.applyError ?? null,
      );
    }
    default:
      // A type this bot does not know yet (a newer server): say what it is rather than nothing.
      return messages.unknown((d as { type: string }).type);
  }
}
