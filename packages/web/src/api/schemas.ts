import { z } from 'zod';

/**
 * The shapes of the native API's answers (docs/api.md), checked at the edge: a response
 * that does not match is an error the UI shows, never data it renders half-way.
 * Times and durations stay decimal nanosecond strings here; model/ converts them.
 */

/** A decimal string of nanoseconds (Unix time or a duration). */
const nanos = z.string().regex(/^\d+$/, 'a decimal nanosecond string');

export const apiErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const servicesSchema = z.object({ services: z.array(z.string()) });
export type ServicesResponse = z.infer<typeof servicesSchema>;

export const operationsSchema = z.object({ operations: z.array(z.object({ name: z.string(), spanKind: z.string() })) });
export type OperationsResponse = z.infer<typeof operationsSchema>;

export const serviceSummaryBucketSchema = z.object({
  startUnixNano: nanos,
  requests: z.number(),
  errors: z.number(),
  p95DurationNs: nanos.nullable(),
});
export type ServiceSummaryBucket = z.infer<typeof serviceSummaryBucketSchema>;

export const serviceSummarySchema = z.object({
  name: z.string(),
  requests: z.number(),
  errors: z.number(),
  requestsPerSecond: z.number(),
  errorRate: z.number(),
  p50DurationNs: nanos.nullable(),
  p95DurationNs: nanos.nullable(),
  p99DurationNs: nanos.nullable(),
  buckets: z.array(serviceSummaryBucketSchema),
});
export type ServiceSummary = z.infer<typeof serviceSummarySchema>;

export const servicesSummarySchema = z.object({
  startUnixNano: nanos,
  endUnixNano: nanos,
  bucketNs: nanos,
  services: z.array(serviceSummarySchema),
});
export type ServicesSummaryResponse = z.infer<typeof servicesSummarySchema>;

export const traceSummarySchema = z.object({
  traceId: z.string(),
  rootServiceName: z.string(),
  rootSpanName: z.string(),
  startTimeUnixNano: nanos,
  durationNs: nanos,
  spanCount: z.number(),
  errorCount: z.number(),
  services: z.array(z.object({ name: z.string(), spanCount: z.number(), errorCount: z.number() })),
});
export type TraceSummary = z.infer<typeof traceSummarySchema>;

export const traceSearchSchema = z.object({ traces: z.array(traceSummarySchema) });
export type TraceSearchResponse = z.infer<typeof traceSearchSchema>;

/** An OTLP/JSON AnyValue: one of stringValue, intValue, ..., or {} when unset; rendered by model/attributes. */
export const anyValueSchema = z.record(z.string(), z.unknown());
export type AnyValueJson = z.infer<typeof anyValueSchema>;

export const keyValueSchema = z.object({ key: z.string(), value: anyValueSchema });
export type KeyValueJson = z.infer<typeof keyValueSchema>;

export const otlpSpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string(),
  traceState: z.string(),
  flags: z.number(),
  name: z.string(),
  kind: z.number(),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes: z.array(keyValueSchema),
  droppedAttributesCount: z.number(),
  events: z.array(z.object({ timeUnixNano: nanos, name: z.string(), attributes: z.array(keyValueSchema), droppedAttributesCount: z.number() })),
  droppedEventsCount: z.number(),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string(), attributes: z.array(keyValueSchema) }).loose()),
  droppedLinksCount: z.number(),
  status: z.object({ code: z.number(), message: z.string() }),
});
export type OtlpSpanJson = z.infer<typeof otlpSpanSchema>;

export const traceSchema = z.object({
  traceId: z.string(),
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(keyValueSchema), droppedAttributesCount: z.number() }),
      scopeSpans: z.array(
        z.object({
          scope: z.object({ name: z.string(), version: z.string() }).loose(),
          spans: z.array(otlpSpanSchema),
          schemaUrl: z.string(),
        }),
      ),
      schemaUrl: z.string(),
    }),
  ),
});
export type TraceResponse = z.infer<typeof traceSchema>;

/* Metrics (docs/api.md, "GET /pharos/v1/metrics" and below). */

/** A JSON number, or its text where JSON has none: an int64 beyond ±2^53, `NaN`, `Infinity`, `-Infinity`. */
const jsonNumber = z.union([z.number(), z.string()]);
export type JsonNumber = z.infer<typeof jsonNumber>;

export const metricInfoSchema = z.object({ name: z.string(), type: z.string(), unit: z.string(), description: z.string() }).loose();
export type MetricInfoJson = z.infer<typeof metricInfoSchema>;

export const metricsSchema = z.object({ metrics: z.array(metricInfoSchema) });
export type MetricsResponse = z.infer<typeof metricsSchema>;

export const metricLabelsSchema = z.object({ labels: z.array(z.string()) });
export type MetricLabelsResponse = z.infer<typeof metricLabelsSchema>;

export const metricLabelValuesSchema = z.object({ values: z.array(z.string()) });
export type MetricLabelValuesResponse = z.infer<typeof metricLabelValuesSchema>;

export const metricSeriesSchema = z.object({ series: z.array(z.object({ metric: z.string(), labels: z.record(z.string(), z.string()) })) });
export type MetricSeriesResponse = z.infer<typeof metricSeriesSchema>;

const metricPointBase = {
  metric: z.object({ name: z.string(), type: z.string(), unit: z.string(), description: z.string(), aggregationTemporality: z.number(), isMonotonic: z.boolean() }),
  serviceName: z.string(),
  labels: z.record(z.string(), z.string()),
  startTimeUnixNano: nanos,
  timeUnixNano: nanos,
  flags: z.number(),
};

export const metricPointSchema = z.discriminatedUnion('kind', [
  z.object({ ...metricPointBase, kind: z.literal('number'), value: jsonNumber }).loose(),
  z.object({ ...metricPointBase, kind: z.literal('histogram'), count: z.number(), bucketCounts: z.array(z.number()), explicitBounds: z.array(jsonNumber) }).loose(),
  z.object({ ...metricPointBase, kind: z.literal('exponential_histogram'), count: z.number() }).loose(),
  z.object({ ...metricPointBase, kind: z.literal('summary'), count: z.number(), quantileValues: z.array(z.object({ quantile: jsonNumber, value: jsonNumber })) }).loose(),
]);
export type MetricPointJson = z.infer<typeof metricPointSchema>;

export const metricPointsSchema = z.object({ points: z.array(metricPointSchema) });
export type MetricPointsResponse = z.infer<typeof metricPointsSchema>;

export const logRecordSchema = z.object({
  serviceName: z.string(),
  resource: z.object({ attributes: z.array(keyValueSchema), droppedAttributesCount: z.number() }).loose(),
  scope: z.object({ name: z.string(), version: z.string() }).loose(),
  /** "0" when the source set no time; observedTimeUnixNano then orders the record. */
  timeUnixNano: nanos,
  observedTimeUnixNano: nanos,
  severityNumber: z.number(),
  severityText: z.string(),
  body: anyValueSchema,
  attributes: z.array(keyValueSchema),
  droppedAttributesCount: z.number(),
  flags: z.number(),
  /** Empty when the record is not tied to a trace. */
  traceId: z.string(),
  spanId: z.string(),
  eventName: z.string(),
});
export type LogRecord = z.infer<typeof logRecordSchema>;

export const logSearchSchema = z.object({ logs: z.array(logRecordSchema), nextCursor: z.string().optional() });
export type LogSearchResponse = z.infer<typeof logSearchSchema>;

const count = z.number().int().nonnegative();
export const severityCountsSchema = z.object({ trace: count, debug: count, info: count, warn: count, error: count, fatal: count });
export type SeverityCounts = z.infer<typeof severityCountsSchema>;

export const logHistogramSchema = z.object({
  startUnixNano: nanos,
  endUnixNano: nanos,
  bucketNs: nanos,
  buckets: z.array(z.object({ startUnixNano: nanos, counts: severityCountsSchema })),
});
export type LogHistogramResponse = z.infer<typeof logHistogramSchema>;

/* A service's page (docs/api.md, "GET /pharos/v1/services/{service}/operations/summary" and the two after it). */

export const operationSummarySchema = z.object({
  name: z.string(),
  spanKind: z.string(),
  spans: count,
  errors: count,
  spansPerSecond: z.number(),
  errorRate: z.number(),
  p50DurationNs: nanos,
  p95DurationNs: nanos,
  p99DurationNs: nanos,
  buckets: z.array(z.object({ startUnixNano: nanos, spans: count, errors: count, p95DurationNs: nanos.nullable() })),
});
export type OperationSummary = z.infer<typeof operationSummarySchema>;

export const operationsSummarySchema = z.object({
  startUnixNano: nanos,
  endUnixNano: nanos,
  bucketNs: nanos,
  operationCount: count,
  operations: z.array(operationSummarySchema),
});
export type OperationsSummaryResponse = z.infer<typeof operationsSummarySchema>;

export const latencyBucketSchema = z.object({ lowerBoundNs: nanos, upperBoundNs: nanos.nullable(), spans: count, errors: count });
export type LatencyBucket = z.infer<typeof latencyBucketSchema>;

export const latencyHistogramSchema = z.object({
  startUnixNano: nanos,
  endUnixNano: nanos,
  spans: count,
  errors: count,
  minDurationNs: nanos.nullable(),
  maxDurationNs: nanos.nullable(),
  p50DurationNs: nanos.nullable(),
  p95DurationNs: nanos.nullable(),
  p99DurationNs: nanos.nullable(),
  buckets: z.array(latencyBucketSchema).min(1),
});
export type LatencyHistogramResponse = z.infer<typeof latencyHistogramSchema>;

export const errorGroupSchema = z.object({
  exceptionType: z.string(),
  message: z.string(),
  spans: count,
  operations: z.array(z.object({ name: z.string(), spans: count })),
  operationCount: count,
  firstSeenUnixNano: nanos,
  lastSeenUnixNano: nanos,
  exampleTraceId: z.string(),
  exampleSpanId: z.string(),
});
export type ErrorGroup = z.infer<typeof errorGroupSchema>;

export const errorGroupsSchema = z.object({ startUnixNano: nanos, endUnixNano: nanos, errorSpans: count, groupCount: count, groups: z.array(errorGroupSchema) });
export type ErrorGroupsResponse = z.infer<typeof errorGroupsSchema>;

/** GET /pharos/v1/service-map: services and the peers they call, with requests, errors and p95 on nodes and edges. */
export const serviceMapNodeSchema = z.object({
  name: z.string(),
  kind: z.enum(['service', 'database', 'messaging', 'external']),
  requests: z.number(),
  errors: z.number(),
  requestsPerSecond: z.number(),
  errorRate: z.number(),
  p95DurationNs: nanos.nullable(),
  /** Virtual nodes only: `key=value` conditions for the trace search's `attr`. */
  peerAttributes: z.array(z.string()).optional(),
});
export type ServiceMapNode = z.infer<typeof serviceMapNodeSchema>;

export const serviceMapEdgeSchema = z.object({
  source: z.string(),
  target: z.string(),
  calls: z.number(),
  errors: z.number(),
  callsPerSecond: z.number(),
  errorRate: z.number(),
  p95DurationNs: nanos.nullable(),
});
export type ServiceMapEdge = z.infer<typeof serviceMapEdgeSchema>;

export const serviceMapSchema = z.object({
  startUnixNano: nanos,
  endUnixNano: nanos,
  nodes: z.array(serviceMapNodeSchema),
  edges: z.array(serviceMapEdgeSchema),
});
export type ServiceMapResponse = z.infer<typeof serviceMapSchema>;
