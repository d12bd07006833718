import type { RequestOptions } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { createInstrumentations } from './instrumentations.js';

const built: Instrumentation[] = [];

afterEach(() => {
  for (const instrumentation of built.splice(0)) instrumentation.disable();
});

/** The http instrumentation's outgoing-request filter, as the SDK configures it. */
function ignoreOutgoing(): (request: RequestOptions) => boolean {
  const warnings: string[] = [];
  const [http] = createInstrumentations(['http'], (m) => warnings.push(m));
  built.push(http);
  expect(warnings).toEqual([]);
  expect(http.instrumentationName).toBe('@opentelemetry/instrumentation-http');
  const hook = (http.getConfig() as HttpInstrumentationConfig).ignoreOutgoingRequestHook;
  expect(hook).toBeTypeOf('function');
  return hook!;
}

describe('the http instrumentation', () => {
  it("ignores the OTLP exporters' own requests, known by their User-Agent, however the header is spelled", () => {
    const ignored = ignoreOutgoing();
    // As @opentelemetry/otlp-exporter-base sends them, with or without a user agent of the application's in front.
    expect(ignored({ method: 'POST', hostname: 'localhost', port: 4318, path: '/v1/traces', headers: { 'User-Agent': 'OTel-OTLP-Exporter-JavaScript/0.223.1' } })).toBe(true);
    expect(ignored({ headers: { 'user-agent': 'OTel-OTLP-Exporter-JavaScript/0.223.1' } })).toBe(true);
    expect(ignored({ headers: { 'USER-AGENT': 'OTel-OTLP-Exporter-JavaScript/0.223.1' } })).toBe(true);
  });

  it("keeps the application's own requests, whatever else they carry", () => {
    const ignored = ignoreOutgoing();
    expect(ignored({ method: 'GET', hostname: 'api.example.com', path: '/users/1' })).toBe(false);
    expect(ignored({ headers: { 'User-Agent': 'node' } })).toBe(false);
    expect(ignored({ headers: { 'X-Agent': 'OTel-OTLP-Exporter-JavaScript/0.223.1' } })).toBe(false);
    expect(ignored({ headers: undefined })).toBe(false);
  });
});
