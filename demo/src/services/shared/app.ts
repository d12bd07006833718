import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { HttpError, UpstreamError, mapUpstreamStatus } from './errors.js';
import type { ServiceRuntime } from './lifecycle.js';
import { cacheRenderedResponse } from './response-cache.js';
import { readCurrentRelease, resolveRequestContext } from './release.js';

/** Renders an error for clients that want HTML; the JSON body is used when absent. */
export type ErrorPageRenderer = (req: Request, res: Response, status: number, message: string) => void;

/**
 * Creates the express app of an HTTP service: JSON and form bodies (up to 100 kB), `GET /healthz`,
 * and the per-request context every handler can read from `res.locals.context`. Add routes, then
 * call `finishServiceApp`.
 */
export function createServiceApp(runtime: ServiceRuntime): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: runtime.name, release: readCurrentRelease(runtime.name) });
  });
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(function attachRequestContext(req, res, next) {
    res.locals.context = resolveRequestContext(runtime.name, req.get('x-edge-region'));
    cacheRenderedResponse(runtime.name, `${req.method} ${req.originalUrl}`);
    next();
  });
  return app;
}

/**
 * Adds the 404 handler and the error handler to `app`: HttpError and 4xx body-parser errors
 * answer their status; UpstreamError answers 502/503/504 (or the upstream's 4xx); anything else
 * answers 500. Every 5xx is logged at error level inside the request, with its stack.
 */
export function finishServiceApp(app: Express, runtime: ServiceRuntime, renderErrorPage?: ErrorPageRenderer): void {
  const { logger } = runtime;
  app.use((req, _res, next) => next(new HttpError(404, `no route for ${req.method} ${req.path}`, 'not_found')));

  const handleError: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const request = { method: req.method, path: req.originalUrl };
    let status: number;
    let message: string;
    let code: string | undefined;
    if (error instanceof HttpError) {
      ({ status, message, code } = error);
      if (status >= 500) logger.error({ err: error, ...request }, message);
    } else if (error instanceof UpstreamError) {
      status = mapUpstreamStatus(error);
      message = error.upstreamMessage && status < 500 ? error.upstreamMessage : error.message;
      code = status < 500 ? undefined : 'upstream_failed';
      if (status >= 500) {
        logger.error({ err: error, ...request, upstream: error.upstream, upstreamStatus: error.status, failure: error.kind }, `${error.upstream} request failed`);
      }
    } else if (isClientBodyError(error)) {
      status = error.status;
      message = error.type === 'entity.parse.failed' ? 'request body is not valid JSON' : error.message;
      code = 'bad_request';
    } else {
      status = 500;
      message = 'internal server error';
      logger.error({ err: error, ...request, release: readCurrentRelease(runtime.name) }, 'request failed with an unhandled error');
    }
    if (renderErrorPage && req.accepts(['json', 'html']) === 'html') {
      renderErrorPage(req, res, status, message);
      return;
    }
    res.status(status).json(code ? { error: message, code } : { error: message });
  };
  app.use(handleError);
}

function isClientBodyError(error: unknown): error is Error & { status: number; type?: string } {
  if (!(error instanceof Error)) return false;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Returns the value of a required string field of a JSON body, or throws a 400 HttpError
 * naming the field.
 */
export function readStringField(body: unknown, field: string, options: { maxLength: number }): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || value.trim().length === 0) throw new HttpError(400, `${field} is required`, 'bad_request');
  if (value.length > options.maxLength) throw new HttpError(400, `${field} is longer than ${options.maxLength} characters`, 'bad_request');
  return value.trim();
}

/**
 * Returns an integer field of a JSON body or query (numbers and numeric strings accepted) within
 * [min, max], or throws a 400 HttpError naming the field.
 */
export function readIntegerField(body: unknown, field: string, options: { min: number; max: number }): number {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < options.min || value > options.max) {
    throw new HttpError(400, `${field} must be an integer between ${options.min} and ${options.max}`, 'bad_request');
  }
  return value;
}
