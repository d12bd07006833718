import { beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '@pharos/core';
import type { TelemetryStore, TimeRange } from '../interface.js';
import { LATENCY_BUCKET_BOUNDS_NS } from '../service-detail.js';
import { attrs, hexId, makeSpan } from './fixtures.js';

const Q = { timeoutMs: 10_000 };
const MS = 1_000_000n;
const SECOND = 1_000n * MS;
const MINUTE = 60n * SECOND;
const BUCKETS = LATENCY_BUCKET_BOUNDS_NS.length + 1;

/** A latency histogram's per-bucket array: zeros except `at` (bucket index → count). */
const sparse = (at: Record<number, number>) => Array.from({ length: BUCKETS }, (_, i) => at[i] ?? 0);

/**
 * Conformance cases of a service's page: its operations summary, latency histogram and error
 * groups, run by describeStoreConformance with its store. They write into a window of their
 * own, a bit over seven hours before `baseUnixNano`, for services no other case uses.
 */
export function describeServiceDetailCases(storeOf: () => TelemetryStore, baseUnixNano: bigint): void {
  describe('service detail', () => {
    const w0 = baseUnixNano - 437n * MINUTE;
    const window: TimeRange = { startUnixNano: w0, endUnixNano: w0 + MINUTE };
    const API = 'sd-api';
    /** The span each error group's example must be: the group's latest. */
    const examples = new Map<string, Span>();

    beforeAll(async () => {
      const spans: Span[] = [];
      const add = (o: {
        service?: string;
        name: string;
        kind: Span['kind'];
        at: bigint;
        durationNs: bigint;
        error?: boolean;
        statusMessage?: string;
        exceptions?: Array<{ type?: string; message?: string }>;
      }): Span => {
        const span = makeSpan({ traceId: hexId(16), service: o.service ?? API, name: o.name, kind: o.kind, startUnixNano: o.at, durationNs: o.durationNs, statusCode: o.error === true ? 2 : 0 });
        span.statusMessage = o.statusMessage ?? '';
        span.events = (o.exceptions ?? []).map((e, i) => {
          const a = attrs({ 'exception.stacktrace': 'at handler (app.js:1:1)' });
          if (e.type !== undefined) a['exception.type'] = e.type;
          if (e.message !== undefined) a['exception.message'] = e.message;
          return { timeUnixNano: o.at + BigInt(i), name: 'exception', attributes: a, droppedAttributesCount: 0 };
        });
        spans.push(span);
        return span;
      };
      const timeout = [{ type: 'TimeoutError', message: 'upstream timed out' }];
      // GET /items (server): 20 requests of 1..20 ms, 1..10 in bucket 0 and 11..20 in bucket 2 (of 6);
      // 5 and 10 time out, 15 fails twice (the last exception counts), 20 has no exception event.
      for (let i = 1n; i <= 20n; i++) {
        const at = w0 + (i <= 10n ? SECOND : 25n * SECOND) + i * 10n * MS;
        const error = i % 5n === 0n;
        const exceptions =
          i === 5n || i === 10n
            ? timeout
            : i === 15n
              ? [{ type: 'RetryableError', message: 'first try' }, { type: 'TypeError', message: `x is "undefined" (can't read)` }]
              : i === 1n
                ? [{ type: 'IgnoredError', message: 'handled, the span did not fail' }]
                : [];
        const span = add({ name: 'GET /items', kind: 2, at, durationNs: i * MS, error, statusMessage: i === 20n ? 'bad gateway' : '', exceptions });
        if (i === 15n) {
          // A later event of another name does not hide the exception.
          span.events.push({ timeUnixNano: at + 10n, name: 'retry', attributes: attrs({}), droppedAttributesCount: 0 });
          examples.set('TypeError', span);
        }
        if (i === 20n) examples.set('', span);
      }
      // The same name as a client span is another operation; its timeout joins the server's.
      add({ name: 'GET /items', kind: 3, at: w0 + 3n * SECOND, durationNs: 7n * MS, error: true, exceptions: timeout });
      // An internal operation: a span that ends before it starts (lasting 0) fails with a typed exception without message.
      examples.set('PanicError', add({ name: 'db.query', kind: 1, at: w0 + 40n * SECOND, durationNs: -5n, error: true, statusMessage: 'panicked', exceptions: [{ type: 'PanicError' }] }));
      add({ name: 'db.query', kind: 1, at: w0 + 41n * SECOND, durationNs: 500_000n });
      // A consumer operation in bucket 5: 100, 200 and 300 ms, the last one times out (the latest timeout of all).
      for (let k = 1n; k <= 3n; k++) {
        const span = add({ name: 'orders.process', kind: 5, at: w0 + 55n * SECOND + k * 100n * MS, durationNs: k * 100n * MS, error: k === 3n, exceptions: k === 3n ? timeout : [] });
        if (k === 3n) examples.set('TimeoutError', span);
      }
      // Outside the half-open window, and another service's error inside it.
      add({ name: 'GET /items', kind: 2, at: w0 - 1n, durationNs: 90n * SECOND, error: true, exceptions: [{ type: 'OutsideError', message: 'before' }] });
      add({ name: 'GET /items', kind: 2, at: w0 + MINUTE, durationNs: 90n * SECOND, error: true, exceptions: [{ type: 'OutsideError', message: 'at the end' }] });
      add({ service: 'sd-other', name: 'GET /items', kind: 2, at: w0 + 2n * SECOND, durationNs: MS, error: true, exceptions: timeout });
      // Durations on and next to bucket bounds.
      for (const durationNs of [0n, 1_000n, 1_001n, 1_250n, 1_251n, 100n * SECOND, 100n * SECOND + 1n, 400n * SECOND]) {
        add({ service: 'sd-edges', name: 'edge', kind: 2, at: w0 + 30n * SECOND, durationNs });
      }
      await storeOf().append({ spans, logs: [], points: [] });
    });

    describe('operations summary', () => {
      const at = (i: bigint) => w0 + i * 10n * SECOND;
      const empty = (i: bigint) => ({ startUnixNano: at(i), spans: 0, errors: 0, p95DurationNs: null });
      const only = (index: bigint, bucket: { spans: number; errors: number; p95DurationNs: bigint }) =>
        [0n, 1n, 2n, 3n, 4n, 5n].map((i) => (i === index ? { startUnixNano: at(i), ...bucket } : empty(i)));

      it('counts spans and errors and computes exact percentiles per operation (name and kind) and bucket', async () => {
        const summary = await storeOf().summarizeOperations({ range: window, service: API, bucketCount: 6, limit: 100 }, Q);
        expect(summary.bucketNs).toBe(10n * SECOND);
        expect(summary.operationCount).toBe(4);
        expect(summary.operations).toEqual([
          {
            // quantile_cont over 1..20 ms: p50 = 10.5 ms, p95 = 1 + 0.95 × 19 = 19.05 ms, p99 = 19.81 ms.
            name: 'GET /items',
            spanKind: 2,
            spans: 20,
            errors: 4,
            p50DurationNs: 10_500_000n,
            p95DurationNs: 19_050_000n,
            p99DurationNs: 19_810_000n,
            buckets: [
              { startUnixNano: at(0n), spans: 10, errors: 2, p95DurationNs: 9_550_000n },
              empty(1n),
              { startUnixNano: at(2n), spans: 10, errors: 2, p95DurationNs: 19_550_000n },
              empty(3n),
              empty(4n),
              empty(5n),
            ],
          },
          {
            name: 'GET /items',
            spanKind: 3,
            spans: 1,
            errors: 1,
            p50DurationNs: 7n * MS,
            p95DurationNs: 7n * MS,
            p99DurationNs: 7n * MS,
            buckets: only(0n, { spans: 1, errors: 1, p95DurationNs: 7n * MS }),
          },
          {
            // 0 (a negative duration) and 500 µs.
            name: 'db.query',
            spanKind: 1,
            spans: 2,
            errors: 1,
            p50DurationNs: 250_000n,
            p95DurationNs: 475_000n,
            p99DurationNs: 495_000n,
            buckets: only(4n, { spans: 2, errors: 1, p95DurationNs: 475_000n }),
          },
          {
            name: 'orders.process',
            spanKind: 5,
            spans: 3,
            errors: 1,
            p50DurationNs: 200n * MS,
            p95DurationNs: 290n * MS,
            p99DurationNs: 298n * MS,
            buckets: only(5n, { spans: 3, errors: 1, p95DurationNs: 290n * MS }),
          },
        ]);
      });

      it('keeps the operations with the most spans when the limit cuts, and says how many there are', async () => {
        const two = await storeOf().summarizeOperations({ range: window, service: API, bucketCount: 1, limit: 2 }, Q);
        expect(two.operationCount).toBe(4);
        expect(two.operations.map((o) => [o.name, o.spanKind, o.spans])).toEqual([
          ['GET /items', 2, 20],
          ['orders.process', 5, 3],
        ]);
        expect(two.operations[0].buckets).toEqual([{ startUnixNano: w0, spans: 20, errors: 4, p95DurationNs: 19_050_000n }]);
        // Three keep db.query (2 spans) and cut the GET /items client operation (1 span).
        const three = await storeOf().summarizeOperations({ range: window, service: API, bucketCount: 1, limit: 3 }, Q);
        expect(three.operations.map((o) => o.name)).toEqual(['GET /items', 'db.query', 'orders.process']);
      });

      it('splits an uneven range as the services summary does, and answers nothing for an unknown service or empty range', async () => {
        const seven = await storeOf().summarizeOperations({ range: window, service: API, bucketCount: 7, limit: 100 }, Q);
        const bucketNs = (MINUTE + 6n) / 7n;
        expect(seven.bucketNs).toBe(bucketNs);
        for (const operation of seven.operations) {
          expect(operation.buckets.map((b) => b.startUnixNano)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n].map((i) => w0 + i * bucketNs));
          expect(operation.buckets.reduce((n, b) => n + b.spans, 0)).toBe(operation.spans);
          expect(operation.buckets.reduce((n, b) => n + b.errors, 0)).toBe(operation.errors);
        }
        expect(await storeOf().summarizeOperations({ range: window, service: `x' OR 1=1 --`, bucketCount: 2, limit: 10 }, Q)).toEqual({ bucketNs: 30n * SECOND, operationCount: 0, operations: [] });
        const far = 1000n * 86_400n * SECOND;
        expect(await storeOf().summarizeOperations({ range: { startUnixNano: far, endUnixNano: far + MINUTE }, service: API, bucketCount: 3, limit: 10 }, Q)).toEqual({
          bucketNs: 20n * SECOND,
          operationCount: 0,
          operations: [],
        });
      });
    });

    describe('latency histogram', () => {
      it('has fixed R10 bounds from 1 µs to 100 s', () => {
        expect(LATENCY_BUCKET_BOUNDS_NS).toHaveLength(81);
        expect(LATENCY_BUCKET_BOUNDS_NS.slice(0, 11)).toEqual([1000n, 1250n, 1600n, 2000n, 2500n, 3150n, 4000n, 5000n, 6300n, 8000n, 10_000n]);
        expect(LATENCY_BUCKET_BOUNDS_NS[30]).toBe(MS);
        expect(LATENCY_BUCKET_BOUNDS_NS[80]).toBe(100n * SECOND);
      });

      it("counts the service's requests (server and consumer spans) per bucket, with errors and percentiles", async () => {
        const histogram = await storeOf().histogramLatency({ range: window, service: API }, Q);
        expect(histogram.boundsNs).toEqual(LATENCY_BUCKET_BOUNDS_NS);
        // GET /items 1..20 ms: 1 ms ≤ 1 ms (30), 2 ms (33), 3 ms ≤ 3.15 (35), 4 (36), 5 (37), 6 ≤ 6.3 (38), 7-8 ≤ 8 (39),
        // 9-10 (40), 11-12 ≤ 12.5 (41), 13-16 (42), 17-20 (43); orders.process 100 ms (50), 200 (53), 300 ≤ 315 (55).
        expect(histogram.counts).toEqual(sparse({ 30: 1, 33: 1, 35: 1, 36: 1, 37: 1, 38: 1, 39: 2, 40: 2, 41: 2, 42: 4, 43: 4, 50: 1, 53: 1, 55: 1 }));
        expect(histogram.errors).toEqual(sparse({ 37: 1, 40: 1, 42: 1, 43: 1, 55: 1 }));
        // 23 durations: p50 is the 12th (12 ms); p95 at rank 20.9 lies between 100 and 200 ms, p99 at 21.78 between 200 and 300 ms.
        expect(histogram).toMatchObject({ spans: 23, errorSpans: 5, minDurationNs: MS, maxDurationNs: 300n * MS, p50DurationNs: 12n * MS, p95DurationNs: 190n * MS, p99DurationNs: 278n * MS });
      });

      it('narrows to one operation, one kind, or both', async () => {
        const items = await storeOf().histogramLatency({ range: window, service: API, operation: 'GET /items' }, Q);
        expect(items.spans).toBe(21);
        expect(items.counts[39]).toBe(3);
        const client = await storeOf().histogramLatency({ range: window, service: API, operation: 'GET /items', spanKind: 3 }, Q);
        expect(client).toMatchObject({ spans: 1, errorSpans: 1, counts: sparse({ 39: 1 }), errors: sparse({ 39: 1 }), p50DurationNs: 7n * MS, p99DurationNs: 7n * MS });
        const internal = await storeOf().histogramLatency({ range: window, service: API, spanKind: 1 }, Q);
        expect(internal).toMatchObject({ spans: 2, errorSpans: 1, counts: sparse({ 0: 1, 27: 1 }), errors: sparse({ 0: 1 }), minDurationNs: 0n, maxDurationNs: 500_000n });
      });

      it('puts a duration on a bound in the bucket it ends, and those above the last bound in the last bucket', async () => {
        const edges = await storeOf().histogramLatency({ range: window, service: 'sd-edges' }, Q);
        // 0 and 1000 ns ≤ 1 µs; 1001 and 1250 ns ≤ 1.25 µs; 1251 ns ≤ 1.6 µs; 100 s ≤ 100 s; above it the overflow bucket.
        expect(edges.counts).toEqual(sparse({ 0: 2, 1: 2, 2: 1, 80: 1, 81: 2 }));
        expect(edges.maxDurationNs).toBe(400n * SECOND);
      });

      it('answers zeros and nulls without spans', async () => {
        const none = await storeOf().histogramLatency({ range: window, service: 'sd-nobody', operation: `'; DROP TABLE spans; --` }, Q);
        expect(none).toEqual({
          boundsNs: LATENCY_BUCKET_BOUNDS_NS,
          counts: sparse({}),
          errors: sparse({}),
          spans: 0,
          errorSpans: 0,
          minDurationNs: null,
          maxDurationNs: null,
          p50DurationNs: null,
          p95DurationNs: null,
          p99DurationNs: null,
        });
        const far = 1000n * 86_400n * SECOND;
        expect((await storeOf().histogramLatency({ range: { startUnixNano: far, endUnixNano: far + MINUTE }, service: API }, Q)).spans).toBe(0);
      });
    });

    describe('error groups', () => {
      const example = (key: string) => ({ exampleTraceId: examples.get(key)!.traceId, exampleSpanId: examples.get(key)!.spanId });

      it('groups error spans by their last exception, or their status message, the most frequent first', async () => {
        const errors = await storeOf().groupErrors({ range: window, service: API, limit: 10 }, Q);
        expect(errors.errorSpans).toBe(7);
        expect(errors.groupCount).toBe(4);
        expect(errors.groups).toEqual([
          {
            exceptionType: 'TimeoutError',
            message: 'upstream timed out',
            spans: 4,
            operations: [
              { name: 'GET /items', spans: 3 },
              { name: 'orders.process', spans: 1 },
            ],
            operationCount: 2,
            firstSeenUnixNano: w0 + SECOND + 50n * MS,
            lastSeenUnixNano: w0 + 55n * SECOND + 300n * MS,
            ...example('TimeoutError'),
          },
          // One span each: the latest first.
          {
            exceptionType: 'PanicError',
            message: 'panicked',
            spans: 1,
            operations: [{ name: 'db.query', spans: 1 }],
            operationCount: 1,
            firstSeenUnixNano: w0 + 40n * SECOND,
            lastSeenUnixNano: w0 + 40n * SECOND,
            ...example('PanicError'),
          },
          {
            exceptionType: '',
            message: 'bad gateway',
            spans: 1,
            operations: [{ name: 'GET /items', spans: 1 }],
            operationCount: 1,
            firstSeenUnixNano: w0 + 25n * SECOND + 200n * MS,
            lastSeenUnixNano: w0 + 25n * SECOND + 200n * MS,
            ...example(''),
          },
          {
            exceptionType: 'TypeError',
            message: `x is "undefined" (can't read)`,
            spans: 1,
            operations: [{ name: 'GET /items', spans: 1 }],
            operationCount: 1,
            firstSeenUnixNano: w0 + 25n * SECOND + 150n * MS,
            lastSeenUnixNano: w0 + 25n * SECOND + 150n * MS,
            ...example('TypeError'),
          },
        ]);
      });

      it('limits the groups but still counts them all', async () => {
        const two = await storeOf().groupErrors({ range: window, service: API, limit: 2 }, Q);
        expect(two).toMatchObject({ errorSpans: 7, groupCount: 4 });
        expect(two.groups.map((g) => g.exceptionType)).toEqual(['TimeoutError', 'PanicError']);
      });

      it('answers no groups for a service without errors, an unknown service or an empty range', async () => {
        expect(await storeOf().groupErrors({ range: window, service: 'sd-edges', limit: 10 }, Q)).toEqual({ errorSpans: 0, groupCount: 0, groups: [] });
        expect(await storeOf().groupErrors({ range: window, service: `x' OR 1=1 --`, limit: 10 }, Q)).toEqual({ errorSpans: 0, groupCount: 0, groups: [] });
        const far = 1000n * 86_400n * SECOND;
        expect(await storeOf().groupErrors({ range: { startUnixNano: far, endUnixNano: far + MINUTE }, service: API, limit: 10 }, Q)).toEqual({ errorSpans: 0, groupCount: 0, groups: [] });
      });
    });
  });
}
