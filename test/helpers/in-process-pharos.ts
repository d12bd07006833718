import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { parseConfig, type ConfigInput } from '@pharos/core';
import { startPharos, type RunningPharos } from '../../packages/server/src/main.js';

/**
 * Pharos started in this process with `startPharos` (no build needed): a fresh temporary
 * data directory, free loopback ports, a silent logger. `stop` stops the server and
 * deletes the data directory.
 */
export interface InProcessPharos {
  running: RunningPharos;
  dataDir: string;
  /** http://127.0.0.1:<api port> (Jaeger /api, native /pharos/v1, /metrics). */
  apiUrl: string;
  /** http://127.0.0.1:<OTLP/HTTP port> (append /v1/traces etc.). */
  otlpHttpUrl: string;
  /** http://127.0.0.1:<OTLP/gRPC port>, the form the OTel gRPC exporters take as `url`. */
  grpcUrl: string;
  /** 127.0.0.1:<OTLP/gRPC port>, the form @grpc/grpc-js clients take. */
  grpcAddress: string;
  stop(): Promise<void>;
}

/** Starts Pharos in-process; `overrides` are config keys (ports, dataDir and logLevel are set here). */
export async function startInProcessPharos(overrides: ConfigInput = {}): Promise<InProcessPharos> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pharos-inproc-'));
  const parsed = parseConfig({ ...overrides, dataDir, host: '127.0.0.1', httpPort: 0, otlpHttpPort: 0, otlpGrpcPort: 0, logLevel: 'silent' });
  if (!parsed.ok) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`invalid test config: ${parsed.problems.join('; ')}`);
  }
  let running: RunningPharos;
  try {
    running = await startPharos(parsed.config, pino({ level: 'silent' }));
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    running,
    dataDir,
    apiUrl: `http://127.0.0.1:${running.ports.http}`,
    otlpHttpUrl: `http://127.0.0.1:${running.ports.otlpHttp}`,
    grpcUrl: `http://127.0.0.1:${running.ports.otlpGrpc}`,
    grpcAddress: `127.0.0.1:${running.ports.otlpGrpc}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        await running.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** A GET answer: status, raw text and the parsed JSON (undefined when the body is not JSON). */
export interface HttpAnswer<T> {
  status: number;
  text: string;
  body: T;
}

/**
 * GETs `<baseUrl><pathAndQuery>` and parses the JSON body. Throws, quoting the body,
 * when the status is not `expectedStatus` (default 200), so a failing query says why.
 */
export async function fetchJson<T>(baseUrl: string, pathAndQuery: string, expectedStatus = 200): Promise<HttpAnswer<T>> {
  const response = await fetch(`${baseUrl}${pathAndQuery}`, { signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  if (response.status !== expectedStatus) throw new Error(`GET ${pathAndQuery}: expected ${expectedStatus}, got ${response.status}: ${text}`);
  return { status: response.status, text, body: JSON.parse(text) as T };
}

/** A query string from parameters; array values repeat the parameter. */
export function queryString(params: Record<string, string | number | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  return search.toString();
}

/** One sample of Prometheus text exposition: metric name, labels, value. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text format (no exemplars, no timestamps needed); comments are skipped. */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    const labelText = match[3] ?? '';
    for (const pair of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    const valueText = match[4];
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    samples.push({ name: match[1], labels, value });
  }
  return samples;
}

/** The samples named `name` whose labels include every pair of `labels`. */
export function findSamples(samples: PromSample[], name: string, labels: Record<string, string> = {}): PromSample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}
