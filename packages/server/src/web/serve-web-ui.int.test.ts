import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../app.js';
import { SelfMetrics } from '../observe/self-metrics.js';
import { openSeededStore, type SeededStore } from '../query/test-seed.js';
import { DEFAULT_WEB_DIST_DIR, isApiPath } from './serve-web-ui.js';

const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

let seed: SeededStore;
let distDir: string;
let emptyDir: string;
let app: FastifyInstance;
let unbuiltApp: FastifyInstance;

beforeAll(async () => {
  seed = await openSeededStore();
  distDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-web-dist-'));
  emptyDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-web-none-'));
  await mkdir(path.join(distDir, 'assets'));
  await writeFile(path.join(distDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(distDir, 'assets', 'index-abc123.js'), 'console.log("pharos");');
  const deps = { store: seed.store, queryTimeoutMs: 10_000, maxQueryLimit: 50, metrics: new SelfMetrics(), logger: pino({ level: 'silent' }) };
  app = buildApiApp({ ...deps, webDistDir: distDir });
  unbuiltApp = buildApiApp({ ...deps, metrics: new SelfMetrics(), webDistDir: emptyDir });
  await Promise.all([app.ready(), unbuiltApp.ready()]);
});

afterAll(async () => {
  await app?.close();
  await unbuiltApp?.close();
  await seed?.dispose();
  await rm(distDir, { recursive: true, force: true });
  await rm(emptyDir, { recursive: true, force: true });
});

describe('web UI on the API port', () => {
  it('finds the built UI in packages/web/dist', () => {
    expect(DEFAULT_WEB_DIST_DIR).toBe(fileURLToPath(new URL('../../../web/dist/', import.meta.url)));
    expect(path.relative(fileURLToPath(new URL('../../../..', import.meta.url)), DEFAULT_WEB_DIST_DIR)).toBe(path.join('packages', 'web', 'dist'));
  });

  it('serves index.html at / without caching', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toBe(INDEX_HTML);
  });

  it.each(['/traces?service=x', '/traces/5bd6e0c4a1f14b6f9a0d3c2e1f0a9b8c', '/services', '/index.html'])('answers the client route %s with index.html', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toBe(INDEX_HTML);
  });

  it('serves hashed assets with long caching', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toContain('pharos');
  });

  it('answers a missing asset with 404, not index.html', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/gone-000.js' });
    expect(response.statusCode).toBe(404);
  });

  it('keeps the API routes first', async () => {
    const services = await app.inject({ method: 'GET', url: '/api/services' });
    expect(services.statusCode).toBe(200);
    expect(services.headers['content-type']).toMatch(/^application\/json/);
    expect(services.json<{ data: string[] }>().data).toEqual(['frontend', 'inventory', 'payment']);
    expect((await app.inject({ method: 'GET', url: '/pharos/v1/services' })).json()).toEqual({ services: ['frontend', 'inventory', 'payment'] });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('pharos_');
  });

  it('answers unknown API paths and non-GET methods with a JSON 404', async () => {
    for (const url of ['/pharos/v1/nope', '/api/nope', '/pharos']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toMatchObject({ error: { code: 'PHAROS_ERR_NOT_FOUND' } });
    }
    expect((await app.inject({ method: 'POST', url: '/traces' })).statusCode).toBe(404);
  });

  it('says to build the UI when it was not built', async () => {
    for (const url of ['/', '/traces?service=x']) {
      const response = await unbuiltApp.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain('npm run build');
    }
    expect((await unbuiltApp.inject({ method: 'GET', url: '/api/services' })).json<{ data: string[] }>().data).toEqual(['frontend', 'inventory', 'payment']);
  });

  it('tells API paths from client routes', () => {
    expect(['/api', '/api/services', '/pharos/v1/traces?x=1', '/metrics', '/healthz'].every(isApiPath)).toBe(true);
    expect(['/', '/traces', '/traces/abc', '/apis', '/metricsx', '/pharosian'].some(isApiPath)).toBe(false);
  });
});
