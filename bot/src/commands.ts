// What the bot answers in a group: one handler per intent of the command table (parse.ts). Handlers return
// the reply text; they never throw — a server error becomes a plain Chinese sentence (bot-cases F1: never
// relay a schema or regex message).
import { ApiClient, ApiError } from './api';
import { normaliseCode, type Parsed } from './parse';
import {
  levelLabel,
  renderMissing,
  renderNotices,
  renderProgress,
  renderTraining,
  renderWindows,
  type NoticeSummary,
  type PeriodsView,
  type ProgressView,
} from './replies';

const messages = {
  help: (name: string, room?: RoomInfo) =>
    [
      `我是${name}，在群里 @我 或直接发送：`,
      '进度 [地区名] — 本期上报进度与下级排名',
      '未报 [地区名] — 尚未上报的单位',
      '截止 — 各级上报时间与截止时间',
      '学时 [培训名] — 教师研修参训与完成情况',
      '公告 — 最新通知公告',
      `订阅/退订 <类型> — 类型：${TOPICS.join('、')}`,
      '绑定 <绑定码> / 解绑 <绑定码> — 由地区管理员在小程序生成绑定码',
      room
        ? `本群已绑定：${room.regionName}（${levelLabel(room.regionLevel)}）` +
          (room.muted.length ? `；已退订：${room.muted.join('、')}` : '')
        : '本群尚未绑定地区。',
    ].join('\n'),
  howToBind:
    '本群尚未绑定地区。请地区管理员在小程序「群聊机器人」中生成绑定码，然后在群里 @我 发送：绑定 绑定码',
  unknown: '没听懂这句话。发送「帮助」查看可用的命令。',
  bindUsage: '请发送「绑定 绑定码」，绑定码为地区管理员在小程序中生成的 8 位字母和数字，例如：绑定 AB23CD45',
  badCode: '绑定码应为 8 位字母和数字（如 AB23CD45），请核对后重新发送。',
  bound: (region: string, level: string) =>
    `本群已绑定到 ${region}（${level}），今后会在这里推送截止提醒、退回通知与进度汇总。发送「帮助」查看命令。`,
  codeNotFound: '这个绑定码不存在，请核对后重新发送。',
  codeUsed: '这个绑定码已经用过了，请让地区管理员重新生成一个。',
  codeExpired: '这个绑定码已过期（有效期 24 小时），请让地区管理员重新生成一个。',
  codeOutside: '这个绑定码不是本群所绑定地区（或其上级）的管理员生成的，不能用来解绑。',
  unbindUsage:
    '解绑需要本地区（或上级）管理员在小程序中新生成的绑定码，以确认是管理员本人操作：请发送「解绑 绑定码」。',
  unbound: (region: string) => `本群已与 ${region} 解除绑定，不再推送消息。`,
  notFound: (name: string) => `没有找到名为「${name}」的地区，请检查名称。`,
  outside: (name: string, region: string) => `「${name}」不在本群绑定的 ${region} 范围内，无法查询。`,
  ambiguous: (name: string, choices: string[]) =>
    `「${name}」有 ${choices.length} 个同名地区，请发送更完整的名称：\n${choices.join('\n')}`,
  noTrainings: '本地区暂无研修培训。',
  trainingNotFound: (name: string) => `没有找到名称包含「${name}」的培训。`,
  trainingChoices: (choices: string[]) => `有多个培训，请在「学时」后加上培训名称：\n${choices.join('\n')}`,
  topicUsage: (muted: string[]) =>
    `请发送「订阅 类型」或「退订 类型」，类型：${TOPICS.join('、')}。` +
    (muted.length ? `本群已退订：${muted.join('、')}。` : '本群目前接收全部推送。'),
  subscribed: (topic: string) => `已订阅「${topic}」推送。`,
  unsubscribed: (topic: string) => `已退订「${topic}」推送，发送「订阅 ${topic}」可恢复。`,
  outsideRegion: '该地区不在本群绑定的地区范围内，无法查询。',
  roomUnbound: '本群尚未绑定地区或已解除绑定。',
  unavailable: '暂时无法查询，请稍后再试。',
};

/** Push topics a group can turn off (the server's SUBSCRIPTION_TOPICS). */
export const TOPICS = ['提醒', '退回', '撤报', '公告', '周报', '学时'] as const;

/** A bound group as the server describes it (GET /bot/rooms/:roomId). */
export interface RoomInfo {
  roomId: string;
  regionCode: string;
  regionName: string;
  regionLevel: string;
  muted: string[];
}

export interface CommandContext {
  api: ApiClient;
  botName: string;
  roomId: string;
  roomTopic: string;
  /** The binding, or undefined for an unbound group. */
  room?: RoomInfo;
}

/** Outcome of a command: the reply (if any) and whether the group's binding changed. */
export interface CommandResult {
  reply?: string;
  bindingChanged?: boolean;
}

/** A server error in plain words for the group (codes the bot knows; a generic sentence otherwise). */
export function plainError(err: unknown): string {
  if (!(err instanceof ApiError)) return messages.unavailable;
  switch (err.code) {
    case 'BINDING_CODE_NOT_FOUND':
      return messages.codeNotFound;
    case 'BINDING_CODE_USED':
      return messages.codeUsed;
    case 'BINDING_CODE_EXPIRED':
      return messages.codeExpired;
    case 'BINDING_CODE_OUTSIDE':
      return messages.codeOutside;
    case 'OUTSIDE_JURISDICTION':
    case 'OUTSIDE_TRAINING':
      return messages.outsideRegion;
    case 'ROOM_NOT_BOUND':
    case 'ROOM_NOT_FOUND':
      return messages.roomUnbound;
    default:
      return messages.unavailable;
  }
}

/** The reply to an unbound group that asked something (the caller limits it to once an hour). */
export const HOW_TO_BIND = messages.howToBind;

/**
 * A region name inside the group's subtree → its code, or the reply explaining why not (not found,
 * outside, ambiguous). An empty name means the group's own region.
 */
async function resolveRegion(
  ctx: CommandContext,
  room: RoomInfo,
  name: string,
): Promise<{ code?: string; reply?: string }> {
  if (!name) return { code: room.regionCode };
  const found = await ctx.api.call<{
    matches: { code: string; name: string; within: string[] }[];
    outside: number;
  }>('GET', '/bot/regions', { roomId: ctx.roomId, query: { q: name.slice(0, 30) } });
  if (found.matches.length === 1) return { code: found.matches[0].code };
  if (found.matches.length > 1) {
    return {
      reply: messages.ambiguous(
        name,
        found.matches.map((m) => [...m.within, m.name].join(' ')),
      ),
    };
  }
  return { reply: found.outside > 0 ? messages.outside(name, room.regionName) : messages.notFound(name) };
}

/** Progress of a region for the group. */
export function progressOf(ctx: Pick<CommandContext, 'api' | 'roomId'>, code: string): Promise<ProgressView> {
  return ctx.api.forRoom<ProgressView>(ctx.roomId, `/regions/${encodeURIComponent(code)}/progress`);
}

/** Names of the schools a region manages itself that have not reported (at most `max`), and their count. */
export async function unreportedSchools(
  ctx: Pick<CommandContext, 'api' | 'roomId'>,
  code: string,
  period: string,
  max = 20,
): Promise<{ names: string[]; total: number }> {
  const page = await ctx.api.forRoom<{ items: { name: string }[]; total: number }>(ctx.roomId, '/schools', {
    region: code,
    direct: true,
    reported: false,
    period,
    pageSize: max,
  });
  return { names: page.items.map((s) => s.name), total: page.total };
}

/** Levels whose window of the period being reported has opened (their own reports are due). */
export async function dueLevelsNow(ctx: Pick<CommandContext, 'api' | 'roomId'>): Promise<string[]> {
  const v = await ctx.api.forRoom<PeriodsView>(ctx.roomId, '/periods/current');
  return v.windows.filter((w) => w.opensAt <= v.now).map((w) => w.level);
}

/**
 * 未报 for a region: children with missing units (and, for levels in `dueLevels`, their own report);
 * the school names where the region manages schools itself.
 */
export async function missingReply(
  ctx: Pick<CommandContext, 'api' | 'roomId'>,
  code: string,
  dueLevels: readonly string[],
): Promise<string> {
  const progress = await progressOf(ctx, code);
  const direct = progress.children.find((c) => c.direct);
  const schools =
    direct && direct.units > direct.submitted
      ? await unreportedSchools(ctx, code, progress.period)
      : undefined;
  return renderMissing(progress, schools, dueLevels);
}

async function trainingReply(ctx: CommandContext, room: RoomInfo, name: string): Promise<string> {
  const list = await ctx.api.forRoom<{
    items: { id: string; name: string; status: string; startAt: string }[];
  }>(ctx.roomId, '/trainings', { q: name ? name.slice(0, 40) : undefined, pageSize: 20 });
  if (list.items.length === 0) return name ? messages.trainingNotFound(name) : messages.noTrainings;
  const running = list.items.filter((t) => t.status === 'running');
  let chosen = list.items.find((t) => t.name === name);
  if (!chosen) {
    const pool = running.length ? running : list.items;
    if (pool.length > 1 && name) return messages.trainingChoices(pool.map((t) => t.name));
    chosen = [...pool].sort((a, b) => String(b.startAt).localeCompare(String(a.startAt)))[0];
  }
  const stats = await ctx.api.forRoom<Parameters<typeof renderTraining>[0]>(
    ctx.roomId,
    `/trainings/${encodeURIComponent(chosen.id)}/stats`,
    { region: room.regionCode },
  );
  return renderTraining(stats);
}

async function bind(ctx: CommandContext, arg: string): Promise<CommandResult> {
  if (!arg) return { reply: messages.bindUsage };
  const code = normaliseCode(arg);
  if (!code) return { reply: messages.badCode };
  const room = await ctx.api.call<RoomInfo>('POST', '/bot/rooms/bind', {
    body: { code, roomId: ctx.roomId, roomTopic: ctx.roomTopic.slice(0, 100) },
  });
  return { reply: messages.bound(room.regionName, levelLabel(room.regionLevel)), bindingChanged: true };
}

async function unbind(ctx: CommandContext, arg: string): Promise<CommandResult> {
  if (!arg) return { reply: messages.unbindUsage };
  const code = normaliseCode(arg);
  if (!code) return { reply: messages.badCode };
  const done = await ctx.api.call<{ regionName: string }>('POST', '/bot/rooms/unbind', {
    body: { code, roomId: ctx.roomId },
  });
  return { reply: messages.unbound(done.regionName), bindingChanged: true };
}

async function subscription(
  ctx: CommandContext,
  room: RoomInfo,
  arg: string,
  on: boolean,
): Promise<CommandResult> {
  const topic = TOPICS.find((t) => arg === t || arg.startsWith(t));
  if (!topic) return { reply: messages.topicUsage(room.muted) };
  await ctx.api.call('PUT', `/bot/rooms/${encodeURIComponent(ctx.roomId)}/subscriptions`, {
    body: { topic, on },
  });
  return { reply: on ? messages.subscribed(topic) : messages.unsubscribed(topic), bindingChanged: true };
}

/**
 * Answers one parsed command in a group. For an unbound group only 绑定 and 帮助 do anything (the caller
 * sends HOW_TO_BIND for the rest, at most once an hour). Never throws.
 */
export async function runCommand(ctx: CommandContext, parsed: Parsed): Promise<CommandResult> {
  try {
    const room = ctx.room;
    switch (parsed.intent) {
      case 'help':
        return { reply: messages.help(ctx.botName, room) };
      case 'bind':
        return await bind(ctx, parsed.arg);
      case 'unknown':
        return parsed.addressed ? { reply: messages.unknown } : {};
      default:
        break;
    }
    if (!room) return { reply: messages.howToBind };
    switch (parsed.intent) {
      case 'unbind':
        return await unbind(ctx, parsed.arg);
      case 'progress': {
        const r = await resolveRegion(ctx, room, parsed.arg);
        return { reply: r.reply ?? renderProgress(await progressOf(ctx, r.code!)) };
      }
      case 'missing': {
        const r = await resolveRegion(ctx, room, parsed.arg);
        return { reply: r.reply ?? (await missingReply(ctx, r.code!, await dueLevelsNow(ctx))) };
      }
      case 'deadline':
        return { reply: renderWindows(await ctx.api.forRoom<PeriodsView>(ctx.roomId, '/periods/current')) };
      case 'hours':
        return { reply: await trainingReply(ctx, room, parsed.arg) };
      case 'notices': {
        const page = await ctx.api.forRoom<{ items: NoticeSummary[] }>(ctx.roomId, '/notices', {
          pageSize: 5,
        });
        return { reply: renderNotices(page.items) };
      }
      case 'subscribe':
        return await subscription(ctx, room, parsed.arg, true);
      case 'unsubscribe':
        return await subscription(ctx, room, parsed.arg, false);
      default:
        return {};
    }
  } catch (err) {
    return {
      reply: plainError(err),
      bindingChanged: err instanceof ApiError && err.code === 'ROOM_NOT_BOUND',
    };
  }
}
