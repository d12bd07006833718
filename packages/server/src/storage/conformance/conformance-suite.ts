import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPharosError, type LogRecord, type Span, type TelemetryBatch } from '@pharos/core';
import type { LogHistogramQuery, TelemetryStore, TimeRange } from '../interface.js';
import { hexId, makeFullBatch, makeLog, makeSpan } from './fixtures.js';
import { describeServiceMapCases } from './service-map-cases.js';
import { describeServicesBySignalCases } from './services-by-signal-cases.js';
import { describeLogPageCases } from './log-page-cases.js';
import { describeServiceDetailCases } from './service-detail-cases.js';

/** Creates a fresh, empty store, and how to dispose of it. */
export type StoreFactory = () => Promise<{ store: TelemetryStore; dispose: () => Promise<void> }>;

const Q = { timeoutMs: 10_000 };
const DAY_NS = 86_400_000_000_000n;
const MINUTE_NS = 60_000_000_000n;

/**
 * The storage conformance suite: every TelemetryStore implementation must pass it
 * unchanged (modelled on hono's shared router cases).
 */
export function describeStoreConformance(backendName: string, createStore: StoreFactory): void {
  describe(`TelemetryStore conformance: ${backendName}`, () => {
    let store: TelemetryStore;
    let dispose: () => Promise<void>;
    const now = BigInt(Date.now()) * 1_000_000n;
    const base = now - 10n * MINUTE_NS;
    const range: TimeRange = { startUnixNano: base - MINUTE_NS, endUnixNano: now + MINUTE_NS };
    const full = makeFullBatch(base);

    beforeAll(async () => {
      ({ store, dispose } = await createStore());
      await store.append(full.batch);
    });
    afterAll(async () => {
      await dispose();
    });

    it('returns every span field as written', async () => {
      const traces = await store.getTraces([full.traceId], Q);
      expect(traces.get(full.traceId)).toEqual(full.batch.spans);
    });

    it('returns an empty map for unknown trace ids', async () => {
      const traces = await store.getTraces([hexId(16)], Q);
      expect(traces.size).toBe(0);
    });

    it('lists services and operations', async () => {
      expect(await store.listServices(range, Q)).toEqual(expect.arrayContaining(['frontend', 'payment']));
      expect(await store.listOperations('frontend', range, Q)).toEqual([
        { name: 'POST /charge', spanKind: 3 },
        { name: 'POST /checkout', spanKind: 2 },
      ]);
    });

    it('searches traces by service, operation, attributes, duration and status', async () => {
      const search = (extra: Partial<Parameters<TelemetryStore['searchTraces']>[0]>) =>
        store.searchTraces({ range, attributes: [], limit: 20, ...extra }, Q);
      const [summary] = await search({ service: 'payment', operation: 'charge' });
      expect(summary).toMatchObject({
        traceId: full.traceId,
        rootServiceName: 'frontend',
        rootSpanName: 'POST /checkout',
        startTimeUnixNano: base,
        durationNs: 50_000_000n,
        spanCount: 3,
        errorCount: 1,
      });
      expect(summary.services).toEqual([
        { name: 'frontend', spanCount: 2, errorCount: 0 },
        { name: 'payment', spanCount: 1, errorCount: 1 },
      ]);
      expect(await search({ attributes: [{ key: 'card.type', op: '=', value: 'visa' }] })).toHaveLength(1);
      expect(await search({ attributes: [{ key: 'card.type', op: '=', value: 'amex' }] })).toHaveLength(0);
      expect(await search({ attributes: [{ key: 'http.status_code', op: '>', value: '500' }] })).toHaveLength(1);
      expect(await search({ attributes: [{ key: 'http.status_code', op: '<', value: '500' }] })).toHaveLength(0);
      expect(await search({ attributes: [{ key: 'host.name', op: '=', value: 'web-1' }] })).toHaveLength(1);
      expect(await search({ attributes: [{ key: 'bool.attr', op: '=', value: 'true' }] })).toHaveLength(1);
      expect(await search({ attributes: [{ key: 'card.type', op: '!=', value: 'visa' }], service: 'payment' })).toHaveLength(0);
      expect(await search({ minDurationNs: 45_000_000n })).toHaveLength(1);
      expect(await search({ minDurationNs: 60_000_000n })).toHaveLength(0);
      expect(await search({ maxDurationNs: 20_000_000n })).toHaveLength(0);
      expect(await search({ statusCode: 2 })).toHaveLength(1);
      expect(await search({ spanKind: 3, service: 'frontend' })).toHaveLength(1);
      expect(await search({ spanKind: 5 })).toHaveLength(0);
      expect(await search({ service: 'no-such-service' })).toHaveLength(0);
      expect(await search({ range: { startUnixNano: now + MINUTE_NS, endUnixNano: now + 2n * MINUTE_NS } })).toHaveLength(0);
    });

    it('does not let filter values inject SQL', async () => {
      const hostile = `x' OR 1=1 --`;
      expect(await store.searchTraces({ range, attributes: [{ key: hostile, op: '=', value: hostile }], limit: 5, service: hostile }, Q)).toEqual([]);
      const page = await store.searchLogs({ range, services: [hostile], text: hostile, attributes: [{ key: `a"b'c`, op: '=', value: hostile }], limit: 5 }, Q);
      expect(page.records).toEqual([]);
      const histogram = await store.histogramLogs({ range, services: [hostile], text: hostile, attributes: [{ key: `a"b'c`, op: '=', value: hostile }], bucketCount: 2 }, Q);
      expect(histogram.buckets.map((b) => Object.values(b.counts).reduce((n, c) => n + c, 0))).toEqual([0, 0]);
    });

    it('derives service dependencies from parent/child spans', async () => {
      expect(await store.getDependencies(range, Q)).toEqual([{ parent: 'frontend', child: 'payment', callCount: 1 }]);
    });

    describeServiceMapCases(() => store, base);
    describeServicesBySignalCases(() => store, base);
    describeLogPageCases(() => store, base);
    describeServiceDetailCases(() => store, base);

    describe('services summary (RED)', () => {
      // A window of its own, three hours back, so the other cases' data stays out of it.
      const w0 = base - 180n * MINUTE_NS;
      const window: TimeRange = { startUnixNano: w0, endUnixNano: w0 + MINUTE_NS };
      const MS = 1_000_000n;
      const SECOND = 1_000n * MS;
      beforeAll(async () => {
        const traceId = hexId(16);
        const span = (service: string, kind: Span['kind'], startUnixNano: bigint, durationNs: bigint, statusCode: Span['statusCode'] = 0) =>
          makeSpan({ traceId, service, name: `${service} op`, kind, startUnixNano, durationNs, statusCode });
        const spans: Span[] = [];
        // alpha: 100 server requests of 1..100 ms, 1..50 in bucket 0 and 51..100 in bucket 3; every tenth is an error.
        for (let i = 1n; i <= 100n; i++) spans.push(span('alpha', 2, w0 + (i <= 50n ? SECOND : 30n * SECOND) + i * 10n * MS, i * MS, i % 10n === 0n ? 2 : 0));
        // Spans of other kinds are not requests, errors or not.
        spans.push(span('alpha', 3, w0 + 5n * SECOND, 999n * MS, 2), span('alpha', 1, w0 + 35n * SECOND, 999n * MS, 2));
        spans.push(span('alpha', 0, w0 + 36n * SECOND, 999n * MS), span('alpha', 4, w0 + 37n * SECOND, 999n * MS, 2));
        // beta: four consumer requests of 10..40 ms in the last bucket, one an error.
        for (let k = 1n; k <= 4n; k++) spans.push(span('beta', 5, w0 + 55n * SECOND + k * MS, k * 10n * MS, k === 2n ? 2 : 0));
        // gamma: no request at all.
        spans.push(span('gamma', 1, w0 + 20n * SECOND, 5n * MS), span('gamma', 3, w0 + 21n * SECOND, 5n * MS, 2));
        // Outside the half-open window: just before it, at its end, and a service seen only after it.
        spans.push(span('alpha', 2, w0 - 1n, 5000n * MS, 2), span('alpha', 2, w0 + MINUTE_NS, 5000n * MS, 2), span('delta', 2, w0 + MINUTE_NS + SECOND, MS));
        await store.append({ spans, logs: [], points: [] });
      });

      const empty = (startUnixNano: bigint) => ({ startUnixNano, requests: 0, errors: 0, p95DurationNs: null });

      it('counts requests and errors and computes exact percentiles per service and bucket', async () => {
        const summary = await store.summarizeServices({ range: window, bucketCount: 6 }, Q);
        expect(summary.bucketNs).toBe(10n * SECOND);
        expect(summary.services.map((s) => s.name)).toEqual(['alpha', 'beta', 'gamma']);
        const [alpha, beta, gamma] = summary.services;
        // quantile_cont over 1..100 ms: p50 = 50.5 ms, p95 = 1 + 0.95 * 99 = 95.05 ms, p99 = 99.01 ms.
        expect(alpha).toMatchObject({ requests: 100, errors: 10, p50DurationNs: 50_500_000n, p95DurationNs: 95_050_000n, p99DurationNs: 99_010_000n });
        const at = (i: bigint) => w0 + i * 10n * SECOND;
        expect(alpha.buckets).toEqual([
          { startUnixNano: at(0n), requests: 50, errors: 5, p95DurationNs: 47_550_000n },
          empty(at(1n)),
          empty(at(2n)),
          { startUnixNano: at(3n), requests: 50, errors: 5, p95DurationNs: 97_550_000n },
          empty(at(4n)),
          empty(at(5n)),
        ]);
        expect(beta).toMatchObject({ requests: 4, errors: 1, p50DurationNs: 25_000_000n, p95DurationNs: 38_500_000n, p99DurationNs: 39_700_000n });
        expect(beta.buckets.slice(0, 5)).toEqual([0n, 1n, 2n, 3n, 4n].map((i) => empty(at(i))));
        expect(beta.buckets[5]).toEqual({ startUnixNano: at(5n), requests: 4, errors: 1, p95DurationNs: 38_500_000n });
        expect(gamma).toEqual({
          name: 'gamma',
          requests: 0,
          errors: 0,
          p50DurationNs: null,
          p95DurationNs: null,
          p99DurationNs: null,
          buckets: [0n, 1n, 2n, 3n, 4n, 5n].map((i) => empty(at(i))),
        });
      });

      it('splits a range that does not divide evenly into buckets of ceil(length / count)', async () => {
        const summary = await store.summarizeServices({ range: window, bucketCount: 7 }, Q);
        const bucketNs = (MINUTE_NS + 6n) / 7n;
        expect(summary.bucketNs).toBe(bucketNs);
        for (const service of summary.services) {
          expect(service.buckets.map((b) => b.startUnixNano)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n].map((i) => w0 + i * bucketNs));
          expect(service.buckets.reduce((n, b) => n + b.requests, 0)).toBe(service.requests);
          expect(service.buckets.reduce((n, b) => n + b.errors, 0)).toBe(service.errors);
        }
        const one = await store.summarizeServices({ range: window, bucketCount: 1 }, Q);
        expect(one.bucketNs).toBe(MINUTE_NS);
        expect(one.services[0].buckets).toEqual([{ startUnixNano: w0, requests: 100, errors: 10, p95DurationNs: 95_050_000n }]);
      });

      it('answers with no services for a range without spans', async () => {
        const long = DAY_NS * 1000n;
        expect(await store.summarizeServices({ range: { startUnixNano: long, endUnixNano: long + MINUTE_NS }, bucketCount: 3 }, Q)).toEqual({ bucketNs: 20n * SECOND, services: [] });
        expect(await store.summarizeServices({ range: { startUnixNano: w0, endUnixNano: w0 }, bucketCount: 2 }, Q)).toEqual({ bucketNs: 1n, services: [] });
      });
    });

    it('returns every log field as written, newest first', async () => {
      const page = await store.searchLogs({ range, services: [], attributes: [], limit: 100 }, Q);
      expect(page.nextCursor).toBeUndefined();
      const expected = [...full.batch.logs].sort((a, b) => {
        const ta = a.timeUnixNano || a.observedTimeUnixNano;
        const tb = b.timeUnixNano || b.observedTimeUnixNano;
        return ta < tb ? 1 : ta > tb ? -1 : 0;
      });
      expect(page.records).toEqual(expected);
    });

    it('searches logs by text, severity, service, attributes and trace id', async () => {
      const search = async (extra: Partial<Parameters<TelemetryStore['searchLogs']>[0]>) =>
        (await store.searchLogs({ range, services: [], attributes: [], limit: 100, ...extra }, Q)).records;
      expect(await search({ text: 'CARD DECLINED' })).toHaveLength(1);
      expect(await search({ text: 'structured' })).toHaveLength(1);
      expect(await search({ minSeverityNumber: 17 })).toHaveLength(1);
      expect(await search({ services: ['payment'] })).toHaveLength(1);
      expect(await search({ services: ['frontend'] })).toHaveLength(7);
      expect(await search({ traceId: full.traceId })).toHaveLength(1);
      expect(await search({ attributes: [{ key: 'card.type', op: '=', value: 'visa' }] })).toHaveLength(1);
      expect(await search({ attributes: [{ key: 'log.n', op: '>=', value: '5' }] })).toHaveLength(3);
    });

    it('pages through logs with a cursor, without loss or repeats, even on equal times', async () => {
      const t = base + 5n * MINUTE_NS;
      const resource = full.batch.logs[1].resource;
      const logs = Array.from({ length: 25 }, (_, i) => ({ ...full.batch.logs[1], resource, timeUnixNano: t + BigInt(i % 5), body: `paged ${i}` }));
      await store.append({ spans: [], logs, points: [] });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await store.searchLogs({ range, services: [], attributes: [], text: 'paged', limit: 4, cursor }, Q);
        seen.push(...page.records.map((r) => String(r.body)));
        cursor = page.nextCursor;
        if (cursor === undefined) break;
      }
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
    });

    it('rejects a forged cursor with a clear error', async () => {
      await expect(store.searchLogs({ range, services: [], attributes: [], limit: 5, cursor: 'nonsense' }, Q)).rejects.toSatisfy((e) =>
        isPharosError(e, 'PHAROS_ERR_QUERY_INVALID'),
      );
    });

    describe('log histogram', () => {
      // A window of its own, four hours back, so the other cases' data stays out of it.
      const w0 = base - 240n * MINUTE_NS;
      const window: TimeRange = { startUnixNano: w0, endUnixNano: w0 + MINUTE_NS };
      const SECOND = 1_000_000_000n;
      const zero = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
      beforeAll(async () => {
        const logs: LogRecord[] = [];
        // Bucket 0 (of 6): one record of each band, and one without severity (counted as info).
        for (const [i, severityNumber] of [0, 3, 6, 10, 14, 18, 22].entries()) {
          logs.push(makeLog({ service: 'hist-a', timeUnixNano: w0 + SECOND + BigInt(i), severityNumber, body: `band ${severityNumber}` }));
        }
        // Bucket 2: no time, so the observed time places it.
        logs.push(makeLog({ service: 'hist-b', timeUnixNano: 0n, observedTimeUnixNano: w0 + 25n * SECOND, severityNumber: 9, body: 'observed only' }));
        // Bucket 3: three errors with an attribute; bucket 5: two warnings of another service.
        for (let k = 0n; k < 3n; k++) logs.push(makeLog({ service: 'hist-a', timeUnixNano: w0 + 35n * SECOND + k, severityNumber: 17, body: 'disk full', attributes: { disk: 'sda' } }));
        for (let k = 0n; k < 2n; k++) logs.push(makeLog({ service: 'hist-b', timeUnixNano: w0 + 55n * SECOND + k, severityNumber: 13, body: 'slow DISK' }));
        // Outside the half-open window: just before it and at its end.
        logs.push(makeLog({ service: 'hist-a', timeUnixNano: w0 - 1n, severityNumber: 17, body: 'before' }));
        logs.push(makeLog({ service: 'hist-a', timeUnixNano: w0 + MINUTE_NS, severityNumber: 17, body: 'at the end' }));
        await store.append({ spans: [], logs, points: [] });
      });

      const histogram = (extra: Partial<LogHistogramQuery> = {}) => store.histogramLogs({ range: window, services: [], attributes: [], bucketCount: 6, ...extra }, Q);
      const total = async (extra: Partial<LogHistogramQuery>) => (await histogram(extra)).buckets.reduce((n, b) => n + Object.values(b.counts).reduce((m, c) => m + c, 0), 0);

      it('counts records per bucket and severity band', async () => {
        const result = await histogram();
        expect(result.bucketNs).toBe(10n * SECOND);
        const at = (i: bigint) => w0 + i * 10n * SECOND;
        expect(result.buckets).toEqual([
          { startUnixNano: at(0n), counts: { trace: 1, debug: 1, info: 2, warn: 1, error: 1, fatal: 1 } },
          { startUnixNano: at(1n), counts: zero },
          { startUnixNano: at(2n), counts: { ...zero, info: 1 } },
          { startUnixNano: at(3n), counts: { ...zero, error: 3 } },
          { startUnixNano: at(4n), counts: zero },
          { startUnixNano: at(5n), counts: { ...zero, warn: 2 } },
        ]);
      });

      it('applies the log search filters and agrees with the search', async () => {
        const cases: Array<Partial<LogHistogramQuery>> = [
          { services: ['hist-b'] },
          { minSeverityNumber: 13 },
          { minSeverityNumber: 21 },
          { text: 'disk' },
          { attributes: [{ key: 'disk', op: '=', value: 'sda' }] },
          { services: ['hist-a'], text: 'band' },
        ];
        const expected = [3, 8, 1, 5, 3, 7];
        for (const [i, extra] of cases.entries()) {
          const found = await store.searchLogs({ range: window, services: [], attributes: [], limit: 100, ...extra }, Q);
          expect({ extra, total: await total(extra) }).toEqual({ extra, total: expected[i] });
          expect(found.records).toHaveLength(expected[i]);
        }
        expect((await histogram({ minSeverityNumber: 13 })).buckets[0].counts).toEqual({ ...zero, warn: 1, error: 1, fatal: 1 });
      });

      it('answers zeros for a range without records, and one bucket for the whole range', async () => {
        const long = DAY_NS * 1000n;
        const empty = await store.histogramLogs({ range: { startUnixNano: long, endUnixNano: long + MINUTE_NS }, services: [], attributes: [], bucketCount: 3 }, Q);
        expect(empty).toEqual({ bucketNs: 20n * SECOND, buckets: [0n, 1n, 2n].map((i) => ({ startUnixNano: long + i * 20n * SECOND, counts: zero })) });
        const one = await histogram({ bucketCount: 1 });
        expect(one.buckets).toEqual([{ startUnixNano: w0, counts: { trace: 1, debug: 1, info: 3, warn: 3, error: 4, fatal: 1 } }]);
        const seven = await histogram({ bucketCount: 7 });
        expect(seven.bucketNs).toBe((MINUTE_NS + 6n) / 7n);
        expect(seven.buckets).toHaveLength(7);
      });
    });

    it('returns every metric point type as written', async () => {
      const points = await store.readPoints({ range, matchers: [], limit: 100 }, Q);
      const key = (p: { metric: { name: string } }) => p.metric.name;
      expect([...points].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...full.batch.points].sort((a, b) => key(a).localeCompare(key(b))));
    });

    it('lists metric names, label names, label values and series', async () => {
      const metrics = await store.listMetrics(range, Q);
      expect(metrics.map((m) => m.name)).toEqual(['bytes.delta', 'cpu.utilization', 'duration', 'duration.exp', 'latency.summary', 'queue.depth', 'requests']);
      expect(metrics.find((m) => m.name === 'duration')).toEqual({ name: 'duration', type: 'histogram', unit: 's', description: 'duration description' });
      const selector = { range, matchers: [], limit: 100 };
      expect(await store.listLabelNames({ ...selector, metricName: 'requests' }, Q)).toEqual(['http.status_code', 'route', 'service.name']);
      expect(await store.listLabelValues('route', selector, Q)).toEqual(['/charge']);
      expect(await store.listLabelValues('http.status_code', selector, Q)).toEqual(['200']);
      expect(await store.listLabelValues('service.name', selector, Q)).toEqual(['payment']);
      expect(await store.findSeries({ ...selector, metricName: 'requests' }, Q)).toEqual([
        { metricName: 'requests', labels: { 'service.name': 'payment', route: '/charge', 'http.status_code': '200' } },
      ]);
      const matched = await store.readPoints({ ...selector, matchers: [{ key: 'queue', op: '=', value: 'orders' }] }, Q);
      expect(matched.map((p) => p.metric.name)).toEqual(['queue.depth']);
    });

    it('commits a batch whole or not at all', async () => {
      const traceId = hexId(16);
      const good = makeSpan({ traceId, service: 'atomic', name: 'ok', startUnixNano: base, durationNs: 1n });
      const bad: Span = { ...makeSpan({ traceId, service: 'atomic', name: 'bad', startUnixNano: base, durationNs: 1n }), kind: 999 as Span['kind'] };
      await expect(store.append({ spans: [good, bad], logs: [], points: [] })).rejects.toSatisfy((e) => isPharosError(e, 'PHAROS_ERR_STORAGE_WRITE'));
      expect((await store.getTraces([traceId], Q)).size).toBe(0);
      await store.append({ spans: [good], logs: [], points: [] });
      expect((await store.getTraces([traceId], Q)).get(traceId)).toHaveLength(1);
    });

    it('partitions by day and drops whole days older than the cutoff', async () => {
      const traceIds: string[] = [];
      const batch: TelemetryBatch = { spans: [], logs: [], points: [] };
      for (const daysAgo of [40n, 39n, 38n]) {
        const traceId = hexId(16);
        traceIds.push(traceId);
        batch.spans.push(makeSpan({ traceId, service: 'old', name: 'old', startUnixNano: now - daysAgo * DAY_NS, durationNs: 1n }));
      }
      await store.append(batch);
      expect((await store.getTraces(traceIds, Q)).size).toBe(3);
      const before = await store.getStats(Q);
      expect(before.spanCount).toBeGreaterThanOrEqual(6);
      const startOfNewestOldDay = ((now - 38n * DAY_NS) / DAY_NS) * DAY_NS;
      const dropped = await store.dropPartitionsBefore(startOfNewestOldDay);
      expect(dropped.filter((p) => p.signal === 'spans')).toHaveLength(2);
      const left = await store.getTraces(traceIds, Q);
      expect([...left.keys()]).toEqual([traceIds[2]]);
      const after = await store.getStats(Q);
      expect(after.spanCount).toBe(before.spanCount - 2);
    });
  });
}
