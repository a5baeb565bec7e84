import type { Context, Next } from 'koa';
import type { Actor } from '../audit/service';
import { UnauthorizedError } from '../http/errors';
import { authenticate, type AuthContext, type AuthDeps } from './service';

/** Requires a valid bearer token; puts { user, binding } on ctx.state.auth. */
export function requireAuth(deps: AuthDeps) {
  return async function auth(ctx: Context, next: Next): Promise<void> {
    const header = ctx.get('Authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError();
    ctx.state.token = match[1];
    ctx.state.auth = await authenticate(deps, match[1]);
    await next();
  };
}

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
