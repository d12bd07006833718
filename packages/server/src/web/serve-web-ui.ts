import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The built web UI: packages/web/dist, found from this module's place in packages/server
 * (src/web/ when tests run the sources, dist/web/ when built: both are two levels below
 * packages/server).
 */
export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Path prefixes owned by the APIs: never answered with the UI's index.html. */
const API_PREFIXES = ['/api', '/pharos', '/metrics', '/healthz'];

/** True when `url` (path and query) belongs to an API rather than to the UI's client routes. */
export function isApiPath(url: string): boolean {
  const pathname = url.split('?')[0];
  return API_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

const NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pharos</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Pharos</h1>
<p>The web UI has not been built. Run <code>npm run build</code> and restart Pharos.</p>
<p>The APIs are up: <a href="/pharos/v1/status">/pharos/v1/status</a>, <a href="/api/services">/api/services</a>, <a href="/metrics">/metrics</a>.</p>
</body></html>
`;

/** Assets named by content hash (Vite's /assets/*) never change under the same name. */
const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Serves the web UI at `/` from `webDistDir`: files as they are (hashed /assets/* cached
 * for a year), and index.html, with `Cache-Control: no-cache`, for `/` and every other
 * GET path that is neither a file nor an API path (client-side routes such as
 * /traces/<id>). API routes registered on `app` keep precedence; unknown API paths still
 * get a JSON 404. When the UI was not built, `/` and client paths answer a short page
 * saying so. Registration is queued: it completes when the app is ready.
 */
export function registerWebUi(app: FastifyInstance, webDistDir: string = DEFAULT_WEB_DIST_DIR): void {
  const built = existsSync(path.join(webDistDir, 'index.html'));
  if (built) {
    void app.register(fastifyStatic, {
      root: webDistDir,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      cacheControl: false,
      setHeaders: (reply, filePath) => {
        const relative = path.relative(webDistDir, filePath).split(path.sep).join('/');
        void reply.header('cache-control', relative.startsWith('assets/') ? ASSET_CACHE_CONTROL : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !isApiPath(request.url) && !request.url.startsWith('/assets/');
    if (!isPage) {
      return reply.code(404).send({ error: { code: 'PHAROS_ERR_NOT_FOUND', message: `Route ${request.method} ${request.url.split('?')[0]} not found` } });
    }
    if (!built) return reply.code(200).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(NOT_BUILT_HTML);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
