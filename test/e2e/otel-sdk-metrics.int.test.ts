import { ValueType, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricPointJson, MetricSeriesJson } from '../../packages/server/src/query/index.js';
import { fetchJson, queryString, startInProcessPharos, type InProcessPharos } from '../helpers/in-process-pharos.js';
import {
  OTLP_PROTOCOLS,
  createMetricExporter,
  expectedOtlpJsonAttributes,
  hrTimeToNanoString,
  protocolSlug,
  sortByKey,
  type CheckedMetricExporter,
  type OtlpJsonKeyValue,
  type OtlpProtocol,
  type SdkAnyValue,
} from '../helpers/otel-sdk-exporters.js';

/*
 * Requirement 9, metrics: the OpenTelemetry JS SDK exports a counter, an up-down counter,
 * an explicit-bucket histogram, an exponential histogram and gauges (cumulative), plus a
 * delta-temporality run, through each of its three OTLP exporters; the native metric
 * routes must return names, types, units, descriptions, labels, temporality, monotonicity
 * and every point value as the SDK produced them.
 */

const SCOPE_NAME = 'otel-sdk-e2e-meter';
const SCOPE_VERSION = '2.0.0';
const HISTOGRAM_BOUNDS = [10, 50, 100];

let pharos: InProcessPharos;

beforeAll(async () => {
  pharos = await startInProcessPharos();
});

afterAll(async () => {
  await pharos?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every metric data the SDK exported successfully, with the service it came from. */
function exportedMetrics(exporter: CheckedMetricExporter): MetricData[] {
  return exporter.log.exported.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
}

interface SentMetrics {
  service: string;
  cumulative: CheckedMetricExporter;
  delta: CheckedMetricExporter;
}

/** The cumulative run: every instrument kind, recorded, flushed, recorded again, flushed. */
async function sendCumulative(protocol: OtlpProtocol, service: string): Promise<CheckedMetricExporter> {
  const exporter = createMetricExporter(protocol, pharos, 'cumulative');
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000, exportTimeoutMillis: 15_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': '9.9.9', 'host.cores': 2 }),
    views: [
      { instrumentName: 'e2e.payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } } },
      // Without min and max: OTLP leaves the optional fields unset, the API answers null.
      { instrumentName: 'e2e.retries', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [1, 2], recordMinMax: false } } },
    ],
    readers: [reader],
  });
  const meter = provider.getMeter(SCOPE_NAME, SCOPE_VERSION);

  const requests = meter.createCounter('e2e.requests', { description: 'Requests served', unit: '{request}', valueType: ValueType.INT });
  const bytesSent = meter.createCounter('e2e.bytes.sent', { description: 'Bytes sent', unit: 'By' });
  const queueDepth = meter.createUpDownCounter('e2e.queue.depth', { description: 'Items waiting', unit: '{item}' });
  const latency = meter.createHistogram('e2e.latency', { description: 'Request latency', unit: 'ms', advice: { explicitBucketBoundaries: HISTOGRAM_BOUNDS } });
  const payload = meter.createHistogram('e2e.payload.size', { description: 'Payload size', unit: 'By' });
  const threads = meter.createGauge('e2e.threads', { description: 'Threads in use', unit: '{thread}', valueType: ValueType.INT });
  const temperature = meter.createObservableGauge('e2e.temperature', { description: 'Room temperature', unit: 'Cel' });
  temperature.addCallback((result) => {
    result.observe(21.5, { room: 'a' });
    result.observe(19, { room: 'b' });
  });
  const retries = meter.createHistogram('e2e.retries', { description: 'Retries per request', valueType: ValueType.INT });
  // No description, no unit: both empty strings.
  const bare = meter.createCounter('e2e.bare');
  let pageFaults = 100;
  meter.createObservableCounter('e2e.page.faults', { description: 'Page faults', valueType: ValueType.INT }).addCallback((result) => {
    pageFaults += 10;
    result.observe(pageFaults, { kind: 'minor' });
  });
  meter.createObservableUpDownCounter('e2e.connections', { description: 'Open connections', unit: '{connection}' }).addCallback((result) => result.observe(-3.5, { pool: 'db' }));

  requests.add(3, { route: '/a', code: 200, ok: true });
  requests.add(2, { route: '/a', code: 200, ok: true });
  requests.add(7, { route: '/b', code: 500, ok: false });
  bytesSent.add(1.5);
  bytesSent.add(2);
  queueDepth.add(5, { queue: 'orders' });
  queueDepth.add(-2.5, { queue: 'orders' });
  for (const ms of [5, 20, 20, 75, 250]) latency.record(ms, { route: '/a' });
  for (const size of [0, 1, 2, 4, 1024, 3.5]) payload.record(size);
  threads.record(12, { pool: 'io' });
  // Beyond 2^53 (exact as a double): docs/api.md says such an int64 comes back as its decimal string.
  meter.createGauge('e2e.huge', { valueType: ValueType.INT }).record(2 ** 62);
  retries.record(0);
  retries.record(3);
  bare.add(1);
  await provider.forceFlush();

  await sleep(5);
  requests.add(1, { route: '/a', code: 200, ok: true });
  queueDepth.add(-1, { queue: 'orders' });
  latency.record(60, { route: '/a' });
  await provider.forceFlush();
  await provider.shutdown();
  exporter.log.assertAllSucceeded(`${protocol} cumulative metric export`);
  return exporter;
}

/** The delta run: a counter and a histogram recorded over two intervals. */
async function sendDelta(protocol: OtlpProtocol, service: string): Promise<CheckedMetricExporter> {
  const exporter = createMetricExporter(protocol, pharos, 'delta');
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000, exportTimeoutMillis: 15_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': service }), readers: [reader] });
  const meter = provider.getMeter(SCOPE_NAME, SCOPE_VERSION);
  const requests = meter.createCounter('e2e.delta.requests', { description: 'Requests per interval', unit: '{request}', valueType: ValueType.INT });
  const latency = meter.createHistogram('e2e.delta.latency', { description: 'Latency per interval', unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } });
  const inflight = meter.createUpDownCounter('e2e.delta.inflight', { description: 'In flight (cumulative even under the delta preference)', valueType: ValueType.INT });
  requests.add(4, { route: '/d' });
  latency.record(0.05);
  inflight.add(3);
  await provider.forceFlush();
  await sleep(5);
  requests.add(6, { route: '/d' });
  latency.record(0.5);
  latency.record(2);
  inflight.add(-1);
  await provider.forceFlush();
  await provider.shutdown();
  exporter.log.assertAllSucceeded(`${protocol} delta metric export`);
  return exporter;
}

// --- expectations from the SDK's data ------------------------------------------------------

const TYPE_NAMES: Record<DataPointType, MetricPointJson['metric']['type']> = {
  [DataPointType.SUM]: 'sum',
  [DataPointType.GAUGE]: 'gauge',
  [DataPointType.HISTOGRAM]: 'histogram',
  [DataPointType.EXPONENTIAL_HISTOGRAM]: 'exponential_histogram',
};

/** A label's text as docs/api.md describes series labels: strings as they are, other values as their JSON. */
function labelText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function labelsOf(service: string, attributes: Attributes): Record<string, string> {
  const labels: Record<string, string> = { 'service.name': service };
  for (const [key, value] of Object.entries(attributes)) labels[key] = labelText(value);
  return labels;
}

/** What GET /pharos/v1/metrics/points should return for one SDK data point (attributes sorted by key). */
function expectedPoint(service: string, metric: MetricData, point: DataPoint<unknown>): MetricPointJson {
  const base = {
    metric: {
      name: metric.descriptor.name,
      type: TYPE_NAMES[metric.dataPointType],
      unit: metric.descriptor.unit,
      description: metric.descriptor.description,
      // OTLP gauges have no temporality; sums and histograms carry the SDK's.
      aggregationTemporality: metric.dataPointType === DataPointType.GAUGE ? 0 : metric.aggregationTemporality === AggregationTemporality.DELTA ? 1 : 2,
      isMonotonic: metric.dataPointType === DataPointType.SUM ? metric.isMonotonic : false,
    },
    serviceName: service,
    labels: labelsOf(service, point.attributes),
    attributes: expectedOtlpJsonAttributes(point.attributes as Record<string, SdkAnyValue>),
    startTimeUnixNano: hrTimeToNanoString(point.startTime),
    timeUnixNano: hrTimeToNanoString(point.endTime),
    flags: 0,
    exemplars: [],
  };
  switch (metric.dataPointType) {
    case DataPointType.SUM:
    case DataPointType.GAUGE:
    {
      const value = point.value as number;
      if (metric.descriptor.valueType === ValueType.INT) return { ...base, kind: 'number', value: Number.isSafeInteger(value) ? value : BigInt(value).toString(), valueType: 'int' };
      return { ...base, kind: 'number', value, valueType: 'double' };
    }
    case DataPointType.HISTOGRAM: {
      const h = point.value as Histogram;
      return {
        ...base,
        kind: 'histogram',
        count: h.count,
        sum: h.sum ?? null,
        min: h.min ?? null,
        max: h.max ?? null,
        bucketCounts: h.buckets.counts,
        explicitBounds: h.buckets.boundaries,
      };
    }
    case DataPointType.EXPONENTIAL_HISTOGRAM: {
      const h = point.value as ExponentialHistogram;
      return {
        ...base,
        kind: 'exponential_histogram',
        count: h.count,
        sum: h.sum ?? null,
        min: h.min ?? null,
        max: h.max ?? null,
        scale: h.scale,
        zeroCount: h.zeroCount,
        // The JS SDK does not send zero_threshold: protobuf's default, 0.
        zeroThreshold: 0,
        positive: { offset: h.positive.offset, bucketCounts: h.positive.bucketCounts },
        negative: { offset: h.negative.offset, bucketCounts: h.negative.bucketCounts },
      };
    }
  }
}

function expectedPointsOf(service: string, exporter: CheckedMetricExporter, name: string): MetricPointJson[] {
  return exportedMetrics(exporter)
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) => m.dataPoints.map((p) => expectedPoint(service, m, p as DataPoint<unknown>)));
}

function pointKey(point: MetricPointJson): string {
  return `${JSON.stringify(Object.entries(point.labels).sort())}@${point.timeUnixNano}`;
}

function normalizePoints(points: MetricPointJson[]): MetricPointJson[] {
  return points
    .map((p) => ({ ...p, labels: Object.fromEntries(Object.entries(p.labels).sort()), attributes: sortByKey(p.attributes as OtlpJsonKeyValue[]) }))
    .sort((a, b) => (pointKey(a) < pointKey(b) ? -1 : pointKey(a) > pointKey(b) ? 1 : 0));
}

const CUMULATIVE_METRICS = [
  'e2e.requests',
  'e2e.bytes.sent',
  'e2e.queue.depth',
  'e2e.latency',
  'e2e.payload.size',
  'e2e.threads',
  'e2e.temperature',
  'e2e.retries',
  'e2e.bare',
  'e2e.page.faults',
  'e2e.connections',
  'e2e.huge',
];
const DELTA_METRICS = ['e2e.delta.requests', 'e2e.delta.latency', 'e2e.delta.inflight'];

describe.each(OTLP_PROTOCOLS)('OpenTelemetry JS SDK metrics over %s', (protocol) => {
  let sent: SentMetrics;

  beforeAll(async () => {
    const service = `otel-sdk-metrics-${protocolSlug(protocol)}`;
    sent = { service, cumulative: await sendCumulative(protocol, service), delta: await sendDelta(protocol, `${service}-delta`) };
  });

  const points = async (metric: string, service: string): Promise<MetricPointJson[]> =>
    (await fetchJson<{ points: MetricPointJson[] }>(pharos.apiUrl, `/pharos/v1/metrics/points?${queryString({ metric, match: `service.name=${service}` })}`)).body.points;

  it('returns every exported point of every instrument, field by field', async () => {
    for (const name of CUMULATIVE_METRICS) {
      const expected = expectedPointsOf(sent.service, sent.cumulative, name);
      expect(expected.length, name).toBeGreaterThan(0);
      expect(normalizePoints(await points(name, sent.service)), name).toEqual(normalizePoints(expected));
    }
    for (const name of DELTA_METRICS) {
      const expected = expectedPointsOf(`${sent.service}-delta`, sent.delta, name);
      expect(expected.length, name).toBeGreaterThan(0);
      expect(normalizePoints(await points(name, `${sent.service}-delta`)), name).toEqual(normalizePoints(expected));
    }
  });

  it('returns points in time order', async () => {
    const all = await points('e2e.requests', sent.service);
    const times = all.map((p) => BigInt(p.timeUnixNano));
    for (let i = 1; i < times.length; i++) expect(times[i] >= times[i - 1]).toBe(true);
  });

  it('keeps counter values, int vs double, monotonic cumulative sums', async () => {
    const requests = (await points('e2e.requests', sent.service)).filter((p) => p.labels.route === '/a');
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.map((p) => (p.kind === 'number' ? p.value : undefined)).slice(0, 2)).toEqual([5, 6]);
    for (const p of requests) {
      expect(p.metric).toEqual({ name: 'e2e.requests', type: 'sum', unit: '{request}', description: 'Requests served', aggregationTemporality: 2, isMonotonic: true });
      expect(p).toMatchObject({ kind: 'number', valueType: 'int', labels: { 'service.name': sent.service, route: '/a', code: '200', ok: 'true' } });
      // Cumulative points of one series share their start time.
      expect(p.startTimeUnixNano).toBe(requests[0].startTimeUnixNano);
    }
    const bytes = await points('e2e.bytes.sent', sent.service);
    expect(bytes[0]).toMatchObject({ kind: 'number', value: 3.5, valueType: 'double', labels: { 'service.name': sent.service } });
    const depth = await points('e2e.queue.depth', sent.service);
    expect(depth.map((p) => (p.kind === 'number' ? p.value : undefined)).slice(0, 2)).toEqual([2.5, 1.5]);
    expect(depth[0].metric).toMatchObject({ type: 'sum', aggregationTemporality: 2, isMonotonic: false });
  });

  it('keeps explicit-bucket histograms: bounds, bucket counts, count, sum, min, max', async () => {
    const [first, second] = await points('e2e.latency', sent.service);
    expect(first).toMatchObject({ kind: 'histogram', explicitBounds: HISTOGRAM_BOUNDS, bucketCounts: [1, 2, 1, 1], count: 5, sum: 370, min: 5, max: 250 });
    expect(second).toMatchObject({ kind: 'histogram', explicitBounds: HISTOGRAM_BOUNDS, bucketCounts: [1, 2, 2, 1], count: 6, sum: 430, min: 5, max: 250 });
    expect(first.metric).toEqual({ name: 'e2e.latency', type: 'histogram', unit: 'ms', description: 'Request latency', aggregationTemporality: 2, isMonotonic: false });
  });

  it('keeps exponential histograms: scale, zero count, bucket offsets and counts', async () => {
    const [point] = await points('e2e.payload.size', sent.service);
    expect(point).toMatchObject({ kind: 'exponential_histogram', count: 6, sum: 1034.5, min: 0, max: 1024, zeroCount: 1, zeroThreshold: 0 });
    if (point.kind !== 'exponential_histogram') throw new Error('not an exponential histogram');
    expect(point.positive.bucketCounts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(point.negative.bucketCounts.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('keeps gauges: observable (double) and synchronous (int)', async () => {
    const temperature = await points('e2e.temperature', sent.service);
    const byRoom = new Map(temperature.map((p) => [p.labels.room, p]));
    expect(byRoom.get('a')).toMatchObject({ kind: 'number', value: 21.5, valueType: 'double', metric: { type: 'gauge', unit: 'Cel', aggregationTemporality: 0, isMonotonic: false } });
    expect(byRoom.get('b')).toMatchObject({ kind: 'number', value: 19, valueType: 'double' });
    const threads = await points('e2e.threads', sent.service);
    expect(threads[0]).toMatchObject({ kind: 'number', value: 12, valueType: 'int', labels: { pool: 'io' }, metric: { type: 'gauge', description: 'Threads in use' } });
  });

  it('keeps histograms without min/max (null), metrics without unit or description, observable sums', async () => {
    const [retries] = await points('e2e.retries', sent.service);
    expect(retries).toMatchObject({ kind: 'histogram', count: 2, sum: 3, min: null, max: null, bucketCounts: [1, 0, 1], explicitBounds: [1, 2] });
    const [bare] = await points('e2e.bare', sent.service);
    expect(bare.metric).toEqual({ name: 'e2e.bare', type: 'sum', unit: '', description: '', aggregationTemporality: 2, isMonotonic: true });
    const faults = await points('e2e.page.faults', sent.service);
    expect(faults.map((p) => (p.kind === 'number' ? p.value : undefined)).slice(0, 2)).toEqual([110, 120]);
    expect(faults[0]).toMatchObject({ valueType: 'int', metric: { type: 'sum', isMonotonic: true, aggregationTemporality: 2 } });
    const [huge] = await points('e2e.huge', sent.service);
    expect(huge).toMatchObject({ kind: 'number', value: '4611686018427387904', valueType: 'int' });
    const [connections] = await points('e2e.connections', sent.service);
    expect(connections).toMatchObject({ kind: 'number', value: -3.5, valueType: 'double', metric: { type: 'sum', isMonotonic: false, unit: '{connection}' } });
  });

  it('keeps delta temporality: per-interval values with adjoining time windows', async () => {
    const service = `${sent.service}-delta`;
    const requests = await points('e2e.delta.requests', service);
    expect(requests.map((p) => (p.kind === 'number' ? p.value : undefined))).toEqual([4, 6]);
    expect(requests[0].metric).toEqual({ name: 'e2e.delta.requests', type: 'sum', unit: '{request}', description: 'Requests per interval', aggregationTemporality: 1, isMonotonic: true });
    expect(requests[1].startTimeUnixNano).toBe(requests[0].timeUnixNano);
    const latency = await points('e2e.delta.latency', service);
    expect(latency.map((p) => (p.kind === 'histogram' ? { count: p.count, bucketCounts: p.bucketCounts } : undefined))).toEqual([
      { count: 1, bucketCounts: [1, 0, 0] },
      { count: 2, bucketCounts: [0, 1, 1] },
    ]);
    expect(latency[0].metric.aggregationTemporality).toBe(1);
    const inflight = await points('e2e.delta.inflight', service);
    expect(inflight[0].metric).toMatchObject({ type: 'sum', aggregationTemporality: 2, isMonotonic: false });
    expect(inflight.map((p) => (p.kind === 'number' ? p.value : undefined)).slice(0, 2)).toEqual([3, 2]);
  });

  it('lists the metrics with type, unit and description', async () => {
    const { body } = await fetchJson<{ metrics: Array<{ name: string; type: string; unit: string; description: string }> }>(pharos.apiUrl, '/pharos/v1/metrics');
    const byName = new Map(body.metrics.map((m) => [m.name, m]));
    for (const metric of [...exportedMetrics(sent.cumulative), ...exportedMetrics(sent.delta)]) {
      expect(byName.get(metric.descriptor.name), metric.descriptor.name).toEqual({
        name: metric.descriptor.name,
        type: TYPE_NAMES[metric.dataPointType],
        unit: metric.descriptor.unit,
        description: metric.descriptor.description,
      });
    }
    // Each metric is listed once although three services send it.
    expect(body.metrics.filter((m) => m.name === 'e2e.requests')).toHaveLength(1);
  });

  it('lists label names, label values and series', async () => {
    const selector = { metric: 'e2e.requests', match: `service.name=${sent.service}` };
    const labels = await fetchJson<{ labels: string[] }>(pharos.apiUrl, `/pharos/v1/metrics/labels?${queryString(selector)}`);
    expect([...labels.body.labels].sort()).toEqual(['code', 'ok', 'route', 'service.name']);
    const routes = await fetchJson<{ values: string[] }>(pharos.apiUrl, `/pharos/v1/metrics/labels/route/values?${queryString(selector)}`);
    expect([...routes.body.values].sort()).toEqual(['/a', '/b']);
    const codes = await fetchJson<{ values: string[] }>(pharos.apiUrl, `/pharos/v1/metrics/labels/code/values?${queryString(selector)}`);
    expect([...codes.body.values].sort()).toEqual(['200', '500']);
    const oks = await fetchJson<{ values: string[] }>(pharos.apiUrl, `/pharos/v1/metrics/labels/ok/values?${queryString(selector)}`);
    expect([...oks.body.values].sort()).toEqual(['false', 'true']);
    const services = await fetchJson<{ values: string[] }>(pharos.apiUrl, `/pharos/v1/metrics/labels/service.name/values?${queryString({ metric: 'e2e.requests' })}`);
    expect(services.body.values).toContain(sent.service);

    const series = await fetchJson<{ series: MetricSeriesJson[] }>(pharos.apiUrl, `/pharos/v1/metrics/series?${queryString(selector)}`);
    const normalized = series.body.series.map((s) => ({ metric: s.metric, labels: Object.fromEntries(Object.entries(s.labels).sort()) }));
    expect(normalized.sort((a, b) => (a.labels.route < b.labels.route ? -1 : 1))).toEqual([
      { metric: 'e2e.requests', labels: { code: '200', ok: 'true', route: '/a', 'service.name': sent.service } },
      { metric: 'e2e.requests', labels: { code: '500', ok: 'false', route: '/b', 'service.name': sent.service } },
    ]);
    // Matchers on point attributes, numerically and by text.
    const failing = await fetchJson<{ series: MetricSeriesJson[] }>(pharos.apiUrl, `/pharos/v1/metrics/series?${queryString({ ...selector, match: [selector.match, 'code>=500'] })}`);
    expect(failing.body.series.map((s) => s.labels.route)).toEqual(['/b']);
    const temperatureLabels = await fetchJson<{ labels: string[] }>(pharos.apiUrl, `/pharos/v1/metrics/labels?${queryString({ metric: 'e2e.temperature', match: `service.name=${sent.service}` })}`);
    expect([...temperatureLabels.body.labels].sort()).toEqual(['room', 'service.name']);
    const gaugePoints = await fetchJson<{ points: MetricPointJson[] }>(pharos.apiUrl, `/pharos/v1/metrics/points?${queryString({ metric: 'e2e.temperature', match: [`service.name=${sent.service}`, 'room=b'] })}`);
    expect(gaugePoints.body.points.every((p) => p.labels.room === 'b')).toBe(true);
    expect(gaugePoints.body.points.length).toBeGreaterThan(0);
  });
});

describe('metric points of the exporters agree with one another', () => {
  it('gives the same values whichever exporter sent them', async () => {
    const valuesOf = async (protocol: OtlpProtocol) => {
      const service = `otel-sdk-metrics-${protocolSlug(protocol)}`;
      const { body } = await fetchJson<{ points: MetricPointJson[] }>(pharos.apiUrl, `/pharos/v1/metrics/points?${queryString({ metric: 'e2e.latency', match: `service.name=${service}` })}`);
      return body.points.map((p) => (p.kind === 'histogram' ? [p.count, p.sum, p.min, p.max, p.bucketCounts, p.explicitBounds] : p.kind));
    };
    const [proto, json, grpc] = [await valuesOf('http/protobuf'), await valuesOf('http/json'), await valuesOf('grpc')];
    expect(json).toEqual(proto);
    expect(grpc).toEqual(proto);
  });
});

