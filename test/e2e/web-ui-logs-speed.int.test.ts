import { randomFillSync } from 'node:crypto';
import os from 'node:os';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiTestBed, watchPageErrors, type UiTestBed } from '../helpers/browser-ui.js';
import { fetchJson, type InProcessPharos } from '../helpers/in-process-pharos.js';

/*
 * The logs page's speed with 1,000,000 log records stored (issue 4: "the logs page shows its
 * first page within 500 ms"). The records go in as real OTLP/HTTP protobuf export requests
 * (5,000 records each, several in flight) to an in-process Pharos, spread over the last 55
 * minutes so that the page's default range (the last hour) holds all of them: the worst case
 * for "newest first", which must find the newest 100 of a million. Then Chromium opens /logs
 * several times and the time from navigation to the first page of records on screen is
 * measured, next to the server's own time for the two requests the page makes. Figures are
 * printed and written down in docs/benchmarks.md.
 */

const RECORD_COUNT = 1_000_000;
const RECORDS_PER_REQUEST = 5_000;
const REQUESTS_IN_FLIGHT = 4;
const SPREAD_MS = 55 * 60_000;
const PAGE_RUNS = 7;
const API_RUNS = 7;
const FIRST_PAGE_BUDGET_MS = 500;

let bed: UiTestBed;
let pharos: InProcessPharos;
let context: BrowserContext;
let loadSeconds = 0;

// ------------------------------------------------------------------ OTLP protobuf, by hand

/*
 * ExportLogsServiceRequest written field by field (opentelemetry-proto logs/v1): building
 * a million SDK objects and running a generic encoder would take longer than the server
 * takes to store them. Field numbers: request.resource_logs 1; ResourceLogs.resource 1,
 * scope_logs 2; Resource.attributes 1; ScopeLogs.scope 1, log_records 2; InstrumentationScope
 * name 1, version 2; LogRecord time_unix_nano 1 (fixed64), severity_number 2, severity_text
 * 3, body 5, attributes 6, flags 8 (fixed32), trace_id 9, span_id 10, observed_time_unix_nano
 * 11 (fixed64); KeyValue key 1, value 2; AnyValue string_value 1, int_value 3.
 */

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A length-delimited field: tag, length, then the parts. */
function lengthDelimited(field: number, parts: Buffer[]): Buffer {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return Buffer.concat([Buffer.from([...varintBytes((field << 3) | 2), ...varintBytes(length)]), ...parts]);
}

const stringField = (field: number, text: string) => lengthDelimited(field, [Buffer.from(text)]);
const stringValue = (text: string) => stringField(1, text);
const intValue = (value: number) => Buffer.from([0x18, ...varintBytes(value)]);
/** A LogRecord `attributes` field (6) holding one KeyValue. */
const attributeField = (key: string, value: Buffer) => lengthDelimited(6, [stringField(1, key), lengthDelimited(2, [value])]);

const SERVICES = ['frontend', 'catalog', 'inventory', 'cart', 'checkout', 'payment'];
const ROUTES = Array.from({ length: 20 }, (_, i) => `/api/v1/resource${i}/:id`);
const FUNCTIONS = ['handle', 'charge', 'reserve', 'render'];
const OPERATIONS = ['GET /api/products', 'POST /api/cart', 'SELECT products', 'HGET cart', 'charge', 'reserve', 'publish order.created'];
/** [SeverityNumber, SeverityText, share]: mostly info, some debug and warn, few errors. */
const SEVERITIES: Array<[number, string, number]> = [
  [5, 'DEBUG', 0.15],
  [9, 'INFO', 0.7],
  [13, 'WARN', 0.1],
  [17, 'ERROR', 0.04],
  [21, 'FATAL', 0.01],
];

/** Encoded attribute fields, cached per key and value (they repeat, as real ones do). */
const attributeCache = new Map<string, Buffer>();
function cachedAttribute(key: string, value: string | number): Buffer {
  const cacheKey = `${key}\u0000${value}`;
  let encoded = attributeCache.get(cacheKey);
  if (encoded === undefined) {
    encoded = attributeField(key, typeof value === 'string' ? stringValue(value) : intValue(value));
    attributeCache.set(cacheKey, encoded);
  }
  return encoded;
}

function pickSeverity(): [number, string] {
  let r = Math.random();
  for (const [n, text, share] of SEVERITIES) {
    if (r < share) return [n, text];
    r -= share;
  }
  return [9, 'INFO'];
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];

/** One LogRecord message (without its field tag): `timeNs` is both its time and, 1 µs later, its observed time. */
function encodeLogRecord(timeNs: bigint): Buffer {
  const [severityNumber, severityText] = pickSeverity();
  const order = Math.floor(Math.random() * 1e6);
  const body =
    severityNumber >= 17
      ? `charge failed for order ${order}: card declined`
      : `handled ${pick(OPERATIONS)} in ${Math.floor(Math.random() * 300)} ms for order ${order}`;
  const head = Buffer.alloc(9 + 2);
  head[0] = 0x09; // time_unix_nano, fixed64
  head.writeBigUInt64LE(timeNs, 1);
  head[9] = 0x10; // severity_number
  head[10] = severityNumber;
  const parts = [
    head,
    stringField(3, severityText),
    lengthDelimited(5, [stringValue(body)]),
    cachedAttribute('http.route', pick(ROUTES)),
    cachedAttribute('user.id', `user-${Math.floor(Math.random() * 5000)}`),
    cachedAttribute('order.id', order),
    cachedAttribute('code.function', pick(FUNCTIONS)),
    cachedAttribute('thread.id', Math.floor(Math.random() * 8)),
  ];
  // Six records in ten carry a trace context, as records logged inside a request do.
  if (Math.random() < 0.6) {
    const ids = Buffer.alloc(2 + 16 + 2 + 8 + 5);
    ids[0] = 0x4a; // trace_id
    ids[1] = 16;
    randomFillSync(ids, 2, 16);
    ids[18] = 0x52; // span_id
    ids[19] = 8;
    randomFillSync(ids, 20, 8);
    ids[28] = 0x45; // flags, fixed32: sampled
    ids.writeUInt32LE(1, 29);
    parts.push(ids);
  }
  const observed = Buffer.alloc(9);
  observed[0] = 0x59; // observed_time_unix_nano, fixed64
  observed.writeBigUInt64LE(timeNs + 1000n, 1);
  parts.push(observed);
  return Buffer.concat(parts);
}

/** An ExportLogsServiceRequest with `count` records of `service`, times spread evenly over [fromNs, toNs). */
function encodeLogsRequest(service: string, count: number, fromNs: bigint, toNs: bigint): Buffer {
  const stepNs = (toNs - fromNs) / BigInt(count);
  const records: Buffer[] = [];
  for (let i = 0; i < count; i++) records.push(lengthDelimited(2, [encodeLogRecord(fromNs + BigInt(i) * stepNs)]));
  const resource = lengthDelimited(1, [
    lengthDelimited(1, [stringField(1, 'service.name'), lengthDelimited(2, [stringValue(service)])]),
    lengthDelimited(1, [stringField(1, 'service.version'), lengthDelimited(2, [stringValue('2.4.1')])]),
    lengthDelimited(1, [stringField(1, 'host.name'), lengthDelimited(2, [stringValue('node-3')])]),
  ]);
  const scopeLogs = lengthDelimited(2, [lengthDelimited(1, [stringField(1, 'pino'), stringField(2, '9.0.0')]), ...records]);
  return lengthDelimited(1, [resource, scopeLogs]);
}

/** POSTs one request to /v1/logs, waiting and retrying while the server says it is busy (429/503). */
async function postLogs(otlpHttpUrl: string, body: Buffer): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${otlpHttpUrl}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body, signal: AbortSignal.timeout(60_000) });
    await response.arrayBuffer();
    if (response.ok) return;
    if ((response.status !== 429 && response.status !== 503) || attempt > 100) throw new Error(`POST /v1/logs: HTTP ${response.status}`);
    const retryAfterS = Number(response.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, Math.min(2000, retryAfterS * 1000)));
  }
}

/**
 * Sends RECORD_COUNT records over the SPREAD_MS before now, oldest first (as a steady
 * stream would arrive), the services taking turns, and waits until all are queryable.
 */
async function loadMillionLogs(target: InProcessPharos): Promise<void> {
  const startedMs = performance.now();
  const endNs = BigInt(Date.now() - 30_000) * 1_000_000n;
  const startNs = endNs - BigInt(SPREAD_MS) * 1_000_000n;
  const requestCount = RECORD_COUNT / RECORDS_PER_REQUEST;
  const sliceNs = (endNs - startNs) / BigInt(requestCount);
  let next = 0;
  const sendAll = async () => {
    while (next < requestCount) {
      const i = next++;
      const from = startNs + BigInt(i) * sliceNs;
      await postLogs(target.otlpHttpUrl, encodeLogsRequest(SERVICES[i % SERVICES.length], RECORDS_PER_REQUEST, from, from + sliceNs));
    }
  };
  await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, sendAll));
  const sentMs = performance.now();
  for (;;) {
    const { body } = await fetchJson<{ stats: { logCount: number } }>(target.apiUrl, '/pharos/v1/status');
    if (body.stats.logCount >= RECORD_COUNT) break;
    if (performance.now() - startedMs > 240_000) throw new Error(`only ${body.stats.logCount} of ${RECORD_COUNT} records stored after 4 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  loadSeconds = (performance.now() - startedMs) / 1000;
  console.log(
    `[logs speed] ${RECORD_COUNT} records sent in ${((sentMs - startedMs) / 1000).toFixed(1)} s, all queryable after ${loadSeconds.toFixed(1)} s (${Math.round(RECORD_COUNT / loadSeconds)} records/s)`,
  );
}

// ------------------------------------------------------------------ measuring

/**
 * Evaluated in the page on every animation frame: the page's clock (ms since navigation
 * started) once the first record's row is laid out inside the viewport, else false. Text,
 * because the tests' TypeScript has no DOM types.
 */
const FIRST_ROW_ON_SCREEN = `(() => {
  const row = document.querySelector('.log-item');
  if (row === null) return false;
  const box = row.getBoundingClientRect();
  return box.height > 0 && box.bottom > 0 && box.top < window.innerHeight ? performance.now() : false;
})()`;

function summarize(samples: number[]): { median: number; max: number; min: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], min: sorted[0] };
}

const format = (s: { median: number; max: number; min: number }) => `median ${s.median.toFixed(0)} ms, min ${s.min.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`;

/** Times GET `pathAndQuery` `runs` times, one after another (ms each). */
async function timeApi(pathAndQuery: string, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fetchJson(pharos.apiUrl, pathAndQuery);
    samples.push(performance.now() - t0);
  }
  return samples;
}

beforeAll(async () => {
  bed = await startUiTestBed((started) => {
    pharos = started;
    return loadMillionLogs(started);
  }, { width: 1280, height: 900 });
  ({ pharos, context } = bed);
}, 300_000);

afterAll(async () => {
  await bed?.stop();
}, 120_000);

describe('web UI: logs page speed', () => {
  it(`shows the first page of records within ${FIRST_PAGE_BUDGET_MS} ms with ${RECORD_COUNT.toLocaleString('en')} records stored`, async () => {
    const { body: status } = await fetchJson<{ stats: { logCount: number } }>(pharos.apiUrl, '/pharos/v1/status');
    expect(status.stats.logCount).toBe(RECORD_COUNT);

    // The server's own time for the requests the page makes, as the reference.
    const logsQuery = '/pharos/v1/logs?start=now-1h&end=now&limit=100';
    const histogramQuery = '/pharos/v1/logs/histogram?start=now-1h&end=now&buckets=60';
    const servicesQuery = '/pharos/v1/services?start=now-1h&end=now&signal=logs';
    const { body: firstPage } = await fetchJson<{ logs: unknown[]; nextCursor?: string }>(pharos.apiUrl, logsQuery);
    expect(firstPage.logs).toHaveLength(100);
    expect(firstPage.nextCursor).toBeDefined();
    const apiLogs = summarize(await timeApi(logsQuery, API_RUNS));
    const apiHistogram = summarize(await timeApi(histogramQuery, API_RUNS));
    const apiServices = summarize(await timeApi(servicesQuery, API_RUNS));

    // Navigation to the first page of records on screen: the first run loads the UI's
    // files into the browser's cache (as any first visit does), the others are timed.
    // The page is checked on every animation frame: a locator's waitFor backs off to
    // polling every 500 ms, which measured its own delay (up to half a second) rather than the page's.
    const samples: number[] = [];
    const inPageSamples: number[] = [];
    let coldMs = 0;
    const errors: string[] = [];
    for (let run = 0; run <= PAGE_RUNS; run++) {
      const page = await context.newPage();
      errors.push(...watchPageErrors(page));
      const t0 = performance.now();
      await page.goto(`${pharos.apiUrl}/logs`, { waitUntil: 'commit' });
      const shown = await page.waitForFunction(FIRST_ROW_ON_SCREEN, undefined, { polling: 'raf', timeout: 10_000 });
      const elapsedMs = performance.now() - t0;
      expect(await page.getByText(/^100 records shown/).count()).toBe(1);
      if (run === 0) coldMs = elapsedMs;
      else {
        samples.push(elapsedMs);
        inPageSamples.push(Number(await shown.jsonValue()));
      }
      await page.close();
    }
    const browser = summarize(samples);
    const inPage = summarize(inPageSamples);
    console.log(
      [
        `[logs speed] /logs first page on screen: ${format(browser)} over ${samples.length} runs (first, cold cache: ${coldMs.toFixed(0)} ms)`,
        `[logs speed]   the same by the page's own clock (from navigation start): ${format(inPage)}`,
        `[logs speed] server GET /pharos/v1/logs (limit 100): ${format(apiLogs)}`,
        `[logs speed] server GET /pharos/v1/logs/histogram (60 buckets): ${format(apiHistogram)}`,
        `[logs speed] server GET /pharos/v1/services?signal=logs: ${format(apiServices)}`,
        // The machine is shared: its load says how far these figures are from a quiet run.
        `[logs speed] load average (1, 5, 15 min) after the runs: ${os
          .loadavg()
          .map((n) => n.toFixed(2))
          .join(', ')} on ${os.cpus().length} cores`,
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(browser.median).toBeLessThan(FIRST_PAGE_BUDGET_MS);
  }, 120_000);
});
