// The mini-program's H5 build served at `/` (API under /api/v1 untouched): files from the build folder,
// and index.html for any other GET of a page route (the H5 app routes in the browser). While the build is
// missing (`npm start` builds it after the server listens, 1–3 minutes), a browser asking for a page gets
// a zh-CN page saying so, which reloads itself; the API answers as before.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Context, Middleware, Next } from 'koa';
import serveStatic from 'koa-static';
import type { ErrorCode } from '@eduprogress/shared';

const messages = {
  notBuilt:
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><title>进展通 EduProgress</title></head>' +
    '<body style="font-family:sans-serif;padding:24px;line-height:1.6"><h3>小程序页面正在准备中</h3>' +
    '<p>H5 页面还没有构建完成：<code>npm start</code> 会自动构建（首次约 1–3 分钟），本页每 10 秒自动刷新。</p>' +
    '<p>如果启动时设置了 <code>WEB_BUILD=0</code>，请先运行 <code>npm run build:h5</code>。接口 /api/v1 已可使用。</p>' +
    '</body></html>',
  notBuiltText: '小程序 H5 页面正在构建（首次约 1–3 分钟），请稍后刷新；接口 /api/v1 已可使用',
};

/**
 * Serves `root` (the H5 build) outside `apiPrefix`; SPA fallback to index.html for page routes. With no
 * build yet, a page route asked for by a browser (Accept: text/html) gets 503 and a zh-CN page that
 * reloads itself every 10 s, any other client 503 with a zh-CN JSON error (`WEB_NOT_BUILT`); assets
 * and the API fall through (JSON 404).
 */
export function webApp(root: string, apiPrefix: string): Middleware {
  const files = serveStatic(root, { index: 'index.html', defer: false, maxage: 0 });
  return async function serveWebApp(ctx: Context, next: Next) {
    if (ctx.path === apiPrefix || ctx.path.startsWith(`${apiPrefix}/`)) return next();
    if (!['GET', 'HEAD'].includes(ctx.method)) return next();
    if (!existsSync(path.join(root, 'index.html'))) {
      if (path.extname(ctx.path)) return next();
      ctx.status = 503;
      ctx.set('Retry-After', '10');
      ctx.set('Cache-Control', 'no-cache');
      // A page route is never "接口不存在": curl and other non-browser clients get the same news as JSON.
      if (!ctx.accepts('html') || ctx.accepts('json', 'html') === 'json') {
        ctx.body = { error: { code: 'WEB_NOT_BUILT' satisfies ErrorCode, message: messages.notBuiltText } };
        return;
      }
      ctx.type = 'html';
      ctx.body = messages.notBuilt;
      return;
    }
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
