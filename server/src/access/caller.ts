// Who is calling: built once per request from what requireAuth (accounts/auth.ts) put on ctx.state —
// a person's active binding, or the bot acting for a bound room (bot-api/caller.ts: a read-only
// inspector of the room's region). Services take a Caller and never see ctx.
import type { Context } from 'koa';
import type { Binding, UserDoc } from '../accounts/model';
import type { AuthContext } from '../accounts/service';
import type { Actor } from '../audit/service';
import type { Clock } from '../clock';

/** The calling person (or the bot for a room) with the binding they act as, and the audit actor. */
export interface Caller {
  user: UserDoc;
  /** The session's active binding; undefined for a person who has none (no jurisdiction at all). */
  binding?: Binding;
  actor: Actor;
  /** The bound room when the bot acts for a group (then `binding` is the room's inspector binding). */
  botRoom?: string;
}

/** The { user, binding } requireAuth (accounts/auth.ts) put on ctx.state.auth. */
export function authOf(ctx: Context): AuthContext {
  return ctx.state.auth as AuthContext;
}

/** The acting person for the audit trail. */
export function actorOf(ctx: Context): Actor {
  const auth = ctx.state.auth as AuthContext | undefined;
  return {
    userId: auth?.user._id,
    name: auth?.user.name,
    bindingId: auth?.binding?._id,
    requestId: ctx.state.requestId,
    ip: ctx.ip,
  };
}

/** The request's Caller, built on first use and kept on ctx.state.caller. Requires requireAuth first. */
export function callerOf(ctx: Context): Caller {
  const cached = ctx.state.caller as Caller | undefined;
  if (cached) return cached;
  const { user, binding } = authOf(ctx);
  const room = ctx.state.botRoom as { _id: string } | undefined;
  const caller: Caller = { user, binding, actor: actorOf(ctx), ...(room ? { botRoom: room._id } : {}) };
  ctx.state.caller = caller;
  return caller;
}

/** What a writing service takes: the clock, the audit actor and the binding that decides jurisdiction. */
export interface ActionContext {
  clock: Clock;
  actor: Actor;
  binding: Binding | undefined;
}

/** The request's ActionContext (its Caller's actor and binding with the app's clock). */
export function actionOf(ctx: Context, clock: Clock): ActionContext {
  const { actor, binding } = callerOf(ctx);
  return { clock, actor, binding };
}
