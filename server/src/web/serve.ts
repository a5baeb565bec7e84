// The mini-program's H5 build served at `/` (API under /api/v1 untouched): files from the build folder,
// and index.html for any other GET of a page route (the H5 app routes in the browser). Nothing is
// served while the build is missing; the API answers as before.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Context, Middleware, Next } from 'koa';
import serveStatic from 'koa-static';

/** Serves `root` (the H5 build) outside `apiPrefix`; SPA fallback to index.html for page routes. */
export function webApp(root: string, apiPrefix: string): Middleware {
  const files = serveStatic(root, { index: 'index.html', defer: false, maxage: 0 });
  return async function serveWebApp(ctx: Context, next: Next) {
    if (ctx.path === apiPrefix || ctx.path.startsWith(`${apiPrefix}/`)) return next();
    if (!['GET', 'HEAD'].includes(ctx.method) || !existsSync(path.join(root, 'index.html'))) return next();
    await files(ctx, async () => {});
    if (ctx.body != null || ctx.status !== 404) return;
    // A missing asset stays a 404; a page route (no file extension) gets the app.
    if (path.extname(ctx.path)) return next();
    const original = ctx.path;
    ctx.path = '/index.html';
    await files(ctx, async () => {});
    ctx.path = original;
    ctx.set('Cache-Control', 'no-cache');
  };
}
