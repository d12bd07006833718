import type { KeyValueJson, OtlpSpanJson, TraceResponse } from '../api';
import { findAttribute } from './attributes';

/** A span of a trace with what the waterfall needs: its service, depth, and offsets from the trace start. */
export interface WaterfallRow {
  span: OtlpSpanJson;
  serviceName: string;
  resourceAttributes: KeyValueJson[];
  scopeName: string;
  depth: number;
  /** Start relative to the trace's earliest span start. */
  offsetNs: number;
  durationNs: number;
  isError: boolean;
  hasChildren: boolean;
}

/** The rows of a trace's waterfall and its overall extent. */
export interface Waterfall {
  rows: WaterfallRow[];
  traceStartUnixNano: bigint;
  traceDurationNs: number;
  services: string[];
}

/** OTLP status code ERROR. */
const STATUS_ERROR = 2;

/**
 * Orders a trace's spans depth-first (children by start time) so each follows its parent;
 * spans whose parent is missing become roots. Times are turned into offsets from the
 * earliest start, in nanoseconds (exact up to about 104 days, far beyond any trace).
 */
export function buildWaterfall(trace: TraceResponse): Waterfall {
  const flat: Array<Omit<WaterfallRow, 'depth' | 'offsetNs' | 'hasChildren'>> = [];
  for (const resourceSpans of trace.resourceSpans) {
    const serviceName = findAttribute(resourceSpans.resource.attributes, 'service.name') ?? 'unknown';
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const durationNs = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano));
        flat.push({ span, serviceName, resourceAttributes: resourceSpans.resource.attributes, scopeName: scopeSpans.scope.name, durationNs: Math.max(0, durationNs), isError: span.status.code === STATUS_ERROR });
      }
    }
  }
  if (flat.length === 0) return { rows: [], traceStartUnixNano: 0n, traceDurationNs: 0, services: [] };
  const start = flat.reduce((min, r) => (BigInt(r.span.startTimeUnixNano) < min ? BigInt(r.span.startTimeUnixNano) : min), BigInt(flat[0].span.startTimeUnixNano));
  const end = flat.reduce((max, r) => (BigInt(r.span.endTimeUnixNano) > max ? BigInt(r.span.endTimeUnixNano) : max), BigInt(flat[0].span.endTimeUnixNano));
  const ids = new Set(flat.map((r) => r.span.spanId));
  const children = new Map<string, typeof flat>();
  const roots: typeof flat = [];
  for (const row of flat) {
    const parent = row.span.parentSpanId;
    if (parent === '' || !ids.has(parent) || parent === row.span.spanId) roots.push(row);
    else children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const byStart = (a: (typeof flat)[number], b: (typeof flat)[number]) => {
    const d = BigInt(a.span.startTimeUnixNano) - BigInt(b.span.startTimeUnixNano);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  };
  const rows: WaterfallRow[] = [];
  const visited = new Set<string>();
  const visit = (row: (typeof flat)[number], depth: number) => {
    if (visited.has(row.span.spanId)) return;
    visited.add(row.span.spanId);
    const kids = (children.get(row.span.spanId) ?? []).sort(byStart);
    rows.push({ ...row, depth, offsetNs: Number(BigInt(row.span.startTimeUnixNano) - start), hasChildren: kids.length > 0 });
    for (const kid of kids) visit(kid, depth + 1);
  };
  for (const root of roots.sort(byStart)) visit(root, 0);
  // Spans in a parent cycle are unreachable from any root: show them at the end rather than lose them.
  for (const row of flat) visit(row, 0);
  const services = [...new Set(rows.map((r) => r.serviceName))];
  return { rows, traceStartUnixNano: start, traceDurationNs: Number(end - start), services };
}

/** The OTLP span kind number as a word. */
export function spanKindName(kind: number): string {
  return ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'][kind] ?? String(kind);
}

/** The OTLP status code number as a word. */
export function statusCodeName(code: number): string {
  return ['unset', 'ok', 'error'][code] ?? String(code);
}
