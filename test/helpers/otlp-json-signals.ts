import { randomHex } from './otlp-json.js';

/**
 * Hand-built OTLP/JSON export requests for logs and metrics, and a small client for the
 * OTLP/HTTP receiver and the native API. OTLP/JSON: hex ids, int64 as decimal strings,
 * enums as integers.
 */

type JsonValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

export interface JsonKeyValue {
  key: string;
  value: JsonValue;
}

/** OTLP/JSON attributes from a plain object: strings, bigint (intValue), numbers (doubleValue), booleans. */
export function jsonAttributes(values: Record<string, string | bigint | number | boolean>): JsonKeyValue[] {
  return Object.entries(values).map(([key, v]) => {
    if (typeof v === 'string') return { key, value: { stringValue: v } };
    if (typeof v === 'bigint') return { key, value: { intValue: String(v) } };
    if (typeof v === 'number') return { key, value: { doubleValue: v } };
    return { key, value: { boolValue: v } };
  });
}

/** Milliseconds since the epoch → OTLP/JSON nanoseconds (a decimal string). */
export function msToNanoString(ms: number): string {
  return String(BigInt(Math.round(ms)) * 1_000_000n);
}

export interface LogSpec {
  timeMs: number;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes?: Record<string, string | bigint | number | boolean>;
  traceId?: string;
  spanId?: string;
}

/** An ExportLogsServiceRequest in OTLP/JSON with the records of one service. */
export function jsonLogsRequest(service: string, records: LogSpec[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: jsonAttributes({ 'service.name': service }) },
        scopeLogs: [
          {
            scope: { name: 'e2e', version: '1.0.0' },
            logRecords: records.map((r) => ({
              timeUnixNano: msToNanoString(r.timeMs),
              observedTimeUnixNano: msToNanoString(r.timeMs),
              severityNumber: r.severityNumber,
              severityText: r.severityText,
              body: { stringValue: r.body },
              attributes: jsonAttributes(r.attributes ?? {}),
              traceId: r.traceId ?? '',
              spanId: r.spanId ?? '',
            })),
          },
        ],
      },
    ],
  });
}

export interface PointSpec {
  timeMs: number;
  value: number | bigint;
  attributes?: Record<string, string | bigint | number | boolean>;
}

export interface MetricSpec {
  name: string;
  kind: 'gauge' | 'sum';
  unit?: string;
  description?: string;
  points: PointSpec[];
}

/** An ExportMetricsServiceRequest in OTLP/JSON with gauge and cumulative monotonic sum metrics of one service. */
export function jsonMetricsRequest(service: string, metrics: MetricSpec[]): string {
  const dataPoints = (points: PointSpec[]) =>
    points.map((p) => ({
      startTimeUnixNano: msToNanoString(p.timeMs - 60_000),
      timeUnixNano: msToNanoString(p.timeMs),
      attributes: jsonAttributes(p.attributes ?? {}),
      ...(typeof p.value === 'bigint' ? { asInt: String(p.value) } : { asDouble: p.value }),
    }));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: jsonAttributes({ 'service.name': service }) },
        scopeMetrics: [
          {
            scope: { name: 'e2e', version: '1.0.0' },
            metrics: metrics.map((m) => ({
              name: m.name,
              unit: m.unit ?? '1',
              description: m.description ?? '',
              ...(m.kind === 'gauge'
                ? { gauge: { dataPoints: dataPoints(m.points) } }
                : { sum: { dataPoints: dataPoints(m.points), aggregationTemporality: 2, isMonotonic: true } }),
            })),
          },
        ],
      },
    ],
  });
}

export interface SpanSpec {
  startMs: number;
  name?: string;
  durationMs?: number;
  statusCode?: 0 | 1 | 2;
  attributes?: Record<string, string | bigint | number | boolean>;
}

/** An ExportTraceServiceRequest in OTLP/JSON: one trace of `spans` (the first is the root), and its ids. */
export function jsonSpansRequest(service: string, spans: SpanSpec[]): { body: string; traceId: string; spanIds: string[] } {
  const traceId = randomHex(16);
  const spanIds = spans.map(() => randomHex(8));
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: jsonAttributes({ 'service.name': service }) },
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: spans.map((s, i) => ({
              traceId,
              spanId: spanIds[i],
              parentSpanId: i === 0 ? '' : spanIds[0],
              name: s.name ?? `span ${i}`,
              kind: i === 0 ? 2 : 1,
              startTimeUnixNano: msToNanoString(s.startMs),
              endTimeUnixNano: msToNanoString(s.startMs + (s.durationMs ?? 5)),
              attributes: jsonAttributes(s.attributes ?? {}),
              status: { code: s.statusCode ?? 0 },
            })),
          },
        ],
      },
    ],
  });
  return { body, traceId, spanIds };
}

export interface OtlpResponse {
  status: number;
  /** The parsed JSON body ({} when empty or not JSON). */
  json: Record<string, unknown>;
  text: string;
}

/** POSTs an OTLP/JSON body to `<otlpHttpUrl>/v1/<signal>`. */
export async function postOtlpJson(otlpHttpUrl: string, signal: 'traces' | 'logs' | 'metrics', body: string): Promise<OtlpResponse> {
  const response = await fetch(`${otlpHttpUrl}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    // not JSON: leave {}
  }
  return { status: response.status, json, text };
}

/** GETs `<apiUrl><pathAndQuery>` and returns the status and parsed JSON body. */
export async function getJson<T>(apiUrl: string, pathAndQuery: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${apiUrl}${pathAndQuery}`, { signal: AbortSignal.timeout(20_000) });
  return { status: response.status, body: (await response.json()) as T };
}

/** The body of GET /pharos/v1/status. */
export interface StatusBody {
  version: string;
  stats: {
    spanCount: number;
    logCount: number;
    pointCount: number;
    partitions: Array<{ signal: 'spans' | 'logs' | 'metrics'; day: string; rowCount: number }>;
    diskBytes: number;
    usedBytes: number;
  };
}

/** The UTC day (YYYY-MM-DD) of a time in milliseconds. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
