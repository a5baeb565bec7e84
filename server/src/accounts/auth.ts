import type { Context, Next } from 'koa';
import { UnauthorizedError } from '../http/errors';
import { botCallerOf, isBotRequest } from '../bot-api/caller';
import { authenticate, type AuthDeps } from './service';

/** How the group-chat bot is recognised (bot-api/caller.ts); without it `Bot` credentials are refused. */
export interface BotCallerOptions {
  botToken?: string;
  /** The router prefix (/api/v1): the bot's route allow-list is written without it. */
  prefix: string;
}

/**
 * Requires a valid bearer token; puts { user, binding } on ctx.state.auth. With `bot`, an
 * `Authorization: Bot …` request with `X-Bot-Room` becomes a read-only caller of the room's region.
 */
export function requireAuth(deps: AuthDeps, bot?: BotCallerOptions) {
  return async function auth(ctx: Context, next: Next): Promise<void> {
    if (bot && isBotRequest(ctx)) {
      ctx.state.auth = await botCallerOf(ctx, bot.botToken, bot.prefix);
      await next();
      return;
    }
    const header = ctx.get('Authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError();
    ctx.state.token = match[1];
    ctx.state.auth = await authenticate(deps, match[1]);
    await next();
  };
}

// Who is calling is read in access/caller.ts; re-exported for the old import path.
export { actorOf, authOf } from '../access/caller';
