import {
  attributesToOtlpJson,
  encodeAnyValueJson,
  serviceNameOf,
  type AnyValue,
  type Exemplar,
  type MetricPoint,
  type MetricType,
} from '@pharos/core';
import type { MetricInfo, MetricSeries } from '../storage/index.js';
import type { OtlpKeyValueJson } from './trace-json.js';

/**
 * A JSON number, or a string where JSON has no number: int64 beyond ±2^53 as its exact
 * decimal text, NaN and ±Infinity as "NaN", "Infinity", "-Infinity".
 */
export type JsonNumber = number | string;

export interface ExemplarJson {
  timeUnixNano: string;
  value: JsonNumber;
  valueType: 'int' | 'double';
  filteredAttributes: OtlpKeyValueJson[];
  traceId: string;
  spanId: string;
}

interface PointJsonBase {
  metric: {
    name: string;
    type: MetricType;
    unit: string;
    description: string;
    /** 0 unspecified, 1 delta, 2 cumulative. */
    aggregationTemporality: number;
    isMonotonic: boolean;
  };
  serviceName: string;
  /** The series' labels: point attributes as text, plus `service.name`. */
  labels: Record<string, string>;
  attributes: OtlpKeyValueJson[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  /** OTLP DataPointFlags (1 = no recorded value). */
  flags: number;
  exemplars: ExemplarJson[];
}

export interface NumberPointJson extends PointJsonBase {
  kind: 'number';
  value: JsonNumber;
  valueType: 'int' | 'double';
}

export interface HistogramPointJson extends PointJsonBase {
  kind: 'histogram';
  count: number;
  sum: JsonNumber | null;
  min: JsonNumber | null;
  max: JsonNumber | null;
  bucketCounts: number[];
  explicitBounds: JsonNumber[];
}

export interface ExponentialHistogramPointJson extends PointJsonBase {
  kind: 'exponential_histogram';
  count: number;
  sum: JsonNumber | null;
  min: JsonNumber | null;
  max: JsonNumber | null;
  scale: number;
  zeroCount: number;
  zeroThreshold: JsonNumber;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
}

export interface SummaryPointJson extends PointJsonBase {
  kind: 'summary';
  count: number;
  sum: JsonNumber;
  quantileValues: Array<{ quantile: JsonNumber; value: JsonNumber }>;
}

export type MetricPointJson = NumberPointJson | HistogramPointJson | ExponentialHistogramPointJson | SummaryPointJson;

export interface MetricSeriesJson {
  metric: string;
  labels: Record<string, string>;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A number or int64 as JSON without losing precision (see JsonNumber). */
export function toJsonNumber(value: number | bigint): JsonNumber {
  if (typeof value === 'bigint') return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value.toString();
  return Number.isFinite(value) ? value : String(value);
}

function optionalJsonNumber(value: number | undefined): JsonNumber | null {
  return value === undefined ? null : toJsonNumber(value);
}

/**
 * An attribute value as label text, the way storage reports series labels:
 * strings as they are, anything else as its JSON (`200`, `true`, `0.75`).
 */
export function labelTextOf(value: AnyValue): string {
  return typeof value === 'string' ? value : encodeAnyValueJson(value).replace(/^(-?\d+)\.0$/, '$1');
}

function exemplarToJson(exemplar: Exemplar): ExemplarJson {
  return {
    timeUnixNano: exemplar.timeUnixNano.toString(),
    value: toJsonNumber(exemplar.value),
    valueType: typeof exemplar.value === 'bigint' ? 'int' : 'double',
    filteredAttributes: attributesToOtlpJson(exemplar.filteredAttributes),
    traceId: exemplar.traceId,
    spanId: exemplar.spanId,
  };
}

/** Converts a metric point of any type to JSON (times as decimal nanosecond strings). */
export function metricPointToJson(point: MetricPoint): MetricPointJson {
  const serviceName = serviceNameOf(point.resource);
  // No prototype, so an attribute named `__proto__` stays a plain label.
  const labels = Object.create(null) as Record<string, string>;
  labels['service.name'] = serviceName;
  for (const key of Object.keys(point.attributes)) labels[key] = labelTextOf(point.attributes[key]);
  const base: PointJsonBase = {
    metric: {
      name: point.metric.name,
      type: point.metric.type,
      unit: point.metric.unit,
      description: point.metric.description,
      aggregationTemporality: point.metric.aggregationTemporality,
      isMonotonic: point.metric.isMonotonic,
    },
    serviceName,
    labels,
    attributes: attributesToOtlpJson(point.attributes),
    startTimeUnixNano: point.startTimeUnixNano.toString(),
    timeUnixNano: point.timeUnixNano.toString(),
    flags: point.flags,
    exemplars: point.exemplars.map(exemplarToJson),
  };
  switch (point.kind) {
    case 'number':
      return { ...base, kind: 'number', value: toJsonNumber(point.value), valueType: typeof point.value === 'bigint' ? 'int' : 'double' };
    case 'histogram':
      return {
        ...base,
        kind: 'histogram',
        count: point.count,
        sum: optionalJsonNumber(point.sum),
        min: optionalJsonNumber(point.min),
        max: optionalJsonNumber(point.max),
        bucketCounts: point.bucketCounts,
        explicitBounds: point.explicitBounds.map(toJsonNumber),
      };
    case 'exponential_histogram':
      return {
        ...base,
        kind: 'exponential_histogram',
        count: point.count,
        sum: optionalJsonNumber(point.sum),
        min: optionalJsonNumber(point.min),
        max: optionalJsonNumber(point.max),
        scale: point.scale,
        zeroCount: point.zeroCount,
        zeroThreshold: toJsonNumber(point.zeroThreshold),
        positive: { offset: point.positive.offset, bucketCounts: point.positive.bucketCounts },
        negative: { offset: point.negative.offset, bucketCounts: point.negative.bucketCounts },
      };
    case 'summary':
      return {
        ...base,
        kind: 'summary',
        count: point.count,
        sum: toJsonNumber(point.sum),
        quantileValues: point.quantileValues.map((q) => ({ quantile: toJsonNumber(q.quantile), value: toJsonNumber(q.value) })),
      };
  }
}

/** A metric series as JSON: `{ metric, labels }`. */
export function metricSeriesToJson(series: MetricSeries): MetricSeriesJson {
  return { metric: series.metricName, labels: series.labels };
}

/** A metric's description as JSON (already plain). */
export function metricInfoToJson(info: MetricInfo): MetricInfo {
  return { name: info.name, type: info.type, unit: info.unit, description: info.description };
}
