import { beforeAll, describe, expect, it } from 'vitest';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality as SdkTemporality,
  AggregationType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import {
  createAttributes,
  type AnyValue,
  type Attributes,
  type ExponentialHistogramPoint,
  type HistogramPoint,
  type MetricPoint,
  type NumberPoint,
} from '@pharos/core';
import { decodeMetricsJson, decodeMetricsProtobuf, type DecodeResult } from './index.js';

class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

function attrs(values: Record<string, AnyValue>): Attributes {
  return Object.assign(createAttributes(), values);
}

function serializeBoth(resourceMetrics: ResourceMetrics): { protobuf: Uint8Array; json: string } {
  const protobuf = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
  const json = JsonMetricsSerializer.serializeRequest(resourceMetrics);
  if (protobuf === undefined || json === undefined) throw new Error('serializer returned nothing');
  return { protobuf, json: new TextDecoder().decode(json) };
}

function pointsOf(result: DecodeResult, name: string): MetricPoint[] {
  return result.batch.points.filter((point) => point.metric.name === name);
}

function onePoint<K extends MetricPoint['kind']>(result: DecodeResult, name: string, kind: K): Extract<MetricPoint, { kind: K }> {
  const points = pointsOf(result, name);
  expect(points, name).toHaveLength(1);
  const point = points[0];
  if (point.kind !== kind) throw new Error(`${name}: expected a ${kind} point, got ${point.kind}`);
  return point as Extract<MetricPoint, { kind: K }>;
}

/** Records the same measurements into the real metrics SDK and collects them cumulatively and as deltas. */
async function collectFromSdk(): Promise<{ cumulative: ResourceMetrics; delta: ResourceMetrics }> {
  const cumulativeReader = new TestReader();
  const deltaReader = new TestReader({ aggregationTemporalitySelector: () => SdkTemporality.DELTA });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop', 'service.instance.id': 'i-1' }),
    readers: [cumulativeReader, deltaReader],
    views: [{ instrumentName: 'latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('shop-meter', '3.1.4', { schemaUrl: 'https://example.com/metrics-schema' });

  const requests = meter.createCounter('requests', { description: 'Requests served', unit: '{request}', valueType: ValueType.INT });
  requests.add(3, { route: '/a' });
  requests.add(2, { route: '/a' });
  requests.add(1, { route: '/b', 'http.ok': true });
  meter.createCounter('bytes.sent', { unit: 'By' }).add(1.5);
  const active = meter.createUpDownCounter('active', { valueType: ValueType.INT });
  active.add(5);
  active.add(-2);
  meter.createGauge('queue.depth', { valueType: ValueType.INT }).record(7, { queue: 'orders' });
  meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'lab', floor: 2 });
  const latency = meter.createHistogram('latency', { unit: 'ms', advice: { explicitBucketBoundaries: [0, 10, 100] } });
  for (const value of [5, 50, 500, 7]) latency.record(value, { route: '/a' });
  const exp = meter.createHistogram('latency.exp', { unit: 's' });
  for (const value of [1, 2, 4, 0]) exp.record(value);

  const cumulative = await cumulativeReader.collect();
  const delta = await deltaReader.collect();
  await provider.shutdown();
  return { cumulative: cumulative.resourceMetrics, delta: delta.resourceMetrics };
}

describe('decodeMetricsProtobuf / decodeMetricsJson with the OpenTelemetry JS metrics SDK', () => {
  let cumulative: { protobuf: DecodeResult; json: DecodeResult };
  let delta: { protobuf: DecodeResult; json: DecodeResult };

  beforeAll(async () => {
    const collected = await collectFromSdk();
    const c = serializeBoth(collected.cumulative);
    const d = serializeBoth(collected.delta);
    cumulative = { protobuf: decodeMetricsProtobuf(c.protobuf), json: decodeMetricsJson(c.json) };
    delta = { protobuf: decodeMetricsProtobuf(d.protobuf), json: decodeMetricsJson(d.json) };
  });

  it('gives the same model from protobuf and from JSON', () => {
    expect(cumulative.protobuf.batch.points).toHaveLength(8);
    expect(cumulative.protobuf.rejected).toBe(0);
    expect(cumulative.json).toEqual(cumulative.protobuf);
    expect(delta.protobuf.batch.points).toHaveLength(8);
    expect(delta.json).toEqual(delta.protobuf);
  });

  it('shares one descriptor per metric and one resource and scope per request', () => {
    for (const result of [cumulative.protobuf, cumulative.json]) {
      const [a, b] = pointsOf(result, 'requests');
      expect(a.metric).toBe(b.metric);
      expect(a.resource).toBe(b.resource);
      expect(a.scope).toBe(b.scope);
      expect(a.resource).toEqual({ attributes: attrs({ 'service.name': 'shop', 'service.instance.id': 'i-1' }), droppedAttributesCount: 0, schemaUrl: '' });
      expect(a.scope).toEqual({
        name: 'shop-meter',
        version: '3.1.4',
        attributes: createAttributes(),
        droppedAttributesCount: 0,
        schemaUrl: 'https://example.com/metrics-schema',
      });
      for (const point of result.batch.points) {
        expect(point.resource).toBe(a.resource);
        expect(typeof point.timeUnixNano).toBe('bigint');
        expect(point.timeUnixNano).toBeGreaterThan(1_600_000_000_000_000_000n);
        expect(point.startTimeUnixNano).toBeLessThanOrEqual(point.timeUnixNano);
        expect(point.flags).toBe(0);
        expect(point.exemplars).toEqual([]);
      }
    }
  });

  it('decodes monotonic sums, cumulative and delta, int and double', () => {
    for (const [result, temporality] of [
      [cumulative.protobuf, 2],
      [cumulative.json, 2],
      [delta.protobuf, 1],
      [delta.json, 1],
    ] as const) {
      const points = pointsOf(result, 'requests') as NumberPoint[];
      expect(points.map((p) => [p.attributes, p.value])).toEqual([
        [attrs({ route: '/a' }), 5n],
        [attrs({ route: '/b', 'http.ok': true }), 1n],
      ]);
      expect(points[0].metric).toEqual({
        name: 'requests',
        description: 'Requests served',
        unit: '{request}',
        type: 'sum',
        aggregationTemporality: temporality,
        isMonotonic: true,
        metadata: createAttributes(),
      });
      const bytes = onePoint(result, 'bytes.sent', 'number');
      expect(bytes.value).toBe(1.5);
      expect(bytes.metric.unit).toBe('By');
      expect(bytes.metric.isMonotonic).toBe(true);
    }
  });

  it('decodes non-monotonic sums and gauges', () => {
    for (const result of [cumulative.protobuf, cumulative.json]) {
      const active = onePoint(result, 'active', 'number');
      expect(active.value).toBe(3n);
      expect(active.metric.type).toBe('sum');
      expect(active.metric.isMonotonic).toBe(false);

      const depth = onePoint(result, 'queue.depth', 'number');
      expect(depth.value).toBe(7n);
      expect(depth.attributes).toEqual(attrs({ queue: 'orders' }));
      expect(depth.metric).toMatchObject({ type: 'gauge', aggregationTemporality: 0, isMonotonic: false });

      const temperature = onePoint(result, 'temperature', 'number');
      expect(temperature.value).toBe(21.5);
      expect(temperature.attributes).toEqual(attrs({ room: 'lab', floor: 2n }));
      expect(temperature.metric).toMatchObject({ type: 'gauge', unit: 'Cel' });
    }
  });

  it('decodes explicit-bucket histograms', () => {
    for (const result of [cumulative.protobuf, cumulative.json, delta.protobuf]) {
      const latency: HistogramPoint = onePoint(result, 'latency', 'histogram');
      expect(latency).toMatchObject({
        kind: 'histogram',
        count: 4,
        sum: 562,
        min: 5,
        max: 500,
        bucketCounts: [0, 2, 1, 1],
        explicitBounds: [0, 10, 100],
        attributes: attrs({ route: '/a' }),
      });
      expect(latency.metric).toMatchObject({ name: 'latency', unit: 'ms', type: 'histogram' });
    }
    expect(onePoint(cumulative.protobuf, 'latency', 'histogram').metric.aggregationTemporality).toBe(2);
    expect(onePoint(delta.protobuf, 'latency', 'histogram').metric.aggregationTemporality).toBe(1);
  });

  it('decodes exponential histograms', () => {
    for (const result of [cumulative.protobuf, cumulative.json]) {
      const exp: ExponentialHistogramPoint = onePoint(result, 'latency.exp', 'exponential_histogram');
      expect(exp.metric).toMatchObject({ name: 'latency.exp', type: 'exponential_histogram', aggregationTemporality: 2 });
      expect(exp.count).toBe(4);
      expect(exp.sum).toBe(7);
      expect(exp.min).toBe(0);
      expect(exp.max).toBe(4);
      expect(exp.zeroCount).toBe(1);
      expect(exp.zeroThreshold).toBe(0);
      expect(Number.isInteger(exp.scale)).toBe(true);
      expect(exp.positive.bucketCounts.reduce((a, b) => a + b, 0)).toBe(3);
      expect(exp.negative).toEqual({ offset: exp.negative.offset, bucketCounts: [] });
      // Bucket i of scale s holds (2^(i / 2^s), 2^((i+1) / 2^s)]: 1, 2 and 4 each land in their own bucket.
      for (const value of [1, 2, 4]) {
        const index = Math.ceil(Math.log2(value) * 2 ** exp.scale) - 1;
        expect(exp.positive.bucketCounts[index - exp.positive.offset], `bucket of ${value}`).toBe(1);
      }
    }
  });
});
