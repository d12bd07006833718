import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { expect } from 'vitest';
import type { TelemetryBatch } from '@pharos/core';
import { openDuckDbStore, type DuckDbStore } from '../../storage/index.js';
import { registerNativeApi } from './native-routes.js';

/** A real DuckDB store in a temp dir and the native API over it, for the API's tests. */
export interface NativeApiTestBed {
  store: DuckDbStore;
  /**
   * GETs `url` from the API (injected: nothing listens), expects `expectedStatus` and a JSON
   * answer, and returns the parsed body.
   */
  get<T>(url: string, expectedStatus?: number): Promise<T>;
  /** Closes the app and the store and deletes the temp dir. */
  close(): Promise<void>;
}

/**
 * Opens a fresh store holding `batch` and registers the native API over it (query timeout
 * 10 s, at most 50 items per answer). `fastifyOptions` reach the Fastify app.
 */
export async function openNativeApiTestBed(batch: TelemetryBatch, fastifyOptions: FastifyServerOptions = {}): Promise<NativeApiTestBed> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-native-api-'));
  const store = await openDuckDbStore({ dataDir });
  const app = Fastify(fastifyOptions);
  try {
    await store.append(batch);
    registerNativeApi(app, { store, queryTimeoutMs: 10_000, maxQueryLimit: 50 });
    await app.ready();
  } catch (error) {
    await app.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    store,
    async get<T>(url: string, expectedStatus = 200): Promise<T> {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, response.body).toBe(expectedStatus);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      return response.json<T>();
    },
    async close() {
      await app.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A URL query string of `params`, an array value as a repeated parameter. */
export function toQueryString(params: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  return search.toString();
}
