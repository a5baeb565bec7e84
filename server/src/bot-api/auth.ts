// Bot authentication: `Authorization: Bot <token>` against the configured BOT_TOKEN.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import type { Actor } from '../audit/service';
import { UnauthorizedError } from '../http/errors';

const messages = {
  disabled: '机器人接口未启用：服务器未配置 BOT_TOKEN',
  badToken: '机器人令牌无效，请在请求头中提供 Authorization: Bot <令牌>',
  actorName: '群聊机器人',
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** True when `authorization` is `Bot <token>` with the configured token (constant-time comparison). */
export function botTokenMatches(authorization: string, botToken: string): boolean {
  const match = /^Bot\s+(\S+)$/i.exec(authorization);
  return !!match && timingSafeEqual(digest(match[1]), digest(botToken));
}

/** 401 for a missing or wrong token, and for every call while no token is configured. */
export function requireBot(botToken: string | undefined): Middleware {
  // Digests have equal length, so the comparison takes the same time whatever was sent.
  const expected = botToken ? digest(botToken) : undefined;
  return async function botAuth(ctx: Context, next: Next): Promise<void> {
    if (!expected) throw new UnauthorizedError(messages.disabled, 'BOT_API_DISABLED');
    const match = /^Bot\s+(\S+)$/i.exec(ctx.get('Authorization'));
    if (!match || !timingSafeEqual(digest(match[1]), expected)) {
      throw new UnauthorizedError(messages.badToken, 'BOT_TOKEN_INVALID');
    }
    ctx.state.bot = true;
    await next();
  };
}

/** The bot as the acting party in the audit trail. */
export function botActorOf(ctx: Context): Actor {
  return { name: messages.actorName, requestId: ctx.state.requestId, ip: ctx.ip };
}
