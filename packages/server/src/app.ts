import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerJaegerApi } from './api/jaeger-api/index.js';
import { registerNativeApi } from './api/native-api/index.js';
import type { QueryContext } from './api/query-context.js';
import type { SelfMetrics } from './observe/self-metrics.js';
import { quietRequestLogging } from './observe/quiet-fastify.js';
import { registerWebUi } from './web/serve-web-ui.js';

export interface ApiAppDependencies extends QueryContext {
  metrics: SelfMetrics;
  logger: Logger;
  /** Awaited before every query route, so a query sees the data acknowledged before it. */
  beforeQuery?: () => Promise<void>;
  /** The built web UI (default packages/web/dist, found from the server package). */
  webDistDir?: string;
}

/**
 * Builds the API app (port 4400): Jaeger's query API under /api, the native API under
 * /pharos/v1, Pharos' own metrics at /metrics, a liveness probe at /healthz, and the web
 * UI at / (any other GET path is a client route answered with its index.html).
 * It never listens; main.ts does, and tests use `inject`.
 */
export function buildApiApp(deps: ApiAppDependencies): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger,
    // Long enough that an over-long id reaches the handlers and gets their 400, not a bare 414.
    routerOptions: { maxParamLength: 1000 },
    ...quietRequestLogging(),
  });
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.queryDuration.observe({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  const beforeQuery = deps.beforeQuery;
  if (beforeQuery !== undefined) {
    app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/api/') || request.url.startsWith('/pharos/')) await beforeQuery();
    });
  }
  const ctx: QueryContext = { store: deps.store, queryTimeoutMs: deps.queryTimeoutMs, maxQueryLimit: deps.maxQueryLimit };
  registerJaegerApi(app, ctx);
  registerNativeApi(app, ctx);
  registerWebUi(app, deps.webDistDir);
  return app;
}
